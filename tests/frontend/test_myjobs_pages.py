"""A worker's own gigs through Django's test client: my gigs, one assignment and its actions, the inbox."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jobs.models import AssignmentStatus, PayStatus, Rating, WageDispute
from jobs.services import check_in_code, record_pay
from notifications.models import Notification
from notifications.services import notify_user
from tests.factories import WANGYI, AssignmentFactory, GigFactory, StrikeFactory, WorkerFactory

pytestmark = pytest.mark.django_db

def NOW():
    return timezone.now()


@pytest.fixture
def midday(monkeypatch):
    """Local noon today, so that a gig starting in half an hour is today's whenever the suite runs (at 23:40 it
    would be tomorrow's)."""
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: noon)
    return noon


def hired(starts_in=dt.timedelta(minutes=30), status=AssignmentStatus.ACCEPTED, **fields):
    gig = GigFactory(starts_at=NOW() + starts_in, ends_at=NOW() + starts_in + dt.timedelta(hours=8))
    fields.setdefault("accepted_at", NOW() - dt.timedelta(hours=1))
    return AssignmentFactory(gig=gig, status=status, **fields)


@pytest.fixture
def worker_client(client):
    def as_worker(assignment):
        client.force_login(assignment.worker.user)
        return client
    return as_worker


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_my_gigs_groups_today_upcoming_and_past_with_the_employers_contact_once_hired(worker_client, midday):
    today = hired()
    worker = today.worker
    upcoming = AssignmentFactory(worker=worker, status=AssignmentStatus.APPLIED,
                                 gig=GigFactory(starts_at=NOW() + dt.timedelta(days=3), title="搬家"))
    past = AssignmentFactory(worker=worker, status=AssignmentStatus.CANCELLED,
                             gig=GigFactory(starts_at=NOW() - dt.timedelta(days=3), title="保洁"))
    page = worker_client(today).get("/me/gigs/")
    groups = {key: [row["a"] for row in rows] for key, _title, rows in page.context["groups"]}
    assert groups == {"today": [today], "upcoming": [upcoming], "past": [past]}
    html = page.content.decode()
    assert today.gig.employer.contact_phone in html  # hired: the phone is theirs
    contact = {row["a"]: row["contact"] for _key, _title, rows in page.context["groups"] for row in rows}
    assert contact == {today: True, upcoming: False, past: False}  # an applicant does not see it yet
    assert "Accepted" in html and "Applied" in html and "Cancelled" in html


def test_a_long_past_comes_a_page_at_a_time_newest_first_and_today_stays_on_the_first_page(worker_client, midday):
    today = hired()
    worker = today.worker
    past = [AssignmentFactory(worker=worker, status=AssignmentStatus.COMPLETED,
                              gig=GigFactory(starts_at=NOW() - dt.timedelta(days=day + 1)))
            for day in range(23)]  # past[0] is the most recent
    client = worker_client(today)

    first = client.get("/me/gigs/")
    groups = {key: [row["a"] for row in rows] for key, _title, rows in first.context["groups"]}
    assert groups == {"today": [today], "upcoming": [], "past": past[:20]}
    assert 'href="?page=2"' in first.content.decode()

    second = client.get("/me/gigs/?page=2")
    groups = {key: [row["a"] for row in rows] for key, _title, rows in second.context["groups"]}
    assert groups == {"past": past[20:]}  # the older past only; today is on the first page
    html = second.content.decode()
    assert 'href="?page=1"' in html and 'href="?page=3"' not in html
    assert client.get("/me/gigs/?page=99").context["past"].number == 2  # out of range: the last page
    assert client.get("/me/gigs/?page=x").context["past"].number == 1


def test_strikes_and_a_suspension_are_shown_with_when_they_end(worker_client):
    assignment = hired()
    worker = assignment.worker
    StrikeFactory(worker=worker, assignment=hired(status=AssignmentStatus.CANCELLED, worker=worker))
    worker.suspended_until = NOW() + dt.timedelta(days=3)
    worker.save()
    html = worker_client(assignment).get("/me/gigs/").content.decode()
    assert "1 strike" in html and "Late cancellation" in html
    assert f"after {timezone.localtime(worker.suspended_until):%Y-%m-%d %H:%M}" in html


