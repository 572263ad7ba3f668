"""An overdue complaint escalates to the city administrators (once per missed deadline) and shows as overdue;
an employer with an unresolved complaint may not post, and its standing shows the unpaid wages."""

import datetime as dt
from decimal import Decimal

import pytest

from complaints import services
from complaints.models import ComplaintStep, Outcome
from complaints.selectors import overdue
from jobs import scheduler
from jobs import services as job_services
from jobs.exceptions import Conflict
from jobs.models import Gig, GigStatus
from jobs.selectors import employer_standing
from notifications.models import Notification
from notifications.sentences import sentence
from tests.complaints.conftest import at
from tests.factories import WANGYI, CityAdminFactory, GigFactory, TradeFactory

pytestmark = pytest.mark.django_db

FILED = at(2025, 11, 3, 10)  # a Monday: acknowledge by 11:00, resolve by Thursday 10:00


@pytest.fixture
def complaint(market):
    assignment = market.done_assignment(at(2025, 11, 1, 16))
    return services.file_complaint(assignment, actor=market.worker.user, statement="干完活没给钱。", now=FILED)


def escalations(user):
    return [n.payload["missed"] for n in Notification.objects.filter(user=user, payload__event="escalated")]


def test_a_complaint_not_acknowledged_in_a_working_hour_goes_to_the_city(market, complaint):
    second_admin = CityAdminFactory()
    assert services.escalate_overdue(at(2025, 11, 3, 10, 59)) == 0
    assert services.escalate_overdue(at(2025, 11, 3, 11, 1)) == 1
    assert services.escalate_overdue(at(2025, 11, 3, 11, 2)) == 0  # told once
    assert escalations(market.city_admin) == escalations(second_admin) == ["acknowledge"]
    assert escalations(market.staff) == ["acknowledge"]  # the center is told it is late, too
    message = Notification.objects.filter(user=market.city_admin).last()
    assert "not acknowledged in time" in sentence(message.kind, message.payload)
    step = ComplaintStep.objects.get(complaint=complaint, event="escalated")
    assert step.actor is None and step.at == at(2025, 11, 3, 11, 1)


def test_then_not_resolved_in_three_working_days_goes_again(market, complaint):
    complaint = services.acknowledge(complaint, actor=market.staff, now=at(2025, 11, 3, 10, 30))
    assert services.escalate_overdue(at(2025, 11, 6, 9, 59)) == 0
    assert overdue(complaint, at(2025, 11, 6, 10, 1)) == "resolve"  # shown as overdue before the job runs
    assert services.escalate_overdue(at(2025, 11, 6, 10, 1)) == 1
    assert escalations(market.city_admin) == ["resolve"]


def test_a_resolved_complaint_is_never_overdue(market, complaint):
    services.acknowledge(complaint, actor=market.staff, now=at(2025, 11, 3, 10, 30))
    complaint = services.resolve(complaint, actor=market.staff, outcome=Outcome.PAID_IN_FULL,
                                 now=at(2025, 11, 5, 10))
    assert overdue(complaint, at(2025, 12, 1)) is None
    assert services.escalate_overdue(at(2025, 12, 1)) == 0


def test_the_scheduler_runs_the_escalation(market, complaint):
    done = scheduler.run_due_duties(now=at(2025, 11, 3, 12))
    assert done["escalate_overdue_complaints"] == 1


def gig_fields(now):
    starts = now + dt.timedelta(days=2)
    return {"category": TradeFactory(), "title": "搬砖", "headcount": 1, "pay_amount": Decimal("200"),
            "pay_unit": "day", "latitude": WANGYI[0], "longitude": WANGYI[1], "address": "王益区（测试）",
            "starts_at": starts, "ends_at": starts + dt.timedelta(hours=8)}


def test_an_employer_with_an_unresolved_complaint_cannot_post_until_it_is_resolved(market, complaint):
    owner = market.employer.owner
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(Conflict) as refused:
        job_services.create_gig(actor=owner, now=now, **gig_fields(now))
    assert refused.value.code == "unresolved_wage_complaint"
    assert "180.00 yuan" in refused.value.message and "not resolved" in refused.value.message
    draft = job_services.create_gig(actor=owner, publish=False, now=now, **gig_fields(now))  # a draft may wait
    with pytest.raises(Conflict):
        job_services.publish_gig(draft, actor=owner, now=now)
    cancelled = GigFactory(employer=market.employer, center=market.center, status=GigStatus.CANCELLED,
                           starts_at=now + dt.timedelta(days=3))
    with pytest.raises(Conflict):
        job_services.reopen_gig(cancelled, actor=owner, now=now)

    services.acknowledge(complaint, actor=market.staff, now=now)
    services.resolve(complaint, actor=market.staff, outcome=Outcome.PAID_IN_FULL, now=now)
    assert job_services.publish_gig(draft, actor=owner, now=now).status == GigStatus.OPEN
    assert Gig.objects.filter(employer=market.employer, status=GigStatus.OPEN).count() == 1


def test_the_standing_shows_unpaid_wages(market, complaint):
    standing = employer_standing(market.employer)
    assert standing.unresolved_wage_complaints == 1 and standing.unpaid_wages == Decimal("180.00")
    services.acknowledge(complaint, actor=market.staff, now=FILED)
    services.resolve(complaint, actor=market.staff, outcome=Outcome.PARTLY_PAID, amount_recovered="100", now=FILED)
    standing = employer_standing(market.employer)
    assert standing.unresolved_wage_complaints == 0 and standing.unpaid_wages == Decimal("80.00")
