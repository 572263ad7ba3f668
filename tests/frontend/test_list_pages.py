"""The pages that list rows show at most a set number of them (a page at a time, or the first ones and a count of
the rest), and what they cost does not grow with the rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jobs.models import HiringMode
from tests.api.conftest import World
from tests.factories import QualifiedWorkerFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def read(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), response.content.decode()


def test_the_review_queue_shows_the_oldest_posts_and_counts_the_rest(monkeypatch):
    from frontend import views_staff
    from jobs.selectors import pending_reviews

    monkeypatch.setattr(views_staff, "QUEUE_SHOWN", 3)
    world = World()
    client = signed_in(world.city_admin)
    for _ in range(4):  # more than are shown: the rest are counted
        world.pending_gig()
    read(client, "/staff/reviews/")
    few, _page = read(client, "/staff/reviews/")
    for _ in range(5):
        world.pending_gig()
    queries, page = read(client, "/staff/reviews/")
    waiting = pending_reviews(world.city_admin).count()
    assert queries == few
    assert page.count('data-testid="approve"') == 3
    assert 'data-testid="reviews-more"' in page and f"of {waiting} are shown" in page


def test_the_employer_sees_a_gigs_people_a_page_at_a_time(monkeypatch):
    from frontend import views_employer

    monkeypatch.setattr(views_employer, "PEOPLE_PER_PAGE", 3)
    world = World()
    gig = world.new_gig(hiring_mode=HiringMode.APPLICATION, starts_in=dt.timedelta(days=3), headcount=20)
    client = signed_in(world.employer.owner)
    url = f"/employer/gigs/{gig.pk}/"
    for _ in range(2):
        world.new_assignment("applied", gig=gig, worker=QualifiedWorkerFactory(trades=[world.trade]))
    read(client, url)
    few, _page = read(client, url)
    for _ in range(3):
        world.new_assignment("applied", gig=gig, worker=QualifiedWorkerFactory(trades=[world.trade]))
    queries, first = read(client, url)
    assert queries <= few + 1  # the pager's count
    assert first.count('data-testid="hire"') == 3 and 'data-testid="people-pager"' in first
    _queries, second = read(client, f"{url}?page=2")
    assert second.count('data-testid="hire"') == 2 and f"/live/gigs/{gig.pk}/?page=2" in second


@pytest.mark.parametrize("side", ["employer", "worker"])
def test_the_money_page_lists_the_oldest_owed_and_sums_them_all(side, monkeypatch):
    from complaints import selectors

    monkeypatch.setattr(selectors, "OWED_SHOWN", 3)
    world = World()
    user = world.employer.owner if side == "employer" else world.worker.user
    client = signed_in(user)

    def owed(rows):
        for _ in range(rows):
            worker = world.worker if side == "worker" else QualifiedWorkerFactory(trades=[world.trade])
            world.new_assignment("checked_out", worker=worker)

    owed(2)
    read(client, "/me/money/")
    few, _page = read(client, "/me/money/")
    owed(4)
    queries, page = read(client, "/me/money/")
    assert queries == few
    assert page.count('data-testid="owed-unrecorded"') == 3
    assert 'data-testid="owed-more"' in page and "of 6 are listed" in page


def test_my_gigs_lists_the_soonest_and_counts_the_rest(monkeypatch):
    from frontend import views_myjobs

    monkeypatch.setattr(views_myjobs, "CURRENT_SHOWN", 3)
    world = World()
    client = signed_in(world.worker.user)
    read(client, "/me/gigs/")
    before, _page = read(client, "/me/gigs/")
    for _ in range(6):
        world.new_assignment("offered")
    queries, page = read(client, "/me/gigs/")
    current = page.split('data-testid="group-past"')[0]
    assert current.count('data-testid="my-gig"') == 3
    assert 'data-testid="upcoming-more"' in page
    assert queries <= before + 2  # the rows, and the count of the rest


@pytest.mark.parametrize("page", ["hall", "board"])
def test_the_consoles_hall_and_board_list_the_longest_waiting_and_count_everyone(monkeypatch, page):
    from centers import selectors as center_selectors
    from tests.api.test_list_pages import more_waiting

    monkeypatch.setattr(center_selectors, "WAITING_SHOWN", 3)
    world = World()
    more_waiting(world, 2)
    client = signed_in(world.staff)
    url = f"/staff/centers/{world.center.pk}/{page}/"
    few, _ = read(client, url)
    more_waiting(world, 3)
    many, body = read(client, url)
    assert many <= few + 1  # the count of everyone is one more read once the list is full
    assert "5 waiting" in body
    shown = client.get(url).context["visits"]
    assert len(shown) == 3
