"""The live parts of pages through Django's test client: what live.js fetches when the socket brings an event.

A worker's offer as a card with a take button (and the same card once the offer is withdrawn), an employer's
gig progress and people, the inbox's first page; each with the same permissions as the page it belongs to."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from jobs.matching import WITHDRAWN_BECAUSE
from jobs.models import AssignmentStatus, Gig
from jobs.services import accept_gig, apply_to_gig, create_gig
from notifications.models import Notification
from tests.factories import WANGYI, EmployerFactory, QualifiedWorkerFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_instant_gig(employer, trade, headcount=2, **fields) -> Gig:
    """Published through the service, which offers it to qualified workers nearby at once."""
    start = timezone.now() + dt.timedelta(days=1)
    return create_gig(actor=employer.owner, category=trade, title="搬砖", pay_amount="200", pay_unit="day",
                      headcount=headcount, starts_at=start, ends_at=start + dt.timedelta(hours=8),
                      hiring_mode="instant", address="王益区红旗街 1 号", latitude=WANGYI[0] + 0.01,
                      longitude=WANGYI[1], **fields)


@pytest.fixture
def offered(center, trade):
    """A worker at home in 王益区 offered an instant gig about a kilometre away, for one."""
    worker = QualifiedWorkerFactory(display_name="张师傅")
    employer = EmployerFactory()
    gig = post_instant_gig(employer, trade, headcount=1)
    offer = Notification.objects.get(user=worker.user, kind="offer")
    return worker, employer, gig, offer


def test_a_workers_pages_carry_the_socket_the_last_seq_and_the_unread_count(offered):
    worker, _employer, _gig, offer = offered

    page = logged_in(worker.user).get("/gigs/").content.decode()

    assert 'data-live-socket="/ws/worker/"' in page and f'data-live-seq="{offer.seq}"' in page
    assert 'data-live-offers="/live/offers/0/"' in page and 'aria-live="polite"' in page
    assert '<span data-live-unread-number>1</span>' in page


def test_an_employers_pages_use_the_employer_socket_and_nobody_elses_get_one(offered, client):
    _worker, employer, _gig, _offer = offered
    page = logged_in(employer.owner).get("/employer/gigs/").content.decode()
    assert 'data-live-socket="/ws/employer/"' in page and "data-live-offers" not in page
    assert "data-live-socket" not in client.get("/gigs/").content.decode()  # not logged in: no socket


def test_an_offer_arrives_as_a_card_with_pay_distance_time_and_a_take_button(offered):
    worker, _employer, gig, offer = offered

    response = logged_in(worker.user).get(f"/live/offers/{offer.seq}/", **HX)

    card = response.content.decode()
    assert response.status_code == 200 and "<html" not in card
    assert f'data-assignment="{offer.payload["assignment"]}"' in card
    assert "¥200" in card and f'data-testid="offer-distance">{offer.payload["distance_km"]:.1f}<' in card
    assert f'action="/gigs/{gig.pk}/take/"' in card and "csrfmiddlewaretoken" in card  # a plain form: works without JS
    assert f'datetime="{timezone.localtime(gig.starts_at).isoformat()}"' in card


def test_taking_the_offer_from_its_card_takes_the_slot(offered):
    worker, _employer, gig, _offer = offered
    response = logged_in(worker.user).post(f"/gigs/{gig.pk}/take/")
    assert response.status_code == 302
    assert gig.assignments.get(worker=worker).status == AssignmentStatus.ACCEPTED


def test_once_the_gig_fills_the_offer_shows_filled_and_an_old_offer_is_not_shown_again(offered):
    worker, _employer, gig, offer = offered
    accept_gig(gig, actor=QualifiedWorkerFactory().user)  # someone else took the only slot
    withdrawn = Notification.objects.get(user=worker.user, kind="withdrawn")
    client = logged_in(worker.user)

    gone = client.get(f"/live/offers/{withdrawn.seq}/", **HX)
    again = client.get(f"/live/offers/{offer.seq}/", **HX)

    assert gone.status_code == 200 and 'data-testid="offer-gone"' in gone.content.decode()
    assert str(WITHDRAWN_BECAUSE["filled"]) in gone.content.decode()
    assert "take-offer" not in gone.content.decode()
    assert again.status_code == 204  # replayed after a reconnect: no longer open, nothing to show


def test_nobody_else_sees_a_workers_offer(offered):
    _worker, employer, _gig, offer = offered
    other = QualifiedWorkerFactory(latitude=WANGYI[0] + 1, longitude=WANGYI[1])  # too far to be offered it
    assert logged_in(other.user).get(f"/live/offers/{offer.seq}/").status_code == 404
    assert logged_in(employer.owner).get(f"/live/offers/{offer.seq}/").status_code == 404
    assert Client().get(f"/live/offers/{offer.seq}/").status_code == 302  # to log in


def test_the_employers_gig_progress_counts_slots_offers_and_applicants_and_lists_the_people(offered):
    worker, employer, gig, _offer = offered
    accept_gig(gig, actor=worker.user)
    client = logged_in(employer.owner)

    live = client.get(f"/live/gigs/{gig.pk}/", **HX).content.decode()
    progress = client.get(f"/live/gigs/{gig.pk}/progress/", **HX).content.decode()

    for part in (live, progress):
        assert "<html" not in part
        assert 'data-testid="offers-out">0<' in part and 'data-testid="applicants">0<' in part
        assert '<progress class="fill-bar" max="1" value="1"' in part
    assert 'id="gig-people"' in live and 'hx-swap-oob="true"' in live and "张师傅" in live
    assert "张师傅" not in progress


def test_offers_out_are_counted_on_the_gig_page_and_in_the_list(offered):
    _worker, employer, gig, _offer = offered
    client = logged_in(employer.owner)
    assert 'data-testid="offers-out">1<' in client.get(f"/employer/gigs/{gig.pk}/").content.decode()
    assert 'data-testid="offers-out">1<' in client.get("/employer/gigs/").content.decode()


def test_applicants_are_counted(center, trade):
    employer = EmployerFactory()
    start = timezone.now() + dt.timedelta(days=1)
    gig = create_gig(actor=employer.owner, category=trade, title="搬砖", pay_amount="200", pay_unit="day",
                     headcount=2, starts_at=start, ends_at=start + dt.timedelta(hours=8), hiring_mode="application",
                     address="王益区红旗街 1 号", latitude=WANGYI[0], longitude=WANGYI[1])
    apply_to_gig(gig, actor=QualifiedWorkerFactory().user)
    progress = logged_in(employer.owner).get(f"/live/gigs/{gig.pk}/progress/", **HX).content.decode()
    assert 'data-testid="applicants">1<' in progress and 'data-testid="offers-out">0<' in progress


@pytest.mark.parametrize("path", ["/live/gigs/{pk}/", "/live/gigs/{pk}/progress/"])
def test_the_employer_parts_are_the_owners_only(offered, path):
    worker, _employer, gig, _offer = offered
    url = path.format(pk=gig.pk)
    assert logged_in(EmployerFactory().owner).get(url, **HX).status_code == 404  # another employer's gig
    assert logged_in(worker.user).get(url, **HX).status_code == 403  # a worker: not an employer's page
    assert Client().get(url, **HX).status_code == 302  # to log in


def test_the_inbox_first_page_fetches_itself_again_as_a_partial(offered):
    worker, *_ = offered
    client = logged_in(worker.user)

    page = client.get("/inbox/").content.decode()
    items = client.get("/inbox/", **HX)

    assert 'hx-trigger="live-event from:body delay:300ms"' in page
    body = items.content.decode()
    assert "<html" not in body and body.count('data-testid="notification"') == 1 and "read-all" in body
    assert "HX-Request" in items["Vary"]


def test_without_scripts_an_offer_is_taken_from_the_gig_page_its_inbox_line_links_to(offered):
    worker, _employer, gig, _offer = offered
    client = logged_in(worker.user)
    assert f'href="/gigs/{gig.pk}/"' in client.get("/inbox/").content.decode()
    page = client.get(f"/gigs/{gig.pk}/").content.decode()
    assert f'action="/gigs/{gig.pk}/take/"' in page and 'data-testid="take"' in page
