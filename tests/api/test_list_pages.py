"""Every list comes in pages of a bounded size, and its cost does not grow with the rows it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
