"""A wage dispute (欠薪) is open until it is resolved, and a resolved one stays resolved: its status moves only
along WageDispute.TRANSITIONS, whether the worker confirms the pay after all or the center records it settled."""

import datetime as dt
from decimal import Decimal

import pytest

from jobs import services
from jobs.models import WageDispute
from tests.factories import CenterStaffFactory, GigFactory
from tests.helpers import at_site, refused_on_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(make_worker, now):
    """A worker who did an 8-hour gig at 25 yuan an hour, two hours ago; the employer recorded 4 hours."""
    gig = GigFactory(pay_amount=Decimal("25"), pay_unit="hour", starts_at=now + dt.timedelta(hours=2))
    assignment = services.accept_gig(gig, actor=make_worker(trade=gig.category).user, now=now)
    assignment = services.check_in(assignment, actor=assignment.worker.user, now=gig.starts_at, **at_site(gig))
    assignment = services.check_out(assignment, actor=assignment.worker.user, now=gig.ends_at)
    return services.record_pay(assignment, actor=gig.employer.owner, quantity=Decimal("4"), now=gig.ends_at)


def test_the_worker_disputes_the_pay_the_center_settles_it_and_it_cannot_be_reopened(worked, now):
    dispute = services.dispute_pay(worked, actor=worked.worker.user, reason="干了八小时只算四小时",
                                   amount_claimed=Decimal("200"), now=now)
    assert dispute.status == WageDispute.Status.OPEN
    staff = CenterStaffFactory(center=worked.gig.center).user
    settled = services.settle_wage_dispute(dispute, actor=staff, now=now)
    assert settled.status == WageDispute.Status.RESOLVED and settled.resolved_at == now

    # Nobody sets it back to open by saving the row (the admin, a shell, another service).
    refused_on_save(WageDispute, dispute.pk, WageDispute.Status.OPEN)
    assert WageDispute.objects.get(pk=dispute.pk).status == WageDispute.Status.RESOLVED
    # Settling it twice changes nothing, not even when it was settled.
    later = now + dt.timedelta(hours=1)
    assert services.settle_wage_dispute(dispute, actor=staff, now=later).resolved_at == now


def test_the_worker_confirming_the_pay_resolves_an_open_dispute_once(worked, now):
    dispute = services.dispute_pay(worked, actor=worked.worker.user, reason="少算了工时",
                                   amount_claimed=Decimal("200"), now=now)
    services.record_pay(worked, actor=worked.gig.employer.owner, quantity=Decimal("8"), reason="补足工时", now=now)
    services.confirm_paid(worked, actor=worked.worker.user, now=now)
    dispute.refresh_from_db()
    assert dispute.status == WageDispute.Status.RESOLVED and dispute.resolved_at == now

