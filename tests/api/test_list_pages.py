"""Every list comes in pages of a bounded size, and its cost does not grow with the rows it shows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs.models import Assignment
from tests.api.conftest import World
from tests.factories import StrikeFactory
from tests.helpers import listed

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(world: World, rows: int) -> None:
    """`rows` more assignments at the world's center, each with its own worker and a strike on record."""
    from tests.factories import QualifiedWorkerFactory

    for _ in range(rows):
        worker = QualifiedWorkerFactory(trades=[world.trade])
        assignment = world.new_assignment("completed", worker=worker)
        StrikeFactory(worker=worker, assignment=assignment)


@pytest.mark.parametrize("role, url", [
    ("city_admin", "/api/assignments/"),
    ("staff", "/api/assignments/"),
    ("employer", "/api/assignments/"),
    ("employer", "/api/gigs/"),
    ("city_admin", "/api/gigs/"),
    ("employer", "/api/gigs/{gig}/assignments/"),
])
def test_a_lists_query_count_does_not_grow_with_its_rows(role, url):
    world = World()
    client = world.client(role)
    url = url.format(gig=world.gig.pk)
    grow(world, 2)
    queries_for(client, url)  # the first asks read what each process keeps (the wage tables' book)
    few = queries_for(client, url)
    grow(world, 12)
    assert queries_for(client, url) == few


@pytest.mark.parametrize("url", ["/api/assignments/", "/api/gigs/", "/api/centers/", "/api/reviews/"])
def test_no_page_is_longer_than_the_maximum(url, settings):
    world = World()
    grow(world, 3)
    client = world.client("city_admin")
    assert len(listed(client.get(url, {"limit": 10_000}))) <= 200


def test_pages_follow_one_another_without_loss_or_repeat():
    world = World()
    grow(world, 7)
    client = world.client("city_admin")
    seen, url = [], "/api/assignments/?limit=3"
    while url:
        page = client.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url = page["next"]
    from jobs.models import Assignment

    assert sorted(seen) == sorted(Assignment.objects.values_list("id", flat=True))
    assert len(seen) == len(set(seen))


def test_an_employer_sees_the_same_assignments_whether_their_gigs_are_named_or_joined(monkeypatch):
    """An employer with few gigs has them named in the query (jobs.selectors.EMPLOYER_GIGS_NAMED says why); one
    with many has them joined. Both read the same rows, and never an offer nobody took."""
    from jobs import selectors

    world = World()
    grow(world, 3)
    world.new_assignment("offered")
    client = world.client("employer")
    named = [row["id"] for row in listed(client.get("/api/assignments/"))]
    monkeypatch.setattr(selectors, "EMPLOYER_GIGS_NAMED", 0)
    joined = [row["id"] for row in listed(client.get("/api/assignments/"))]
    assert named == joined and len(named) >= 3
    offers = set(Assignment.objects.filter(accepted_at__isnull=True, offered_at__isnull=False).values_list(
        "pk", flat=True))
    assert offers and not offers & set(named)


# --- Lists of other kinds: reported gigs, the hall, the board, the policy articles, a pay history -----------------

def more_cases(world: World, rows: int) -> None:
    """`rows` more reported gigs at the world's center, each reported by three workers."""
    import datetime as dt

    from gigreports.services import report_gig
    from tests.factories import QualifiedWorkerFactory

    for _ in range(rows):
        gig = world.new_gig(starts_in=dt.timedelta(days=4))
        for _ in range(3):
            report_gig(gig, actor=QualifiedWorkerFactory(trades=[world.trade]).user, reason="asks_money",
                       text="要先交押金")


def more_waiting(world: World, rows: int) -> None:
    """`rows` more workers waiting in the world center's hall, each registered at the center (as walk-ins are)."""
    from centers.services import check_in_to_hall
    from tests.factories import QualifiedWorkerFactory

    for _ in range(rows):
        worker = QualifiedWorkerFactory(trades=[world.trade], registered_at_center=world.center)
        check_in_to_hall(worker, actor=world.staff, center=world.center)


