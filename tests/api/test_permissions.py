"""Who may call what: every API operation × every role, as one table.

Each row of MATRIX is one operation (HTTP method + URL name from api/urls.py) on one target object, and
what each role gets. Reading a cell:

    ok    the permission check passed and the call succeeded (2xx)
    400   the permission check passed; the input or a rule said no
    409   the permission check passed; the state of the gig said no
    anon  not logged in: refused with 401 (and a WWW-Authenticate challenge)
    403   logged in, refused for this role or object
    404   logged in, and the object is not theirs to see

Every route in api/urls.py must have at least one row: `test_every_api_operation_is_in_the_matrix` fails for a
new route until its row is written. A refused call must also leave the database as it was.
"""

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from api import urls as api_urls
from jobs.models import Assignment, Gig, GigStatus
from tests.api.conftest import ROLES, World
from tests.factories import WANGYI, UserFactory
from tests.helpers import listed

pytestmark = pytest.mark.django_db

OUTCOMES = {
    "ok": {200, 201, 202, 204},
    "400": {400},
    "409": {409},
    "anon": {401},
    "403": {403},
    "404": {404},
}
ALLOWED = {"ok", "400", "409"}  # the permission check passed


def new_gig_body(world: World) -> dict:
    starts = world.now + dt.timedelta(days=2)
    return {"trade": world.trade.code, "title": "搬砖", "headcount": 2, "pay_amount": "200.00", "pay_unit": "day",
            "address": "王益区（测试地点）", "latitude": WANGYI[0], "longitude": WANGYI[1],
            "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=8)).isoformat()}


SITE = {"latitude": WANGYI[0], "longitude": WANGYI[1]}
AT_SITE = {"latitude": WANGYI[0] + 0.0001, "longitude": WANGYI[1], "accuracy": 10}  # a phone's reading there


def new_fair_body(world: World) -> dict:
    starts = world.now + dt.timedelta(days=7)
    return {"center": world.center.pk, "title": "招聘会", "place": "大厅", "capacity": 100,
            "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=4)).isoformat()}


def new_course_body(world: World) -> dict:
    starts = world.now + dt.timedelta(days=7)
    return {"center": world.center.pk, "trade": world.trade.pk, "title": "培训", "place": "教室", "capacity": 20,
            "sessions": [{"starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=2)).isoformat()}]}


def the_worker(world: World) -> dict:
    return {"worker": world.worker.pk}


def first_session(world: World) -> dict:
    from programs.models import CourseSession

    return {"worker": world.worker.pk, "session": CourseSession.objects.order_by("-course_id", "starts_at")[0].pk}


@dataclasses.dataclass(frozen=True)
class Row:
    operation: str  # "METHOD url-name"
    target: str | None  # what the URL points at, built by World (see build_target)
    cells: dict[str, str]  # role → outcome code
    body: dict | Callable[[World], dict] | None = None
    query: dict | None = None

    @property
    def method(self) -> str:
        return self.operation.split()[0]

    @property
    def url_name(self) -> str:
        return self.operation.split()[1]

    @property
    def label(self) -> str:
        return f"{self.operation} <{self.target}>" if self.target else self.operation


def row(operation: str, target: str | None, grid: str, body=None, query=None) -> Row:
    codes = grid.split()
    assert len(codes) == len(ROLES), f"{operation}: {len(codes)} cells for {len(ROLES)} roles"
    assert set(codes) <= set(OUTCOMES), f"{operation}: unknown outcome in {codes}"
    return Row(operation, target, dict(zip(ROLES, codes, strict=True)), body, query)


# Targets: "gig" is the world's open gig with the worker on it; "untaken gig" an open gig nobody holds a slot
# on; "<state> assignment" the worker on a gig of the employer's in that state (see World.new_assignment).
MATRIX = [
    # operation                     target                      anon  worker o.wkr empl  o.emp staff o.stf admin
    # --- public: the docs, the centers and trades, the nearby feed, a worker's card --------------------------
    row("GET schema",               None,                      "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("GET api-docs",             None,                      "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("GET center-list",          None,                      "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("GET center-geojson",       None,                      "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("GET trade-list",           None,                      "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("GET gig-nearby",           None,                      "ok    ok     ok    ok    ok    ok    ok    ok",
        query=SITE),
    # Wage guidance is public: the guide beside the market, and the minimum wages.
    row("GET wage-guide",           None,                      "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("GET wage-guide",           None,                      "400   400    400   400   400   400   400   400",
        query={"area": "6102"}),
    row("GET wage-minimum",         None,                      "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("GET review-queue",         None,                      "anon  403    403   403   403   ok    ok    ok"),
    # Policy answers are public; questions are the asker's and their center's; the center's staff answer.
    row("GET policy-article-list",  None,                      "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("GET policy-article-detail", "policy article",         "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("GET policy-question-list", None,                      "anon  ok     ok    ok    ok    ok    ok    ok"),
    row("POST policy-question-list", None,                     "anon  ok     ok    ok    ok    403   403   403",
        body={"text": "社保在哪里交？", "topic": "social_insurance"}),
    row("POST policy-question-answer", "policy question",      "anon  403    404   404   404   ok    404   ok",
        body={"answer": "到社保窗口办理。"}),
    # The audit log: staff read their centers' entries, the city all of them.
    row("GET audit-log",            None,                      "anon  403    403   403   403   ok    ok    ok"),
    # An employer sees the cards of workers who applied to or took its gigs (and its favourites) only.
    row("GET worker-detail",        "worker",                  "anon  ok     403   ok    404   ok    ok    ok"),
    # Favourites are workers who have worked for the employer: another employer may not add the world's worker.
    row("PUT worker-favourite",     "worker",                  "anon  403    403   ok    403   403   403   403"),
    row("DELETE worker-favourite",  "worker",                  "anon  403    403   ok    ok    403   403   403"),
    # --- everyone's own inbox ----------------------------------------------------------------------------------
    row("GET notification-list",    None,                      "anon  ok     ok    ok    ok    ok    ok    ok"),
    row("POST notification-read",   None,                      "anon  ok     ok    ok    ok    ok    ok    ok",
        body={"up_to": 1}),
    # --- accounts: the open endpoints take credentials in the body (an empty one is a 400 for everyone) ------
    row("POST auth-sms-code",       None,                      "400   400    400   400   400   400   400   400",
        body={}),
    row("POST auth-signup",         None,                      "400   400    400   400   400   400   400   400",
        body={}),
    row("POST auth-login",          None,                      "400   400    400   400   400   400   400   400",
        body={}),
    row("POST auth-password-reset", None,                      "400   400    400   400   400   400   400   400",
        body={}),
    row("POST auth-logout",         None,                      "anon  ok     ok    ok    ok    ok    ok    ok"),
    row("GET me",                   None,                      "anon  ok     ok    ok    ok    ok    ok    ok"),
    # Personal data: everyone downloads their own; a worker or employer deletes their own account unless a gig
    # of theirs is under way (409: the world's worker holds an assignment, both employers have open gigs); staff
    # accounts are closed by a city administrator (403).
    row("GET me-data",              None,                      "anon  ok     ok    ok    ok    ok    ok    ok"),
    row("DELETE me",                None,                      "anon  409    ok    409   409   403   403   403"),
    row("GET me-worker-profile",    None,                      "anon  ok     ok    403   403   403   403   403"),
    row("PATCH me-worker-profile",  None,                      "anon  ok     ok    403   403   403   403   403",
        body={}),
    row("POST me-id-number",        None,                      "anon  400    400   403   403   403   403   403",
        body={}),
    # --- identity: claims go to the claimant's center (staff of another center are refused), any center's
    # staff may verify a real name after seeing the card ------------------------------------------------------
    row("GET identity-claim-list",  None,                      "anon  403    403   403   403   ok    ok    ok"),
    row("POST identity-claim-resolve", "identity claim",
                                                               "anon  403    403   403   403   ok    403   ok",
        body={"decision": "reject"}),
    row("POST worker-verify-identity", "worker",               "anon  403    403   403   403   ok    ok    ok"),
    row("GET me-employer",          None,                      "anon  403    403   ok    ok    403   403   403"),
    row("PATCH me-employer",        None,                      "anon  403    403   ok    ok    403   403   403",
        body={}),
    # --- gigs -----------------------------------------------------------------------------------------------
    row("GET gig-list",             None,                      "anon  ok     ok    ok    ok    ok    ok    ok"),
    row("POST gig-list",            None,                      "anon  403    403   ok    ok    403   403   403",
        body=new_gig_body),
    row("GET gig-detail",           "gig",                     "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("GET gig-detail",           "draft gig",               "404   404    404   ok    404   ok    404   ok"),
    row("PATCH gig-detail",         "untaken gig",             "anon  403    403   ok    403   403   403   403",
        body={"title": "搬砖（改）"}),
    row("PATCH gig-detail",         "draft gig",               "anon  404    404   ok    404   403   404   403",
        body={"title": "搬砖（改）"}),
    row("POST gig-cancel",          "untaken gig",             "anon  403    403   ok    403   403   403   403",
        body={"reason": "天气原因"}),
    row("POST gig-reopen",          "cancelled gig",           "anon  404    404   ok    404   403   404   403"),
    row("POST gig-publish",         "draft gig",               "anon  404    404   ok    404   403   404   403"),
    row("GET gig-check-in-code",    "gig",                     "anon  403    403   ok    403   403   403   403"),
    # Only the gig's employer ends it early, and only once it has started (before, they cancel it).
    row("POST gig-end-early",       "started gig",             "anon  403    404   ok    404   403   404   403",
        body={"reason": "下雨停工"}),
    row("POST gig-end-early",       "gig",                     "anon  403    403   409   403   403   403   403",
        body={"reason": "下雨停工"}),
    # Who applied to or took a gig: its employer, its center's staff and the city.
    row("GET gig-assignments",      "gig",                     "anon  403    403   ok    403   ok    403   ok"),
    row("POST gig-accept",          "gig",                     "anon  ok     ok    403   403   403   403   403"),
    row("POST gig-apply",           "application gig",         "anon  ok     ok    403   403   403   403   403"),
    # Staff review posts of their own center only (the city reviews any): nobody else sees a waiting post
    # (404) ...
    row("POST gig-review",          "pending gig",             "anon  404    404   403   404   ok    404   ok",
        body={"approve": True}),
    # ... and are refused on an open one they can see (the gig's own staff get 409: it is not waiting).
    row("POST gig-review",          "gig",                     "anon  403    403   403   403   409   403   409",
        body={"approve": True}),
    # --- reports of fake gigs: a worker reports a gig they can see, once; the gig's center staff (and the city)
    # read the cases and release the gig or take it down; other centers' staff get 403, and reporters stay
    # anonymous to employers ---------------------------------------------------------------------------------
    row("POST gig-report",          "untaken gig",             "anon  ok     ok    403   403   403   403   403",
        body={"reason": "fake", "text": "要先交押金"}),
    row("POST gig-report",          "draft gig",               "anon  404    404   403   404   403   404   403",
        body={"reason": "fake"}),
    row("GET report-list",          None,                      "anon  ok     ok    403   403   403   403   403"),
    row("GET report-case-list",     None,                      "anon  403    403   403   403   ok    ok    ok"),
    row("GET report-case-detail",   "report case",             "anon  403    403   403   403   ok    403   ok"),
    row("POST report-case-release", "report case",             "anon  403    403   403   403   ok    403   ok",
        body={"note": "电话核实"}),
    row("POST report-case-take-down", "report case",           "anon  403    403   403   403   ok    403   ok",
        body={"employer_action": "suspend", "note": "收取押金"}),
    # --- assignments ----------------------------------------------------------------------------------------
    row("GET assignment-list",      None,                      "anon  ok     ok    ok    ok    ok    ok    ok"),
    row("GET assignment-detail",    "accepted assignment",     "anon  ok     404   ok    404   ok    404   ok"),
    row("POST assignment-hire",     "applied assignment",      "anon  403    404   ok    404   403   404   403"),
    row("POST assignment-decline",  "applied assignment",      "anon  403    404   ok    404   403   404   403",
        body={"reason": "人已招满"}),
    row("POST assignment-cancel",   "accepted assignment",     "anon  ok     404   ok    404   403   404   403",
        body={"reason": "家里有事"}),
    row("POST assignment-check-in", "accepted assignment",     "anon  ok     404   403   404   403   404   403",
        body=AT_SITE),
    # A dispatch slip's code checks a worker in for the employer or staff, never for the worker (a wrong code: 400).
    row("POST assignment-slip-check-in", "accepted assignment", "anon  403    404   400   404   400   404   400",
        body={"code": "0000 0000x"}),
    row("POST assignment-check-out", "checked_in assignment",  "anon  ok     404   ok    404   403   404   403"),
    row("POST assignment-pay",      "checked_out assignment",  "anon  403    404   ok    404   403   404   403",
        body={"quantity": "1"}),
    row("POST assignment-confirm-paid", "pay_recorded assignment",
                                                               "anon  ok     404   403   404   403   404   403"),
    row("POST assignment-dispute",  "pay_recorded assignment", "anon  ok     404   403   404   403   404   403",
        body={"reason": "说好180元，只给了130元", "amount_claimed": "50.00"}),
    # Every version of the pay: the two sides, and the staff of the gig's center who mediate a dispute.
    row("GET assignment-pay-history", "pay_recorded assignment",
                                                               "anon  ok     404   ok    404   ok    404   ok"),
    row("POST assignment-rate",     "completed assignment",    "anon  ok     404   ok    404   403   404   403",
        body={"score": 5, "comment": "干活利索"}),
    # --- gig work agreements: the two parties and the staff of the gig's center (and the city) read one;
    # everyone else is refused (403). Each party accepts its own side; staff record a worker's at the counter.
    row("GET agreement-detail",     "agreement",               "anon  ok     403   ok    403   ok    403   ok"),
    row("GET assignment-agreement", "hired assignment",        "anon  ok     403   ok    403   ok    403   ok"),
    row("POST agreement-accept",    "agreement",               "anon  ok     403   ok    403   403   403   403",
        body={}),
    row("POST agreement-counter-accept", "agreement",          "anon  403    403   403   403   ok    403   ok",
        body={}),
    # --- the staff console: a center's staff and the city act; everyone else, other centers' staff included,
    # gets 403 (a worker's card is readable by any center's staff: walk-ins are matched across the city) -------
    row("GET staff-center-list",    None,                      "anon  ok     ok    ok    ok    ok    ok    ok"),
    row("POST staff-walk-in",       "console center",          "anon  403    403   403   403   ok    403   ok",
        body=lambda w: {"display_name": "李师傅", "trades": [w.trade.code], "consent": True}),
    row("GET staff-worker-lookup",  "console center",          "anon  403    403   403   403   ok    403   ok",
        query={"q": "李"}),
    row("GET staff-hall",           "console center",          "anon  403    403   403   403   ok    403   ok"),
    row("POST staff-hall",          "console center",          "anon  403    403   403   403   ok    403   ok",
        body=lambda w: {"worker": w.other_worker.pk}),
    row("POST staff-hall-check-out", "hall visit",             "anon  403    403   403   403   ok    403   ok"),
    row("GET staff-board",          "console center",          "anon  403    403   403   403   ok    403   ok"),
    row("POST staff-dispatch-list", "console hall",            "anon  403    403   403   403   ok    403   ok",
        body=lambda w: {"gig": w.gig.pk, "worker": w.other_worker.pk, "consent": True}),
    row("GET staff-dispatch-detail", "dispatch",               "anon  403    403   403   403   ok    403   ok"),
    # Suspicious check-ins at the center's gigs: its staff and the city read them and mark them reviewed.
    row("GET staff-suspicious-check-in-list", "console center", "anon  403   403   403   403   ok    403   ok"),
    row("POST staff-suspicious-check-in-review", "suspicious check in",
                                                               "anon  404    404   404   404   ok    404   ok"),
    # The figures: a center's own for its staff and the city; the city totals for any staff (read-only).
    row("GET staff-figures",        None,                      "anon  403    403   403   403   ok    403   ok",
        query=lambda w: {"center": w.center.pk, "period": "quarter"}),
    row("GET staff-figures",        None,                      "anon  403    403   403   403   ok    ok    ok"),
    row("GET staff-worker",         "walk in",                 "anon  403    403   403   403   ok    ok    ok"),
    row("PATCH staff-worker",       "walk in",                 "anon  403    403   403   403   ok    403   ok",
        body=lambda w: {"center": w.center.pk, "skills": "会开叉车"}),
    row("GET staff-worker-notifications", "walk in",           "anon  403    403   403   403   ok    403   ok",
        query=lambda w: {"center": w.center.pk}),
    # --- job fairs: public to read; a fair's center staff (and the city) run it, employers bring their own
    # gigs, workers register themselves (staff register a worker they name: no worker named is a 400) --------
    row("GET fair-list",            None,                      "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("POST fair-list",           None,                      "anon  403    403   403   403   ok    403   ok",
        body=new_fair_body),
    row("GET fair-detail",          "fair",                    "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("PATCH fair-detail",        "fair",                    "anon  403    403   403   403   ok    403   ok",
        body={"capacity": 20}),
    row("POST fair-register",       "fair",                    "anon  ok     ok    403   403   400   403   400",
        body={}),
    # Cancelling: the world's fair is under way, so a registration stands (409) for all who may cancel one.
    row("POST fair-unregister",     "fair",                    "anon  409    409   403   403   400   403   400",
        body={}),
    row("POST fair-attendance",     "fair",                    "anon  403    403   403   403   ok    403   ok",
        body=the_worker),
    row("POST fair-employers",      "fair",                    "anon  403    403   ok    ok    400   403   400",
        body={}),
    row("POST fair-gigs",           "fair",                    "anon  403    403   ok    403   ok    403   ok",
        body=lambda world: {"gig": world.gig.pk}),
    row("GET fair-registrations",   "fair",                    "anon  403    403   403   403   ok    403   ok"),
    # --- training courses: the same, and completion (a verified skill) is marked by the course's staff -------
    row("GET course-list",          None,                      "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("POST course-list",         None,                      "anon  403    403   403   403   ok    403   ok",
        body=new_course_body),
    row("GET course-detail",        "course",                  "ok    ok     ok    ok    ok    ok    ok    ok"),
    row("PATCH course-detail",      "course",                  "anon  403    403   403   403   ok    403   ok",
        body={"capacity": 20}),
    row("POST course-enrol",        "course",                  "anon  ok     ok    403   403   400   403   400",
        body={}),
    # The course starts tomorrow: its worker cancels; another worker has no sign-up to cancel.
    row("POST course-unenrol",      "course",                  "anon  ok     409   403   403   400   403   400",
        body={}),
    row("POST course-attendance",   "course",                  "anon  403    403   403   403   ok    403   ok",
        body=first_session),
    row("POST course-complete",     "course",                  "anon  403    403   403   403   ok    403   ok",
        body=the_worker),
    row("GET course-enrolments",    "course",                  "anon  403    403   403   403   ok    403   ok"),
    # --- wage-arrears complaints: the worker files on their own assignment (anyone else's is a 403); the
    # worker, the employer, the gig's center and the city see it (others get 404); the center's staff and the
    # city take its steps, the employer responds ---------------------------------------------------------------
    row("GET complaint-list",       None,                      "anon  ok     ok    ok    ok    ok    ok    ok"),
    # (the world's assignment is not worked yet: its worker is let through, to be told it is too early)
    row("POST complaint-list",      None,                      "anon  409    403   403   403   403   403   403",
        body=lambda w: {"assignment": w.assignment.pk, "statement": "干完活没给钱。"}),
    row("GET complaint-detail",     "complaint",               "anon  ok     404   ok    404   ok    404   ok"),
    row("POST complaint-acknowledge", "complaint",             "anon  403    404   403   404   ok    404   ok",
        body={"note": "已受理"}),
    row("POST complaint-mediate",   "acknowledged complaint",  "anon  403    404   403   404   ok    404   ok",
        body={}),
    row("POST complaint-resolve",   "mediating complaint",     "anon  403    404   403   404   ok    404   ok",
        body={"outcome": "partly_paid", "amount_recovered": "100.00"}),
    row("POST complaint-close",     "resolved complaint",      "anon  403    404   403   404   ok    404   ok",
        body={}),
    row("POST complaint-respond",   "complaint",               "anon  403    404   ok    404   403   404   403",
        body={"response": "周三到中心当面支付。"}),
    # JSON carries no photos: the worker hears what is missing, everyone else is refused first.
    row("POST complaint-evidence",  "complaint",               "anon  400    404   403   404   403   404   403",
        body={}),
]


def api_operations() -> set[str]:
    """Every "METHOD url-name" that api/urls.py routes, read from the router and the urlpatterns."""

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern

    found = set()
    for pattern in walk(api_urls.urlpatterns):
        actions = getattr(pattern.callback, "actions", None)  # a router route: {method: viewset action}
        if actions:
            methods = set(actions)
        else:
            view = pattern.callback.view_class
            methods = {m for m in view.http_method_names if hasattr(view, m)}
        methods -= {"head", "options", "trace"}  # HEAD answers as GET does (DRF adds it to viewsets on first use)
        assert pattern.name, f"route {pattern.pattern} has no name"
        found |= {f"{method.upper()} {pattern.name}" for method in methods}
    return found


def build_target(world: World, target: str | None):
    if target is None:
        return None
    if target == "gig":
        return world.gig
    if target == "worker":
        return world.worker
    if target == "untaken gig":
        return world.new_gig()
    if target == "hired assignment":
        return world.agreement().assignment
    if target.endswith(" assignment"):
        return world.new_assignment(target.removesuffix(" assignment"))
    return getattr(world, target.replace(" ", "_"))()


def snapshot(target) -> dict:
    """What a refused call must not change: the target's row, and how many rows each of the market's tables has."""
    state = {model._meta.label: model.objects.count() for label in ("accounts", "centers", "workers", "jobs",
                                                                     "notifications", "programs", "audit",
                                                                     "agreements", "gigreports", "complaints")
             for model in apps.get_app_config(label).get_models()}
    if isinstance(target, models.Model):
        state["target"] = type(target).objects.filter(pk=target.pk).values().get()
        state["target"].pop("updated_at", None)
    return state


def call(world: World, role: str, row_: Row, target):
    url = reverse(row_.url_name, kwargs={"pk": target.pk} if target is not None else None)
    client = world.client(role)
    if row_.method == "GET":
        return client.get(url, (row_.query(world) if callable(row_.query) else row_.query) or {})
    body = row_.body(world) if callable(row_.body) else row_.body
    return getattr(client, row_.method.lower())(url, body, format="json")


def test_every_api_operation_is_in_the_matrix():
    routed, tabled = api_operations(), {r.operation for r in MATRIX}
    assert not routed - tabled, f"API operations with no row in MATRIX (add one): {sorted(routed - tabled)}"
    assert not tabled - routed, f"MATRIX rows for operations that no longer exist: {sorted(tabled - routed)}"


@pytest.mark.parametrize(("row_", "role"), [pytest.param(r, role, id=f"{r.label} as {role}")
                                            for r in MATRIX for role in ROLES])
def test_permission_matrix(world, row_, role):
    target = build_target(world, row_.target)
    before = snapshot(target)

    response = call(world, role, row_, target)

    expected = row_.cells[role]
    assert response.status_code in OUTCOMES[expected], (
        f"{row_.label} as {role}: expected {expected}, got {response.status_code}: {response.content[:400]!r}")
    if expected not in ALLOWED:
        assert snapshot(target) == before, f"{row_.label} as {role} was refused but changed the database"


# --- Every refusal in the matrix is one the OpenAPI schema documents -------------------------------------------



@functools.cache
def documented_statuses() -> dict[tuple[str, re.Pattern], set[int]]:
    """(method, path regex) → the status codes the OpenAPI schema documents for that operation."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for template, item in document["paths"].items():
        pattern = re.compile("[^/]+".join(re.escape(part) for part in re.split(r"\{[^}]+\}", template)) + "$")
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found[(method.upper(), pattern)] = {int(code) for code in operation["responses"]}
    return found


def documented(method: str, path: str) -> set[int] | None:
    for (documented_method, pattern), statuses in documented_statuses().items():
        if documented_method == method and pattern.match(path):
            return statuses
    return None


@pytest.mark.parametrize("row_", [
    pytest.param(r, id=r.label)
    for r in MATRIX if set(r.cells.values()) - ALLOWED and r.url_name not in ("schema", "api-docs")])
def test_every_refusal_is_documented_in_the_schema(world, row_):
    """A client generated from the schema must know every refusal it can get (refusals change nothing, so one
    target serves all roles)."""
    target = build_target(world, row_.target)
    undocumented = []
    for role, expected in row_.cells.items():
        if expected in ALLOWED:
            continue
        response = call(world, role, row_, target)
        statuses = documented(row_.method, response.wsgi_request.path)
        assert statuses is not None, f"{row_.label}: {response.wsgi_request.path} is not in the schema"
        if response.status_code not in statuses:
            undocumented.append(f"{role} got {response.status_code} (documented: {sorted(statuses)})")
    assert not undocumented, f"{row_.label}: " + "; ".join(undocumented)


# --- The same rules as stories --------------------------------------------------------------------------------

def ids(response) -> set[int]:
    return {item["id"] for item in listed(response)}


def test_an_employer_lists_only_their_own_gigs(world):
    draft = world.draft_gig()
    assert ids(world.client("employer").get("/api/gigs/")) == {world.gig.pk, draft.pk}
    assert ids(world.client("other_employer").get("/api/gigs/")) == {world.other_gig.pk}


def test_an_employer_cannot_touch_another_employers_gig(world):
    gig = world.new_gig()
    other = world.client("other_employer")
    assert other.patch(f"/api/gigs/{gig.pk}/", {"headcount": 50}, format="json").status_code == 403
    assert other.post(f"/api/gigs/{gig.pk}/cancel/", {"reason": "x"}, format="json").status_code == 403
    assert other.get(f"/api/gigs/{gig.pk}/assignments/").status_code == 403
    assert other.get(f"/api/gigs/{gig.pk}/check-in-code/").status_code == 403
    gig.refresh_from_db()
    assert (gig.status, gig.headcount) == (GigStatus.OPEN, 2)


def test_a_worker_lists_only_the_gigs_they_are_on_and_their_own_assignments(world):
    mine = world.new_assignment("checked_in")
    theirs = world.new_assignment("applied", worker=world.other_worker)
    worker, other = world.client("worker"), world.client("other_worker")
    assert ids(worker.get("/api/gigs/")) == {world.gig.pk, mine.gig_id}
    assert ids(worker.get("/api/assignments/")) == {world.assignment.pk, mine.pk}
    assert ids(other.get("/api/assignments/")) == {theirs.pk}


def test_a_worker_cannot_see_or_act_on_another_workers_assignment(world):
    other = world.client("other_worker")
    assignment = world.assignment
    assert other.get(f"/api/assignments/{assignment.pk}/").status_code == 404
    assert other.post(f"/api/assignments/{assignment.pk}/cancel/", {}, format="json").status_code == 404
    assert other.post(f"/api/assignments/{assignment.pk}/check-in/", AT_SITE, format="json").status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "accepted"


def test_staff_work_within_their_own_center(world):
    waiting = world.pending_gig()
    draft = world.draft_gig()
    staff, other_staff = world.client("staff"), world.client("other_staff")

    assert ids(staff.get("/api/reviews/")) == {waiting.pk}
    assert ids(other_staff.get("/api/reviews/")) == set()
    # Open gigs are public; a center's other gigs are for its own staff.
    assert {waiting.pk, draft.pk} <= ids(staff.get("/api/gigs/"))
    assert not {waiting.pk, draft.pk} & ids(other_staff.get("/api/gigs/"))
    assert ids(staff.get("/api/assignments/")) == {world.assignment.pk}
    assert ids(other_staff.get("/api/assignments/")) == set()

    refused = other_staff.post(f"/api/gigs/{waiting.pk}/review/", {"approve": True}, format="json")
    assert refused.status_code == 404
    approved = staff.post(f"/api/gigs/{waiting.pk}/review/", {"approve": True}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "open"


def test_anonymous_visitors_browse_open_gigs_but_cannot_act(world):
    visitor = world.client("anonymous")
    draft = world.draft_gig()
    counts = Gig.objects.count(), Assignment.objects.count()
    nearby = visitor.get("/api/gigs/nearby/", SITE)
    assert nearby.status_code == 200
    assert world.gig.pk in {gig["id"] for gig in nearby.json()["results"]}
    assert visitor.get(f"/api/gigs/{world.gig.pk}/").status_code == 200
    assert visitor.get(f"/api/gigs/{draft.pk}/").status_code == 404
    assert visitor.post(f"/api/gigs/{world.gig.pk}/accept/").status_code == 401
    assert visitor.post("/api/gigs/", new_gig_body(world), format="json").status_code == 401
    assert visitor.get("/api/assignments/").status_code == 401
    assert (Gig.objects.count(), Assignment.objects.count()) == counts


@pytest.mark.parametrize(("role", "method", "path"), [
    ("worker", "post", "/api/gigs/{gig}/accept/"),
    ("worker", "post", "/api/gigs/{gig}/apply/"),
    ("employer", "post", "/api/gigs/"),
    ("employer", "patch", "/api/gigs/{gig}/"),
    ("employer", "post", "/api/gigs/{gig}/cancel/"),
    ("employer", "get", "/api/gigs/{gig}/assignments/"),
])
def test_an_account_without_its_profile_is_refused_not_crashed(world, role, method, path):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(UserFactory(role=role))
    response = getattr(client, method)(path.format(gig=world.gig.pk), {}, format="json")
    assert response.status_code in (403, 404), response.status_code
