"""A worker without a phone cannot open a link: at the site, the employer scans the QR on their dispatch slip
(派工单), or types its code, and checks them in under the same rules as a worker's own check-in; staff of the
gig's center may do it too (audited); the worker cannot, so the slip's code never checks anyone in from afar."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audit.models import AuditEntry
from jobs.exceptions import Conflict
from jobs.models import AssignmentStatus, CheckInMethod, Gig, GigStatus
from jobs.selectors import slip_on_gig, slip_on_site
from jobs.services import check_in_by_slip, slip_code
from tests.factories import CenterStaffFactory, EmployerFactory, dispatched_walk_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(db):
    """A walk-in without a phone, sent by a center to a gig (of another center) starting in 20 minutes."""
    return dispatched_walk_in(CenterStaffFactory())


def test_the_employer_checks_the_worker_in_from_the_slip(sent):
    code = slip_code(sent)
    assert len(code) == 8 and code.isascii() and code.isdigit()
    owner = sent.gig.employer.owner
    assert slip_on_site(sent.pk, code, viewer=owner) == sent
    done = check_in_by_slip(sent, actor=owner, code=f"{code[:4]} {code[4:]}")  # as printed, with its space
    assert (done.status, done.check_in_method) == (AssignmentStatus.CHECKED_IN, CheckInMethod.SLIP)
    assert Gig.objects.get(pk=sent.gig_id).status == GigStatus.IN_PROGRESS
    assert sent.worker.user.notifications.filter(kind="checked_in").exists()  # the center reads it for them
    assert check_in_by_slip(sent, actor=owner, code=code).checked_in_at == done.checked_in_at  # twice: harmless


def test_staff_of_the_sending_center_check_in_and_it_is_audited(sent):
    desk = sent.dispatch_consent.recorded_by
    done = check_in_by_slip(sent, actor=desk, code=slip_code(sent))
    assert done.check_in_method == CheckInMethod.STAFF
    entry = AuditEntry.objects.get(action="checked_in_by_staff")
    assert (entry.actor, entry.subject) == (desk, sent.worker.user)


def test_the_worker_another_employer_and_other_staff_may_not(sent):
    code = slip_code(sent)
    for outsider in (sent.worker.user, EmployerFactory().owner, CenterStaffFactory().user):
        with pytest.raises(PermissionDenied):
            check_in_by_slip(sent, actor=outsider, code=code)
        with pytest.raises(PermissionDenied):
            slip_on_site(sent.pk, code, viewer=outsider)
    sent.refresh_from_db()
    assert sent.status == AssignmentStatus.ACCEPTED


def test_a_wrong_code_checks_nobody_in(sent):
    owner = sent.gig.employer.owner
    wrong = f"{(int(slip_code(sent)) + 1) % 100_000_000:08d}"
    with pytest.raises(ValidationError) as refused:
        check_in_by_slip(sent, actor=owner, code=wrong)
    assert "code" in refused.value.message_dict
    with pytest.raises(Http404):
        slip_on_site(sent.pk, wrong, viewer=owner)
    assert slip_on_gig(sent.gig, wrong) is None
    assert slip_on_gig(sent.gig, "１２３４５６７８９０" * 3) is None  # full-width, too long: no match, no error
    assert slip_on_gig(sent.gig, slip_code(sent)) == sent


def test_the_check_in_window_holds_as_for_the_workers_own(sent):
    owner, code = sent.gig.employer.owner, slip_code(sent)
    with pytest.raises(Conflict) as early:
        check_in_by_slip(sent, actor=owner, code=code, now=sent.gig.starts_at - dt.timedelta(hours=3))
    assert early.value.code == "too_early"
    with pytest.raises(Conflict) as late:
        check_in_by_slip(sent, actor=owner, code=code, now=sent.gig.ends_at + dt.timedelta(minutes=1))
    assert late.value.code == "ended"