@pytest.mark.parametrize("role, url, more", [
    ("city_admin", "/api/report-cases/", more_cases),
    ("staff", "/api/report-cases/", more_cases),
    ("staff", "/api/staff/centers/{center}/hall/", more_waiting),
    ("staff", "/api/staff/centers/{center}/board/", more_waiting),
])
def test_no_list_of_any_kind_costs_a_query_a_row(role, url, more):
    world = World()
    client = world.client(role)
    url = url.format(center=world.center.pk)
    more(world, 2)
    queries_for(client, url)
    few = queries_for(client, url)
    more(world, 6)
    assert queries_for(client, url) == few


def test_the_policy_articles_come_in_pages_and_a_search_in_one():
    from policy.models import Article, Topic

    Article.objects.bulk_create([Article(topic=Topic.WAGE_PROTECTION, title=f"工资{i:03}", body="拖欠工资怎么办",
                                         published=True) for i in range(260)])
    client = World().client("anonymous")
    first = client.get("/api/policy/articles/", {"limit": 10_000}).json()
    assert len(first["results"]) == 200 and first["next"]
    rest = client.get(first["next"]).json()
    assert len(rest["results"]) == 60 and rest["next"] is None
    found = client.get("/api/policy/articles/", {"q": "拖欠工资"}).json()
    assert len(found["results"]) == 50 and found["next"] is None


def test_a_pay_history_comes_in_pages():
    from django.utils import timezone

    from jobs.models import PayRecord

    world = World()
    assignment = world.new_assignment("completed")
    PayRecord.objects.bulk_create([PayRecord(assignment=assignment, quantity=1, amount=180 + i,
                                             recorded_at=timezone.now(), reason="改")
                                   for i in range(210)])
    client = world.client("worker")
    page = client.get(f"/api/assignments/{assignment.pk}/pay-history/", {"limit": 10_000}).json()
    assert len(page["results"]) == 200 and page["next"]
    amounts = [row["amount"] for row in page["results"]]
    assert amounts == sorted(amounts, key=float)  # oldest version first


def test_the_board_lists_the_longest_waiting_and_counts_the_rest(monkeypatch):
    from centers import selectors as center_selectors

    monkeypatch.setattr(center_selectors, "WAITING_SHOWN", 3)
    world = World()
    more_waiting(world, 5)
    board = world.client("staff").get(f"/api/staff/centers/{world.center.pk}/board/").json()
    assert len(board["waiting"]) == 3 and board["waiting_count"] == 5
    checked_in = [visit["checked_in_at"] for visit in board["waiting"]]
    assert checked_in == sorted(checked_in)


# --- Every other list of the API, each with rows of its own kind -----------------------------------------------

def _worker(world: World, **fields):
    from tests.factories import QualifiedWorkerFactory

    return QualifiedWorkerFactory(trades=[world.trade], **fields)


def more_audit(world: World, rows: int) -> None:
    """`rows` more audit entries at the world's center, each by another staff member about another worker."""
    from audit.services import record_action
    from tests.factories import CenterStaffFactory

    for _ in range(rows):
        worker = _worker(world)
        record_action(CenterStaffFactory(center=world.center).user, "worker.update", worker, center=world.center,
                      subject_id=worker.user_id, before={"x": 1}, after={"x": 2})


def more_centers(world: World, rows: int) -> None:
    """`rows` more active centers, each of them one of the world's staff member's."""
    from tests.factories import CenterStaffFactory, ServiceCenterFactory

    for _ in range(rows):
        CenterStaffFactory(center=ServiceCenterFactory(), user=world.staff)


def more_complaints(world: World, rows: int) -> None:
    """`rows` more complaints of the world's worker against its employer, each acknowledged by its staff."""
    for _ in range(rows):
        world.complaint(("acknowledge",))


def _course(world: World):
    from programs import services as programs

    first = world.now + dt.timedelta(days=1)
    return programs.create_course(
        actor=world.city_admin, center=world.center, trade=world.trade, title="培训（测试）", place="教室",
        capacity=500, sessions=[(first, first + dt.timedelta(hours=2))])


