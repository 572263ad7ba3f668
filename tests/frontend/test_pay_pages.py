"""After the work, the employer's pages through Django's test client: recording each worker's pay within its
bounds, seeing the worker's confirmation or dispute, rating the worker, and keeping favourites."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jobs.models import AssignmentStatus, FavouriteWorker, PayStatus, Rating, WageDispute
from jobs.services import confirm_paid, dispute_pay, record_pay
from tests.factories import AssignmentFactory, EmployerFactory, GigFactory, WorkerFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now


def worked(employer=None, status=AssignmentStatus.CHECKED_OUT, minutes=8 * 60, **gig_fields):
    """A worker who worked a gig (8 hours by default) that ended an hour ago."""
    start = NOW() - dt.timedelta(hours=9)
    gig_fields.setdefault("ends_at", start + dt.timedelta(hours=8))
    gig = GigFactory(employer=employer or EmployerFactory(), starts_at=start, status="in_progress", **gig_fields)
    return AssignmentFactory(gig=gig, status=status, accepted_at=start - dt.timedelta(days=1),
                             checked_in_at=start, checked_out_at=start + dt.timedelta(minutes=minutes),
                             minutes_worked=minutes)


@pytest.fixture
def employer(client):
    employer = EmployerFactory()
    client.force_login(employer.owner)
    return employer


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def error_beside(html: str, field_id: str) -> str:
    """The text of the error shown under the field with this id."""
    marker = f'id="{field_id}_error"'
    assert marker in html, f"no error beside {field_id}"
    return html.split(marker, 1)[1].split("</p>", 1)[0]


def test_the_employer_records_a_days_pay_and_the_worker_is_asked_to_confirm(client, employer):
    assignment = worked(employer)
    url = f"/employer/gigs/{assignment.gig.pk}/pay/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert assignment.worker.display_name in html and "Days to pay" in html
    assert "¥180 per day; at most 1 for this worker." in html

    done = client.post(f"{url}{assignment.pk}/record/", {"quantity": "1"})

    assert done.status_code == 302 and done["Location"] == f"{url}#person-{assignment.pk}"
    assignment.refresh_from_db()
    assert (assignment.status, assignment.pay_status, assignment.amount_due) == (
        AssignmentStatus.COMPLETED, PayStatus.RECORDED, Decimal("180.00"))
    after = client.get(url)
    assert "Pay recorded: ¥180 for" in messages_of(after)
    assert "Recorded by employer: ¥180" in after.content.decode()


def test_more_than_the_bound_is_refused_beside_the_quantity_with_the_services_reason(client, employer):
    assignment = worked(employer, pay_unit="hour", pay_amount=Decimal("25"), minutes=130)
    url = f"/employer/gigs/{assignment.gig.pk}/pay/{assignment.pk}/record/"

    page = client.post(url, {"quantity": "3"})

    assert page.status_code == 400
    error = error_beside(page.content.decode(), f"id_quantity_{assignment.pk}")
    assert "At most 2.25 can be recorded" in error and "quarter hour" in error
    assignment.refresh_from_db()
    assert assignment.pay_status == PayStatus.NOT_DUE and assignment.status == AssignmentStatus.CHECKED_OUT


@pytest.mark.parametrize("typed, error", [
    ("", "This field is required"), ("abc", "Enter a number"), ("1.234", "no more than 2 decimal places"),
    ("NaN", "Enter a number"), ("1e400", "no more than 10 digits"), ("0", "more than zero"), ("-1", "more than zero"),
])
def test_junk_quantities_are_refused_beside_the_field_never_with_a_server_error(client, employer, typed, error):
    assignment = worked(employer)
    page = client.post(f"/employer/gigs/{assignment.gig.pk}/pay/{assignment.pk}/record/", {"quantity": typed})
    assert page.status_code == 400
    assert error in error_beside(page.content.decode(), f"id_quantity_{assignment.pk}")


def test_full_width_digits_typed_on_a_chinese_keyboard_are_read(client, employer):
    assignment = worked(employer, pay_unit="hour", pay_amount=Decimal("25"))
    client.post(f"/employer/gigs/{assignment.gig.pk}/pay/{assignment.pk}/record/", {"quantity": "７．５"})
    assignment.refresh_from_db()
    assert assignment.pay_quantity == Decimal("7.5") and assignment.amount_due == Decimal("187.50")


def test_a_correction_needs_a_reason_beside_its_field_and_the_worker_confirms_the_new_amount(client, employer):
    assignment = worked(employer, pay_unit="hour", pay_amount=Decimal("25"))
    url = f"/employer/gigs/{assignment.gig.pk}/pay/{assignment.pk}/record/"
    client.post(url, {"quantity": "7"})

    page = client.post(url, {"quantity": "8", "reason": ""})
    assert page.status_code == 400
    assert "Say why the pay is corrected" in error_beside(page.content.decode(), f"id_reason_{assignment.pk}")

    client.post(url, {"quantity": "8", "reason": "少算了一小时"})
    assignment.refresh_from_db()
    assert assignment.amount_due == Decimal("200.00")
    confirm_paid(assignment, actor=assignment.worker.user, amount_due=Decimal("200.00"))
    html = client.get(f"/employer/gigs/{assignment.gig.pk}/pay/").content.decode()
    assert "The worker confirmed the pay arrived" in html
    assert 'data-testid="record-pay"' not in html  # a confirmed pay is settled

    settled = client.post(url, {"quantity": "6", "reason": "改"}, follow=True)
    assert "can no longer be changed" in messages_of(settled)


def test_the_employer_sees_a_workers_dispute_with_the_amount_claimed_and_the_reason(client, employer):
    assignment = worked(employer)
    record_pay(assignment, actor=employer.owner, quantity=Decimal("1"))
    dispute_pay(assignment, actor=assignment.worker.user, reason="只给了一百", amount_claimed=Decimal("180"))
    html = client.get(f"/employer/gigs/{assignment.gig.pk}/pay/").content.decode()
    dispute = html.split('data-testid="dispute"', 1)[1].split("</div>", 1)[0]
    assert "claims ¥180" in dispute and "只给了一百" in dispute
    assert WageDispute.objects.get().status == "open"


def test_the_employer_rates_the_worker_once_after_the_pay_is_recorded(client, employer):
    assignment = worked(employer)
    pay_url = f"/employer/gigs/{assignment.gig.pk}/pay/"
    assert 'data-testid="rate-worker"' not in client.get(pay_url).content.decode()  # not completed yet
    record_pay(assignment, actor=employer.owner, quantity=Decimal("1"))

    missing = client.post(f"{pay_url}{assignment.pk}/rate/", {"score": "9"})
    assert missing.status_code == 400
    assert "Select a valid choice" in missing.content.decode()
    done = client.post(f"{pay_url}{assignment.pk}/rate/", {"score": "5", "comment": "干活利索"}, follow=True)

    assert "Thank you for your rating" in messages_of(done)
    rating = Rating.objects.get(assignment=assignment)
    assert (rating.direction, rating.score, rating.comment) == ("of_worker", 5, "干活利索")
    assert "You rated this worker 5 of 5." in done.content.decode()
    again = client.post(f"{pay_url}{assignment.pk}/rate/", {"score": "1"}, follow=True)
    assert "already rated" in messages_of(again) and Rating.objects.count() == 1


def test_favourites_are_added_from_a_gig_listed_and_removed(client, employer):
    assignment = worked(employer)
    worker = assignment.worker
    done = client.post(f"/employer/gigs/{assignment.gig.pk}/pay/{assignment.pk}/favourite/", {"action": "add"},
                       follow=True)
    assert "they get your new gigs first" in messages_of(done)
    assert FavouriteWorker.objects.filter(employer=employer, worker=worker).exists()

    listing = client.get("/employer/favourites/")
    assert [row["worker"] for row in listing.context["rows"]] == [worker]
    assert worker.display_name in listing.content.decode()

    client.post(f"/employer/favourites/{worker.pk}/remove/")
    assert not FavouriteWorker.objects.exists()
    assert "No favourites yet" in client.get("/employer/favourites/").content.decode()

    client.post(f"/employer/gigs/{assignment.gig.pk}/pay/{assignment.pk}/favourite/", {"action": "add"})
    client.post(f"/employer/gigs/{assignment.gig.pk}/pay/{assignment.pk}/favourite/", {"action": "remove"})
    assert not FavouriteWorker.objects.exists()


def test_another_employer_a_worker_and_a_visitor_are_refused_without_a_server_error(client, employer):
    theirs = worked()  # another employer's gig
    gig = theirs.gig
    assert client.get(f"/employer/gigs/{gig.pk}/pay/").status_code == 404
    for action in ("record", "rate", "favourite"):
        url = f"/employer/gigs/{gig.pk}/pay/{theirs.pk}/{action}/"
        assert client.post(url, {"quantity": "1", "score": "5", "action": "add"}).status_code == 404, url
    FavouriteWorker.objects.create(employer=theirs.gig.employer, worker=theirs.worker)
    assert client.post(f"/employer/favourites/{theirs.worker.pk}/remove/").status_code == 404
    assert FavouriteWorker.objects.count() == 1
    # a worker of mine on another employer's gig is not mine to pay
    mine = worked(employer)
    assert client.post(f"/employer/gigs/{mine.gig.pk}/pay/{theirs.pk}/record/", {"quantity": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.pay_status == PayStatus.NOT_DUE

    client.force_login(theirs.worker.user)
    assert client.get(f"/employer/gigs/{gig.pk}/pay/").status_code == 403
    assert client.get("/employer/favourites/").status_code == 403
    client.logout()
    assert client.get("/employer/favourites/").status_code == 302


def test_the_page_lists_who_worked_and_counts_who_has_not_checked_in(client, employer):
    assignment = worked(employer)
    AssignmentFactory(gig=assignment.gig, worker=WorkerFactory(), status=AssignmentStatus.ACCEPTED)
    page = client.get(f"/employer/gigs/{assignment.gig.pk}/pay/")
    assert [row["a"] for row in page.context["rows"]] == [assignment]
    assert "1 worker has not checked in yet." in page.content.decode()
    assert f'href="/employer/gigs/{assignment.gig.pk}/pay/"' in client.get(
        f"/employer/gigs/{assignment.gig.pk}/").content.decode()


def test_paying_a_worker_still_checked_in_checks_them_out_within_the_time_worked(client, employer):
    assignment = worked(employer, status=AssignmentStatus.CHECKED_IN, pay_unit="hour", pay_amount=Decimal("25"),
                        ends_at=NOW() + dt.timedelta(hours=1))
    assignment.checked_in_at = NOW() - dt.timedelta(minutes=50)
    assignment.checked_out_at = assignment.minutes_worked = None
    assignment.save()
    url = f"/employer/gigs/{assignment.gig.pk}/pay/"
    assert "Recording the pay checks the worker out." in client.get(url).content.decode()

    too_much = client.post(f"{url}{assignment.pk}/record/", {"quantity": "2"})
    assert "At most 1 can be recorded" in error_beside(too_much.content.decode(), f"id_quantity_{assignment.pk}")
    client.post(f"{url}{assignment.pk}/record/", {"quantity": "1"})
    assignment.refresh_from_db()
    assert (assignment.status, assignment.amount_due) == (AssignmentStatus.COMPLETED, Decimal("25.00"))
