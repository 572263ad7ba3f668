"""The services decide who may act, with no HTTP in between: the same rules hold for the API, the web pages,
the admin and a shell.

Each row calls one service on one target as every role. Roles in `allowed` get past the permission check
(the call may still be refused by the state of things or the input: Conflict or ValidationError); every other
role gets PermissionDenied (or a 404 where it may not even know the thing exists), and the database is left
as it was.
"""

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from jobs import selectors, services
from jobs.exceptions import Conflict
from jobs.models import Assignment, Employer, Gig, WageDispute
from tests.api.conftest import ROLES, World
from tests.factories import WANGYI
from tests.helpers import at_site

pytestmark = pytest.mark.django_db


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    target: Callable  # world -> what the service acts on
    call: Callable  # (target, actor) -> anything
    allowed: frozenset


def case(name: str, target, call, *allowed: str) -> Case:
    assert set(allowed) <= set(ROLES), allowed
    return Case(name, target, call, frozenset(allowed))


def new_gig_fields(world: World) -> dict:
    starts = world.now + dt.timedelta(days=2)
    return {"category": world.trade, "title": "搬砖", "headcount": 2, "pay_amount": Decimal("200"),
            "pay_unit": "day", "address": "王益区（测试地点）", "latitude": WANGYI[0], "longitude": WANGYI[1],
            "starts_at": starts, "ends_at": starts + dt.timedelta(hours=8)}


def dispute(world: World) -> WageDispute:
    assignment = world.new_assignment("pay_recorded")
    return WageDispute.objects.create(assignment=assignment, reason="没给钱", amount_claimed=Decimal("100"))


CASES = [
    # --- an employer's own gigs ------------------------------------------------------------------------------
    case("create_gig", new_gig_fields, lambda fields, a: services.create_gig(actor=a, **fields),
         "employer", "other_employer"),
    case("update_gig", World.new_gig, lambda gig, a: services.update_gig(gig, actor=a, title="改"), "employer"),
    case("publish_gig", World.draft_gig, lambda gig, a: services.publish_gig(gig, actor=a), "employer"),
    case("cancel_gig", World.new_gig, lambda gig, a: services.cancel_gig(gig, actor=a, reason="下雨"), "employer"),
    case("reopen_gig", World.cancelled_gig, lambda gig, a: services.reopen_gig(gig, actor=a), "employer"),
    case("check-in code", lambda w: w.gig,
         lambda gig, a: selectors.site_check_in_code(gig, viewer=a, now=timezone.now()), "employer"),
    case("people on a gig", lambda w: w.gig, lambda gig, a: selectors.people_on_gig(gig, viewer=a),
         "employer", "staff", "city_admin"),
    # --- review and verification: the gig's center staff and the city ----------------------------------------
    case("review_gig", World.pending_gig, lambda gig, a: services.review_gig(gig, actor=a, approve=True),
         "staff", "city_admin"),
    case("pending_reviews", lambda w: None, lambda _none, a: list(selectors.pending_reviews(a)),
         "staff", "other_staff", "city_admin"),
    case("verify_employer", lambda w: w.other_employer, lambda e, a: services.verify_employer(e, actor=a),
         "staff", "other_staff", "city_admin"),
    case("settle_wage_dispute", dispute, lambda d, a: services.settle_wage_dispute(d, actor=a),
         "staff", "city_admin"),
    # --- workers take gigs --------------------------------------------------------------------------------
    case("accept_gig", World.new_gig, lambda gig, a: services.accept_gig(gig, actor=a), "worker", "other_worker"),
    case("apply_to_gig", World.application_gig, lambda gig, a: services.apply_to_gig(gig, actor=a),
         "worker", "other_worker"),
    # --- one assignment: its worker, its gig's employer ------------------------------------------------------
    case("hire_applicant", lambda w: w.new_assignment("applied"),
         lambda x, a: services.hire_applicant(x, actor=a), "employer"),
    case("decline_applicant", lambda w: w.new_assignment("applied"),
         lambda x, a: services.decline_applicant(x, actor=a), "employer"),
    case("cancel_assignment", lambda w: w.new_assignment("accepted"),
         lambda x, a: services.cancel_assignment(x, actor=a), "worker", "employer"),
    case("check_in", lambda w: w.new_assignment("accepted"),
         lambda x, a: services.check_in(x, actor=a, **at_site(x.gig)), "worker"),
    case("check_out", lambda w: w.new_assignment("checked_in"),
         lambda x, a: services.check_out(x, actor=a), "worker", "employer"),
    case("record_pay", lambda w: w.new_assignment("checked_out"),
         lambda x, a: services.record_pay(x, actor=a, quantity=Decimal("1")), "employer"),
    case("confirm_paid", lambda w: w.new_assignment("pay_recorded"),
         lambda x, a: services.confirm_paid(x, actor=a), "worker"),
    case("dispute_pay", lambda w: w.new_assignment("pay_recorded"),
         lambda x, a: services.dispute_pay(x, actor=a, reason="少给了"), "worker"),
    case("rate", lambda w: w.new_assignment("completed"), lambda x, a: services.rate(x, actor=a, score=5),
         "worker", "employer"),
    # --- favourites, the employer's own details, workers' cards ----------------------------------------------
    case("add_favourite", lambda w: w.worker, lambda worker, a: services.add_favourite(worker, actor=a),
         "employer"),  # only workers who worked for the employer: not the other employer's to add
    case("update_employer", lambda w: w.employer,
         lambda e, a: services.update_employer(e, actor=a, contact_name="王经理"), "employer"),
    case("worker_card", lambda w: w.worker.pk, lambda pk, a: selectors.worker_card(pk, viewer=a),
         "worker", "employer", "staff", "other_staff", "city_admin"),
]

STATE = (Gig, Assignment, Employer, WageDispute)


def snapshot() -> dict:
    return {model.__name__: sorted(model.objects.values_list()) for model in STATE}


@pytest.mark.parametrize("row", CASES, ids=lambda row: row.name)
@pytest.mark.parametrize("role", ROLES)
def test_each_service_decides_who_may_act(row, role):
    world = World()
    actor = world.users[role] or AnonymousUser()
    target = row.target(world)
    if role in row.allowed:
        with contextlib.suppress(Conflict, ValidationError):  # past the permission check; the state or input
            row.call(target, actor)                               # of things may still refuse
        return
    before = snapshot()
    with pytest.raises((PermissionDenied, Http404)):  # 404: not theirs even to know about
        row.call(target, actor)
    assert snapshot() == before


def test_a_deactivated_employer_can_no_longer_act():
    world = World()
    world.employer.owner.is_active = False
    world.employer.owner.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        services.cancel_gig(world.gig, actor=world.employer.owner, reason="下雨")