def more_courses(world: World, rows: int) -> None:
    """`rows` more courses at the world's center, each with a worker signed up."""
    from programs import services as programs

    for _ in range(rows):
        programs.enrol(_course(world), actor=world.staff, worker=_worker(world))


def more_enrolments(world: World, rows: int) -> None:
    """`rows` more workers signed up for the world's (first) course."""
    from programs import services as programs
    from programs.models import Course

    course = Course.objects.order_by("id").first() or _course(world)
    for _ in range(rows):
        programs.enrol(course, actor=world.staff, worker=_worker(world))


def _fair(world: World):
    from programs import services as programs

    return programs.create_fair(actor=world.city_admin, center=world.center, title="招聘会（测试）", place="大厅",
                                starts_at=world.now + dt.timedelta(days=1),
                                ends_at=world.now + dt.timedelta(days=1, hours=4), capacity=500)


def more_fairs(world: World, rows: int) -> None:
    """`rows` more fairs at the world's center, each with a worker registered and an employer's gig."""
    from programs import services as programs
    from tests.factories import EmployerFactory

    for _ in range(rows):
        fair = _fair(world)
        employer = EmployerFactory()
        programs.bring_gig(fair, world.new_gig(employer=employer), actor=employer.owner)
        programs.register_for_fair(fair, actor=world.staff, worker=_worker(world))


def more_registrations(world: World, rows: int) -> None:
    """`rows` more workers registered for the world's (first) fair."""
    from programs import services as programs
    from programs.models import JobFair

    fair = JobFair.objects.order_by("id").first() or _fair(world)
    for _ in range(rows):
        programs.register_for_fair(fair, actor=world.staff, worker=_worker(world))


def more_claims(world: World, rows: int) -> None:
    """`rows` more identity claims: each a new worker giving another worker's ID number."""
    from tests.factories import WorkerFactory
    from workers.services import submit_id_number

    for _ in range(rows):
        claimant = WorkerFactory()
        submit_id_number(claimant, _worker(world).raw_id_number, actor=claimant.user)


def more_questions(world: World, rows: int) -> None:
    """`rows` more questions the world's worker asked the world's center, each answered by its staff (a worker
    has at most a few waiting at once)."""
    from policy.services import answer_question, ask_question

    for i in range(rows):
        question = ask_question(actor=world.worker.user, text=f"老板不给工钱怎么办{i}", center=world.center)
        answer_question(question, actor=world.staff, answer="拨打 12333。")


def more_questions_by_others(world: World, rows: int) -> None:
    """`rows` more questions to the world's center, each by another worker."""
    from policy.services import ask_question

    for _ in range(rows):
        ask_question(actor=_worker(world).user, text="老板不给工钱怎么办", center=world.center)


def more_reports(world: World, rows: int) -> None:
    """`rows` more gigs (each another employer's) that the world's worker reported."""
    from gigreports.services import report_gig
    from tests.factories import EmployerFactory

    for _ in range(rows):
        gig = world.new_gig(starts_in=dt.timedelta(days=4), employer=EmployerFactory())
        report_gig(gig, actor=world.worker.user, reason="asks_money", text="要先交押金")


def _household_place(i: int) -> dict:
    """Every other gig a household's, whose site is hidden behind a public place (jobs.selectors.public_place)."""
    from jobs.models import Employer
    from tests.factories import WANGYI, EmployerFactory

    if i % 2:
        return {"employer": EmployerFactory(kind=Employer.Kind.INDIVIDUAL, verification_status="pending")}
    return {"employer": EmployerFactory(kind=Employer.Kind.INDIVIDUAL, verification_status="pending"),
            "latitude": WANGYI[0] + 0.002, "longitude": WANGYI[1], "address": "",
            "site_latitude": WANGYI[0], "site_longitude": WANGYI[1], "site_address": "王益区某村3号"}


def more_reviews(world: World, rows: int) -> None:
    """`rows` more posts waiting for review at the world's center, each by another unverified employer, every
    other one a household's."""
    from jobs.models import GigStatus

    for i in range(rows):
        world.new_gig(GigStatus.PENDING_REVIEW, **_household_place(i))


