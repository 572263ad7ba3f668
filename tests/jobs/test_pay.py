"""Money adds up: recorded pay is bounded by the time worked, the days on site or the pieces stated; the employer
corrects it until the worker confirms, every version is kept and the worker is told; a dispute reaches the
employer and the gig's center at once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jobs import services
from jobs.exceptions import Conflict
from jobs.models import AssignmentStatus, PayRecord, PayStatus
from notifications.models import Notification
from tests.factories import CenterStaffFactory, GigFactory, TradeFactory
from tests.helpers import at_site

pytestmark = pytest.mark.django_db


def on_site(make_worker, now, **gig_fields):
    """A worker checked in at the start of a gig (of the given fields) that starts two hours from `now`."""
    gig_fields.setdefault("starts_at", now + dt.timedelta(hours=2))
    gig = GigFactory(**gig_fields)
    assignment = services.accept_gig(gig, actor=make_worker(trade=gig.category).user, now=now)
    return services.check_in(assignment, actor=assignment.worker.user, now=gig.starts_at,
                             **at_site(gig))


def refusal(assignment, quantity, now) -> str:
    with pytest.raises(ValidationError) as refused:
        services.record_pay(assignment, actor=assignment.gig.employer.owner, quantity=Decimal(quantity), now=now)
    return refused.value.message_dict["quantity"][0]


@pytest.fixture
def hourly(make_worker, now):
    """A worker on an 8-hour gig at 25 yuan an hour who left after 7 hours 20 minutes."""
    assignment = on_site(make_worker, now, pay_amount=Decimal("25"), pay_unit="hour")
    return services.check_out(assignment, actor=assignment.worker.user,
                              now=assignment.gig.starts_at + dt.timedelta(hours=7, minutes=20))


def test_hourly_pay_is_bounded_by_the_time_worked_rounded_up_to_the_quarter_hour(hourly, now):
    assert hourly.max_pay_quantity == Decimal("7.5")
    assert "7.5" in refusal(hourly, "8", now) and "quarter hour" in refusal(hourly, "8", now)
    paid = services.record_pay(hourly, actor=hourly.gig.employer.owner, quantity=Decimal("7.5"), now=now)
    assert paid.amount_due == Decimal("187.50")


def test_a_gig_ended_early_may_still_pay_the_hours_it_was_posted_for(make_worker, now):
    assignment = on_site(make_worker, now, pay_amount=Decimal("25"), pay_unit="hour")
    gig = assignment.gig
    services.end_gig_early(gig, actor=gig.employer.owner, reason="材料没到", now=gig.starts_at + dt.timedelta(hours=2))
    assignment.refresh_from_db()
    assert assignment.minutes_worked == 120 and assignment.max_pay_quantity == Decimal("8")
    assert "posted for" in refusal(assignment, "8.25", now)
    paid = services.record_pay(assignment, actor=gig.employer.owner, quantity=Decimal("8"), now=now)
    assert paid.amount_due == Decimal("200.00")


@pytest.mark.parametrize(("hours", "days"), [(8, 1), (14, 1), (34, 2), (58, 3)])
def test_daily_pay_for_the_whole_gig_is_bounded_by_the_days_it_spans(make_worker, now, hours, days):
    assignment = on_site(make_worker, now, pay_unit="day",
                         ends_at=now + dt.timedelta(hours=2 + hours))  # 14 h: a night shift is one day
    gig = assignment.gig
    out = services.check_out(assignment, actor=assignment.worker.user, now=gig.ends_at)
    assert out.max_pay_quantity == days
    assert "days the worker was on site" in refusal(out, days + Decimal("0.5"), now)
    assert services.record_pay(out, actor=gig.employer.owner, quantity=Decimal(days), now=now).amount_due == \
        Decimal("180.00") * days


@pytest.mark.parametrize(("on_site_hours", "days"), [((0, 0.5), 1), ((0, 30), 2), ((25, 30), 1), ((20, 50), 3)])
def test_daily_pay_is_bounded_by_the_days_the_worker_was_on_site(make_worker, now, on_site_hours, days):
    """A three-day job (58 hours): a worker who left on the first morning is owed one day, not three."""
    gig = GigFactory(pay_unit="day", starts_at=now + dt.timedelta(hours=2), ends_at=now + dt.timedelta(hours=60))
    assignment = services.accept_gig(gig, actor=make_worker(trade=gig.category).user, now=now)
    arrived, left = (gig.starts_at + dt.timedelta(hours=h) for h in on_site_hours)
    services.check_in(assignment, actor=assignment.worker.user, now=arrived, **at_site(gig))
    out = services.check_out(assignment, actor=assignment.worker.user, now=left)
    assert out.max_pay_quantity == days
    assert "days the worker was on site" in refusal(out, days + 1, left)


def test_a_gig_ended_early_may_still_pay_the_days_it_was_posted_for(make_worker, now):
    gig = GigFactory(pay_unit="day", starts_at=now + dt.timedelta(hours=2), ends_at=now + dt.timedelta(hours=60))
    assignment = services.accept_gig(gig, actor=make_worker(trade=gig.category).user, now=now)
    services.check_in(assignment, actor=assignment.worker.user, now=gig.starts_at, **at_site(gig))
    services.end_gig_early(gig, actor=gig.employer.owner, reason="下雨停工", now=gig.starts_at + dt.timedelta(hours=3))
    assignment.refresh_from_db()
    assert assignment.max_pay_quantity == 3
    assert "posted for" in refusal(assignment, "4", now)


def test_time_on_site_past_the_gigs_end_is_not_paid_time(make_worker, now):
    """The worker forgot to check out; the employer records the pay the next day: the clock stopped at the end."""
    assignment = on_site(make_worker, now, pay_amount=Decimal("25"), pay_unit="hour",
                         ends_at=now + dt.timedelta(hours=10))
    next_day = assignment.gig.ends_at + dt.timedelta(hours=22)
    assert "At most 8 " in refusal(assignment, "30", next_day)
    paid = services.record_pay(assignment, actor=assignment.gig.employer.owner, quantity=Decimal("8"), now=next_day)
    assert paid.amount_due == Decimal("200.00")
    assert (paid.minutes_worked, paid.checked_out_at) == (8 * 60, next_day)


def test_piece_pay_is_bounded_by_the_most_pieces_the_employer_stated(make_worker, now):
    bagging = TradeFactory(code="apple_bagging", name="苹果套袋", pay_units=["piece", "day"])
    assignment = on_site(make_worker, now, category=bagging, pay_amount=Decimal("0.09"), pay_unit="piece",
                         expected_pieces_per_day=4000, max_pieces=6000)
    end = assignment.gig.ends_at
    assert "most pieces" in refusal(assignment, "6001", end)
    paid = services.record_pay(assignment, actor=assignment.gig.employer.owner, quantity=Decimal("5200"), now=end)
    assert paid.amount_due == Decimal("468.00")


def test_the_employer_corrects_the_pay_until_the_worker_confirms_and_every_version_is_kept(hourly, now):
    boss, worker = hourly.gig.employer.owner, hourly.worker.user
    services.record_pay(hourly, actor=boss, quantity=Decimal("6"), now=now)
    with pytest.raises(ValidationError) as refused:  # a correction says why
        services.record_pay(hourly, actor=boss, quantity=Decimal("7.5"), now=now)
    assert "reason" in refused.value.message_dict
    later = now + dt.timedelta(minutes=10)
    corrected = services.record_pay(hourly, actor=boss, quantity=Decimal("7.5"), reason="少算了一个半小时", now=later)
    assert corrected.amount_due == Decimal("187.50") and corrected.pay_status == PayStatus.RECORDED
    assert corrected.status == AssignmentStatus.COMPLETED and corrected.pay_recorded_at == now

    versions = list(PayRecord.objects.filter(assignment=hourly).values_list("quantity", "amount", "reason",
                                                                             "recorded_by", "recorded_at"))
    assert versions == [(Decimal("6"), Decimal("150.00"), "", boss.pk, now),
                        (Decimal("7.5"), Decimal("187.50"), "少算了一个半小时", boss.pk, later)]
    told = Notification.objects.filter(user=worker, kind="pay").order_by("id")
    assert [n.payload.get("corrected", False) for n in told] == [False, True]
    assert told.last().payload | {"gig": None} == {
        "assignment": hourly.pk, "corrected": True, "previous_amount": "150.00", "amount_due": "187.50",
        "reason": "少算了一个半小时", "gig": None}

    services.confirm_paid(hourly, actor=worker, now=later)
    with pytest.raises(Conflict) as refused:
        services.record_pay(hourly, actor=boss, quantity=Decimal("5"), reason="算错了", now=later)
    assert refused.value.code == "pay_settled"
    assert PayRecord.objects.filter(assignment=hourly).count() == 2


def test_a_version_of_the_pay_is_never_rewritten(hourly, now):
    services.record_pay(hourly, actor=hourly.gig.employer.owner, quantity=Decimal("6"), now=now)
    record = PayRecord.objects.get()
    record.amount = Decimal("1")
    with pytest.raises(Conflict):
        record.save()


def test_a_worker_cannot_confirm_an_amount_changed_since_they_looked(hourly, now):
    boss, worker = hourly.gig.employer.owner, hourly.worker.user
    services.record_pay(hourly, actor=boss, quantity=Decimal("7.5"), now=now)
    services.record_pay(hourly, actor=boss, quantity=Decimal("4"), reason="提前走了", now=now)
    with pytest.raises(Conflict) as refused:
        services.confirm_paid(hourly, actor=worker, amount_due=Decimal("187.50"), now=now)
    assert refused.value.code == "pay_changed" and "100.00" in str(refused.value.message)
    confirmed = services.confirm_paid(hourly, actor=worker, amount_due=Decimal("100.00"), now=now)
    assert confirmed.pay_status == PayStatus.CONFIRMED


def test_a_pay_dispute_reaches_the_employer_and_the_gigs_center_staff_at_once(hourly, now):
    gig = hourly.gig
    staff = [CenterStaffFactory(center=gig.center).user for _ in range(2)]
    elsewhere = CenterStaffFactory().user
    services.record_pay(hourly, actor=gig.employer.owner, quantity=Decimal("4"), now=now)
    dispute = services.dispute_pay(hourly, actor=hourly.worker.user, reason="干了七个多小时只算四小时",
                                   amount_claimed=Decimal("87.50"), now=now)
    told = Notification.objects.filter(kind="pay", payload__disputed=True)
    assert {n.user_id for n in told if n.user_id} == {gig.employer.owner_id, *(user.pk for user in staff)}
    assert [n.center_id for n in told if n.center_id] == [gig.center_id]  # and the center's live board
    assert not told.filter(user=elsewhere).exists()
    payload = told.first().payload
    assert (payload["dispute"], payload["amount_claimed"], payload["reason"]) == (
        dispute.pk, "87.50", "干了七个多小时只算四小时")
    # The employer may still correct the pay while the center mediates; the worker then confirms.
    services.record_pay(hourly, actor=gig.employer.owner, quantity=Decimal("7.5"), reason="补足工时", now=now)
    assert services.confirm_paid(hourly, actor=hourly.worker.user, now=now).pay_status == PayStatus.CONFIRMED


def test_pay_recorded_after_the_worker_disputed_its_absence_completes_the_work_and_keeps_the_dispute(hourly, now):
    services.dispute_pay(hourly, actor=hourly.worker.user, reason="干完活没人记工资", amount_claimed=Decimal("187.50"),
                         now=now)
    recorded = services.record_pay(hourly, actor=hourly.gig.employer.owner, quantity=Decimal("7.5"), now=now)
    assert recorded.status == AssignmentStatus.COMPLETED and recorded.pay_recorded_at == now
    assert recorded.pay_status == PayStatus.DISPUTED  # the center still mediates until the worker confirms
    assert services.confirm_paid(hourly, actor=hourly.worker.user, now=now).pay_status == PayStatus.CONFIRMED
