"""A worker whose pay never arrived files a wage complaint; the center acknowledges, mediates and resolves it,
then closes it. Every step is kept with who took it and when, and the worker sees each one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from complaints import services
from complaints.models import Complaint, ComplaintStatus, ComplaintStep, Outcome
from complaints.selectors import complaint_queue, complaints_visible_to, overdue
from jobs.exceptions import Conflict
from jobs.models import PayStatus
from notifications.models import Notification
from notifications.sentences import sentence
from tests.complaints.conftest import at, photo

pytestmark = pytest.mark.django_db

FILED = at(2025, 11, 3, 10)  # a Monday


@pytest.fixture
def unpaid(market):
    return market.done_assignment(at(2025, 11, 1, 16))


def file(market, assignment, **fields):
    fields.setdefault("statement", "说好180元一天，干完活老板一直没给钱。")
    return services.file_complaint(assignment, actor=market.worker.user, now=FILED, **fields)


def test_the_full_lifecycle_every_step_with_who_and_when(market, unpaid):
    complaint = file(market, unpaid, photos=[photo()])
    assert complaint.status == ComplaintStatus.FILED
    assert complaint.center == market.center and complaint.employer == market.employer
    assert complaint.amount_claimed == Decimal("180.00")  # the pay recorded, when the worker names no amount
    assert (complaint.acknowledge_by, complaint.resolve_by) == (at(2025, 11, 3, 11), at(2025, 11, 6, 10))
    assert complaint.evidence.count() == 1

    services.acknowledge(complaint, actor=market.staff, note="已受理，联系雇主中。",
                         now=FILED + dt.timedelta(minutes=20))
    services.start_mediation(complaint, actor=market.staff, note="约双方周三到中心调解。", now=at(2025, 11, 4, 9))
    services.respond(complaint, actor=market.employer.owner, response="周三带现金到中心支付。", now=at(2025, 11, 4, 11))
    services.resolve(complaint, actor=market.staff, outcome=Outcome.PAID_IN_FULL, note="当面结清。",
                     now=at(2025, 11, 5, 15))
    complaint = services.close(complaint, actor=market.staff, now=at(2025, 11, 6, 9))

    assert complaint.status == ComplaintStatus.CLOSED and complaint.amount_recovered == Decimal("180.00")
    steps = list(ComplaintStep.objects.filter(complaint=complaint).values_list("event", "actor", "at"))
    assert steps == [
        ("filed", market.worker.user.pk, FILED),
        ("acknowledged", market.staff.pk, FILED + dt.timedelta(minutes=20)),
        ("mediating", market.staff.pk, at(2025, 11, 4, 9)),
        ("employer_responded", market.employer.owner.pk, at(2025, 11, 4, 11)),
        ("resolved", market.staff.pk, at(2025, 11, 5, 15)),
        ("closed", market.staff.pk, at(2025, 11, 6, 9)),
    ]
    # The worker was told of every step the center and the employer took.
    told = [sentence(n.kind, n.payload) for n in Notification.objects.filter(user=market.worker.user)]
    assert len(told) == 5 and "acknowledged the wage complaint" in told[0] and "is closed" in told[-1]
    # Staff steps are in the audit log, with the state before and after.
    actions = list(AuditEntry.objects.filter(target_id=str(complaint.pk)).order_by("at")
                   .values_list("action", flat=True))
    assert actions == ["complaint_acknowledged", "complaint_mediating", "complaint_resolved", "complaint_closed"]
    resolved = AuditEntry.objects.get(action="complaint_resolved")
    assert resolved.before["status"] == "mediating" and resolved.after["outcome"] == "paid_in_full"


def test_filing_tells_the_employer_and_the_centers_staff(market, unpaid):
    file(market, unpaid)
    assert Notification.objects.filter(user=market.employer.owner, payload__event="filed").exists()
    assert Notification.objects.filter(user=market.staff, payload__event="filed").exists()
    assert not Notification.objects.filter(user=market.other_staff).exists()


def test_a_disputed_pay_can_be_complained_about(market):
    disputed = market.done_assignment(at(2025, 11, 1, 16), pay_status=PayStatus.DISPUTED)
    assert file(market, disputed, amount_claimed="50").amount_claimed == Decimal("50.00")


def test_a_confirmed_pay_or_unfinished_work_cannot_be_complained_about(market):
    confirmed = market.done_assignment(at(2025, 11, 1, 16), pay_status=PayStatus.CONFIRMED)
    with pytest.raises(Conflict, match="confirmed this pay"):
        file(market, confirmed)
    assert not Complaint.objects.exists()


def test_one_open_complaint_per_assignment(market, unpaid):
    file(market, unpaid)
    with pytest.raises(Conflict, match="already with the service center"):
        file(market, unpaid)


def test_someone_elses_assignment_is_refused(market, unpaid):
    with pytest.raises(PermissionDenied):
        services.file_complaint(unpaid, actor=market.other_worker.user, statement="老板没给钱啊", now=FILED)
    with pytest.raises(PermissionDenied):
        services.file_complaint(unpaid, actor=market.employer.owner, statement="老板没给钱啊", now=FILED)
    assert not Complaint.objects.exists()


def test_a_statement_is_needed(market, unpaid):
    with pytest.raises(ValidationError) as refused:
        file(market, unpaid, statement="  ")
    assert "statement" in refused.value.message_dict


def test_the_table_allows_no_skipping(market, unpaid):
    complaint = file(market, unpaid)
    with pytest.raises(Conflict) as refused:
        services.resolve(complaint, actor=market.staff, outcome=Outcome.PAID_IN_FULL, now=FILED)
    assert refused.value.code == "bad_transition"
    with pytest.raises(Conflict):
        services.close(complaint, actor=market.staff, now=FILED)
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.FILED
    assert not AuditEntry.objects.exists()


def test_only_the_gigs_center_and_the_city_take_steps(market, unpaid):
    complaint = file(market, unpaid)
    for outsider in (market.other_staff, market.worker.user, market.employer.owner):
        with pytest.raises(PermissionDenied):
            services.acknowledge(complaint, actor=outsider, now=FILED)
    assert services.acknowledge(complaint, actor=market.city_admin, now=FILED).status == ComplaintStatus.ACKNOWLEDGED


def test_partly_paid_says_how_much_and_the_rest_stays_unpaid(market, unpaid):
    complaint = file(market, unpaid)
    services.acknowledge(complaint, actor=market.staff, now=FILED)
    with pytest.raises(ValidationError) as refused:
        services.resolve(complaint, actor=market.staff, outcome=Outcome.PARTLY_PAID, now=FILED)
    assert "amount_recovered" in refused.value.message_dict
    complaint = services.resolve(complaint, actor=market.staff, outcome=Outcome.PARTLY_PAID, amount_recovered="100",
                                 now=FILED)
    assert complaint.unpaid == Decimal("80.00")


def test_referred_to_12333(market, unpaid):
    complaint = file(market, unpaid)
    services.acknowledge(complaint, actor=market.staff, now=FILED)
    complaint = services.resolve(complaint, actor=market.staff, outcome=Outcome.REFERRED_12333,
                                 note="雇主拒不支付，已转12333。", now=FILED)
    assert complaint.get_outcome_display() == "Referred to the 12333 hotline"


def test_who_sees_the_complaint(market, unpaid):
    complaint = file(market, unpaid)
    for viewer in (market.worker.user, market.employer.owner, market.staff, market.city_admin):
        assert complaints_visible_to(viewer).filter(pk=complaint.pk).exists()
    for viewer in (market.other_worker.user, market.other_staff):
        assert not complaints_visible_to(viewer).filter(pk=complaint.pk).exists()


def test_the_queue_shows_overdue_first(market, unpaid):
    late = file(market, unpaid)
    fresh = services.file_complaint(market.done_assignment(at(2025, 11, 2, 16)), actor=market.worker.user,
                                    statement="也没给钱，说好的。", now=at(2025, 11, 3, 15))
    queue = complaint_queue(market.staff, now=at(2025, 11, 3, 15, 30))
    assert [(item.complaint.pk, item.overdue) for item in queue] == [(late.pk, "acknowledge"), (fresh.pk, None)]
    assert overdue(late, at(2025, 11, 3, 10, 59)) is None
    with pytest.raises(PermissionDenied):
        complaint_queue(market.worker.user)


def test_unpaid_show_up_pay_of_a_late_cancellation_can_be_complained_about(market):
    from jobs.models import AssignmentStatus, Compensation

    cancelled = market.done_assignment(at(2025, 11, 1, 16), status=AssignmentStatus.CANCELLED,
                                       pay_status=PayStatus.NOT_DUE, cancelled_by="employer", amount_due=None)
    Compensation.objects.create(assignment=cancelled, amount=Decimal("100.00"), reason="开工前两小时取消")
    assert file(market, cancelled).amount_claimed == Decimal("100.00")
