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