def more_suspicious(world: World, rows: int) -> None:
    """`rows` more suspicious check-ins on the world's center's gigs, each by another worker."""
    from jobs.models import SuspiciousCheckIn

    for _ in range(rows):
        assignment = world.new_assignment("accepted", worker=_worker(world))
        SuspiciousCheckIn.objects.create(
            assignment=assignment, reason=SuspiciousCheckIn.Reason.COPIED_POINT, refused=True, distance_m=0,
            accuracy_m=5, created_at=world.now, last_at=world.now)


def more_named(world: World, rows: int) -> None:
    """`rows` more workers whose name the counter's look-up finds (`q=查找`), each registered at the center."""
    for i in range(rows):
        _worker(world, display_name=f"查找{i}", registered_at_center=world.center)


def _walk_in(world: World):
    from workers.models import WorkerProfile
    from workers.services import register_walk_in

    found = WorkerProfile.objects.filter(display_name="柜台登记（测试）").first()
    return found or register_walk_in(actor=world.staff, center=world.center, display_name="柜台登记（测试）",
                                     trades={world.trade: 2}, consent=True).profile


def more_walk_in_news(world: World, rows: int) -> None:
    """`rows` more notifications for the walk-in the world's center registered."""
    from notifications.models import Kind
    from notifications.services import notify_user

    walk_in = _walk_in(world)
    for i in range(rows):
        notify_user(walk_in.user_id, Kind.REMINDER, {"n": i})


def more_news(world: World, rows: int) -> None:
    """`rows` more notifications for the world's worker."""
    from notifications.models import Kind
    from notifications.services import notify_user

    for i in range(rows):
        notify_user(world.worker.user_id, Kind.REMINDER, {"n": i})


def more_nearby(world: World, rows: int) -> None:
    """`rows` more open gigs near 王益区, each another employer's, every other one a household's."""
    for i in range(rows):
        world.new_gig(starts_in=dt.timedelta(days=1, hours=i), **_household_place(i))


EVERY_LIST = [
    ("city_admin", "/api/audit/", more_audit),
    ("staff", "/api/audit/", more_audit),
    ("anonymous", "/api/centers/", more_centers),
    ("worker", "/api/complaints/", more_complaints),
    ("employer", "/api/complaints/", more_complaints),
    ("staff", "/api/complaints/", more_complaints),
    ("city_admin", "/api/complaints/", more_complaints),
    ("anonymous", "/api/courses/", more_courses),
    ("staff", "/api/courses/", more_courses),
    ("staff", "/api/courses/{course}/enrolments/", more_enrolments),
    ("anonymous", "/api/fairs/", more_fairs),
    ("staff", "/api/fairs/", more_fairs),
    ("staff", "/api/fairs/{fair}/registrations/", more_registrations),
    ("staff", "/api/identity-claims/", more_claims),
    ("city_admin", "/api/identity-claims/", more_claims),
    ("worker", "/api/policy/questions/", more_questions),
    ("staff", "/api/policy/questions/", more_questions_by_others),
    ("worker", "/api/reports/", more_reports),
    ("staff", "/api/reviews/", more_reviews),
    ("city_admin", "/api/reviews/", more_reviews),
    ("staff", "/api/staff/centers/", more_centers),
    ("city_admin", "/api/staff/centers/", more_centers),
    ("staff", "/api/staff/centers/{center}/suspicious-check-ins/", more_suspicious),
    ("staff", "/api/staff/centers/{center}/workers/?q=查找", more_named),
    ("staff", "/api/staff/workers/{walk_in}/notifications/?center={center}", more_walk_in_news),
    ("anonymous", "/api/gigs/nearby/?latitude=35.069&longitude=109.0756", more_nearby),
    ("worker", "/api/notifications/", more_news),
]


def rows_in(client, url: str) -> int:
    body = client.get(url).json()
    return len(body if isinstance(body, list) else body["results"])