def test_checking_in_by_the_site_code(worker_client):
    assignment = hired()
    client = worker_client(assignment)
    wrong = client.post(f"/me/gigs/{assignment.pk}/check-in/code/", {"code": "000000"
                        if check_in_code(assignment.gig, NOW())[0] != "000000" else "111111"})
    assert wrong.status_code == 400 and "The code is wrong" in wrong.content.decode()
    code, _valid_until = check_in_code(assignment.gig, NOW())
    done = client.post(f"/me/gigs/{assignment.pk}/check-in/code/", {"code": code}, follow=True)
    assert "You are checked in" in messages_of(done)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CHECKED_IN


def test_checking_in_by_location_inside_and_outside_the_geofence(worker_client):
    assignment = hired()
    client = worker_client(assignment)
    far = client.post(f"/me/gigs/{assignment.pk}/check-in/location/",
                      {"latitude": WANGYI[0] + 0.01, "longitude": WANGYI[1], "accuracy": 20})
    assert far.status_code == 400
    assert "You are 1109 m from the site; check in within 300 m" in far.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED
    near = client.post(f"/me/gigs/{assignment.pk}/check-in/location/",
                       {"latitude": WANGYI[0] + 0.001, "longitude": WANGYI[1], "accuracy": 20},
                       follow=True)
    assert "You are checked in" in messages_of(near)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CHECKED_IN and assignment.check_in_method == "gps"


def test_a_typed_location_without_its_accuracy_or_the_gigs_own_point_is_refused_with_the_reason(worker_client):
    assignment = hired()
    client = worker_client(assignment)
    untold = client.post(f"/me/gigs/{assignment.pk}/check-in/location/",
                         {"latitude": WANGYI[0] + 0.001, "longitude": WANGYI[1]})
    assert untold.status_code == 400 and "Send how exact your location is" in untold.content.decode()
    copied = client.post(f"/me/gigs/{assignment.pk}/check-in/location/",
                         {"latitude": WANGYI[0], "longitude": WANGYI[1], "accuracy": 5})
    assert copied.status_code == 400 and "published point" in copied.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED


def test_checking_out_before_the_start_is_refused_with_its_reason(worker_client):
    assignment = hired(status=AssignmentStatus.CHECKED_IN, checked_in_at=NOW())
    page = worker_client(assignment).post(f"/me/gigs/{assignment.pk}/check-out/", follow=True)
    assert "The gig has not started yet" in messages_of(page)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CHECKED_IN


def test_checking_out_after_the_start(worker_client):
    assignment = hired(starts_in=-dt.timedelta(hours=2), status=AssignmentStatus.CHECKED_IN,
                       checked_in_at=NOW() - dt.timedelta(hours=2))
    page = worker_client(assignment).post(f"/me/gigs/{assignment.pk}/check-out/", follow=True)
    assert "You are checked out" in messages_of(page)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CHECKED_OUT


def done_and_paid(amount=Decimal("180")):
    assignment = hired(starts_in=-dt.timedelta(hours=10), status=AssignmentStatus.CHECKED_OUT,
                       checked_in_at=NOW() - dt.timedelta(hours=10), checked_out_at=NOW() - dt.timedelta(hours=1))
    record_pay(assignment, actor=assignment.gig.employer.owner, quantity=Decimal("1"))
    assignment.refresh_from_db()
    return assignment


def test_confirming_pay_shows_the_amount_and_refuses_a_changed_one(worker_client):
    assignment = done_and_paid()
    client = worker_client(assignment)
    page = client.get(f"/me/gigs/{assignment.pk}/").content.decode()
    assert "I received ¥180" in page
    changed = client.post(f"/me/gigs/{assignment.pk}/pay/confirm/", {"amount_due": "150"}, follow=True)
    assert "changed the pay to 180" in messages_of(changed)
    done = client.post(f"/me/gigs/{assignment.pk}/pay/confirm/", {"amount_due": str(assignment.amount_due)},
                       follow=True)
    assert "You confirmed the pay arrived" in messages_of(done)
    assignment.refresh_from_db()
    assert assignment.pay_status == PayStatus.CONFIRMED


