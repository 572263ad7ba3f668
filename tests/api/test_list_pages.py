"""Every list comes in pages of a bounded size, and its cost does not grow with the rows it shows."""

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