@pytest.mark.parametrize("role, url, more", EVERY_LIST)
def test_every_list_costs_the_same_queries_however_many_rows(role, url, more):
    world = World()
    client = world.client(role)
    url = url.format(center=world.center.pk, course=_course(world).pk, fair=_fair(world).pk,
                     walk_in=_walk_in(world).pk)
    more(world, 2)
    queries_for(client, url)
    few, shown = queries_for(client, url), rows_in(client, url)
    more(world, 6)
    assert queries_for(client, url) == few
    assert rows_in(client, url) >= shown + 6  # the rows added are in the list


def test_the_counters_look_up_and_a_walk_ins_news_stop_at_their_documented_length():
    from notifications.models import Kind
    from notifications.services import notify_each
    from workers.selectors import LOOKUP_LIMIT, NEWS_READ_OUT

    world = World()
    client = world.client("staff")
    more_named(world, LOOKUP_LIMIT + 5)
    walk_in = _walk_in(world)
    notify_each(Kind.REMINDER, [(walk_in.user_id, {"n": i}) for i in range(NEWS_READ_OUT + 5)])
    found = client.get(f"/api/staff/centers/{world.center.pk}/workers/", {"q": "查找"}).json()
    assert len(found) == LOOKUP_LIMIT
    news = client.get(f"/api/staff/workers/{walk_in.pk}/notifications/", {"center": world.center.pk}).json()
    assert len(news) == NEWS_READ_OUT and news[0]["seq"] > news[-1]["seq"]  # the newest


def test_every_list_in_the_schema_has_a_maximum_length():
    """A list answered whole says its longest (`maxItems`); a list in pages is paged by a ListPage (at most 200 a
    page); the inbox, the nearby feed and the figures have bounded answers of their own (PAGE, `limit`, at most
    MAX_PAGE_PERIODS periods: their descriptions say so)."""
    from django.urls import resolve
    from drf_spectacular.generators import SchemaGenerator

    from api.inbox_views import PAGE
    from api.pagination import ListPage
    from figures.selectors import MAX_PAGE_PERIODS

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    own_pages = {"/api/notifications/": PAGE, "/api/gigs/nearby/": 50, "/api/staff/figures/": MAX_PAGE_PERIODS}
    # Reference tables that the city's data fixes (the trade tree, the minimum wage of each area), not rows that
    # users add: answered whole, without a stated maximum (not yet capped).
    reference = {"/api/trades/", "/api/wages/minimum/"}
    whole, paged = [], []
    for path, operations in schema["paths"].items():
        if path in reference:
            continue
        answer = operations.get("get", {}).get("responses", {}).get("200", {})
        body = answer.get("content", {}).get("application/json", {}).get("schema", {})
        if "$ref" in body:
            body = components[body["$ref"].rsplit("/", 1)[1]]
        if body.get("type") == "array":
            assert 0 < body.get("maxItems", 0) <= 200, path
            whole.append(path)
        elif body.get("type") == "object" and body.get("properties", {}).get("results", {}).get("type") == "array":
            if path in own_pages:
                continue
            match = resolve(path.replace("{id}", "1").replace("{pk}", "1"))
            view = match.func.cls
            pagination = getattr(match.func, "initkwargs", {}).get("pagination_class",
                                                                   getattr(view, "pagination_class", None))
            assert pagination and issubclass(pagination, ListPage) and pagination.max_page_size <= 200, path
            paged.append(path)
    assert {"/api/staff/centers/{id}/workers/", "/api/staff/workers/{id}/notifications/"} <= set(whole)
    assert {"/api/audit/", "/api/complaints/", "/api/courses/{id}/enrolments/", "/api/fairs/{id}/registrations/",
            "/api/identity-claims/", "/api/policy/questions/", "/api/reports/", "/api/reviews/"} <= set(paged)
    limit = next(p for p in schema["paths"]["/api/gigs/nearby/"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == own_pages["/api/gigs/nearby/"]
    assert f"{PAGE} at a time" in schema["paths"]["/api/notifications/"]["get"]["description"]
    assert f"At most {MAX_PAGE_PERIODS} periods" in schema["paths"]["/api/staff/figures/"]["get"]["description"]