@pytest.mark.parametrize("amount", ["sNaN", "NaN", "Infinity", "-inf", "", "abc"])
def test_confirming_pay_with_an_amount_that_is_no_amount_asks_to_check_it(worker_client, amount):
    assignment = done_and_paid()
    refused = worker_client(assignment).post(f"/me/gigs/{assignment.pk}/pay/confirm/", {"amount_due": amount},
                                             follow=True)
    assert "check the amount before confirming" in messages_of(refused)
    assignment.refresh_from_db()
    assert assignment.pay_status == PayStatus.RECORDED


def test_disputing_pay_with_a_reason_and_an_amount(worker_client):
    assignment = done_and_paid()
    client = worker_client(assignment)
    missing = client.post(f"/me/gigs/{assignment.pk}/pay/dispute/", {"reason": "", "amount_claimed": "200"})
    assert missing.status_code == 400 and "This field is required" in missing.content.decode()
    done = client.post(f"/me/gigs/{assignment.pk}/pay/dispute/", {"reason": "只给了一半", "amount_claimed": "200"},
                       follow=True)
    assert "Your pay dispute is recorded" in messages_of(done)
    assert WageDispute.objects.get(assignment=assignment).amount_claimed == Decimal("200")


def test_rating_the_employer_after_the_work_is_complete(worker_client):
    assignment = hired(starts_in=-dt.timedelta(days=1), status=AssignmentStatus.COMPLETED)
    client = worker_client(assignment)
    done = client.post(f"/me/gigs/{assignment.pk}/rate/", {"score": "4", "comment": "准时结账"}, follow=True)
    assert "Thank you for your rating" in messages_of(done)
    assert Rating.objects.get(assignment=assignment).score == 4
    again = client.post(f"/me/gigs/{assignment.pk}/rate/", {"score": "5"}, follow=True)
    assert "already rated" in messages_of(again)


def test_cancelling_says_first_whether_it_costs_a_strike(worker_client):
    just_taken = hired(starts_in=dt.timedelta(hours=2), accepted_at=NOW())
    assert "Cancelling now is free" in worker_client(just_taken).get(f"/me/gigs/{just_taken.pk}/").content.decode()

    late = hired(starts_in=dt.timedelta(hours=2))
    client = worker_client(late)
    assert "Cancelling now gives you a strike" in client.get(f"/me/gigs/{late.pk}/").content.decode()
    done = client.post(f"/me/gigs/{late.pk}/cancel/", follow=True)
    assert "You cancelled this gig" in messages_of(done)
    late.refresh_from_db()
    assert late.status == AssignmentStatus.CANCELLED and hasattr(late, "strike")


def test_another_workers_assignment_is_not_found(client):
    theirs = hired()
    client.force_login(WorkerFactory().user)
    assert client.get(f"/me/gigs/{theirs.pk}/").status_code == 404
    assert client.post(f"/me/gigs/{theirs.pk}/check-out/").status_code == 404


def test_the_inbox_lists_newest_first_in_sentences_and_marks_read(worker_client):
    assignment = hired()
    user = assignment.worker.user
    brief = {"id": assignment.gig.pk, "trade": "小工", "title": "工地小工"}
    notify_user(user.pk, "hired", {"assignment": assignment.pk, "gig": brief})
    notify_user(user.pk, "pay", {"assignment": assignment.pk, "amount_due": "180.00", "gig": brief})
    client = worker_client(assignment)
    html = client.get("/inbox/").content.decode()
    assert html.index("recorded 180.00 yuan") < html.index("You are hired for 小工")
    assert f'href="/me/gigs/{assignment.pk}/"' in html
    first = Notification.objects.filter(user=user).order_by("seq").first()
    client.post("/inbox/read/", {"id": first.pk})
    assert list(Notification.objects.filter(user=user, read_at__isnull=True)) != []
    first.refresh_from_db()
    assert first.read_at is not None
    client.post("/inbox/read/")
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


def test_the_pages_ask_to_log_in(client):
    assert client.get("/me/gigs/").url.startswith("/login/")
    assert client.get("/inbox/").url.startswith("/login/")
