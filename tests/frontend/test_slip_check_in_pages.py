"""The dispatch slip's QR on the web: staff print it, the employer's phone opens it at the site and checks the
phoneless worker in with one tap; when the QR will not scan the employer types the slip code on the site-code
page. Others get 403, a wrong code 404, a visitor logs in first."""

import pytest

from jobs.models import AssignmentStatus, CheckInMethod
from jobs.services import slip_code
from tests.factories import CenterStaffFactory, WorkerFactory, dispatched_walk_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    return CenterStaffFactory()


@pytest.fixture
def sent(desk):
    return dispatched_walk_in(desk, desk.center)


def test_the_slip_carries_a_check_in_link_and_its_code(client, desk, sent):
    client.force_login(desk.user)
    slip = client.get(f"/staff/centers/{desk.center.pk}/dispatches/{sent.pk}/slip/")
    code = slip_code(sent)
    assert slip.context["check_in_url"].endswith(f"/slips/{sent.pk}/{code}/")
    assert f"{code[:4]} {code[4:]}" in slip.content.decode()


def test_the_employer_opens_the_slips_link_and_checks_the_worker_in(client, sent):
    link = f"/slips/{sent.pk}/{slip_code(sent)}/"
    assert "/login" in client.get(link)["Location"]
    client.force_login(sent.gig.employer.owner)
    page = client.get(link).content.decode()
    assert "赵大爷" in page and 'data-testid="slip-check-in"' in page
    page = client.post(link, follow=True).content.decode()
    assert 'data-testid="checked-in"' in page
    sent.refresh_from_db()
    assert (sent.status, sent.check_in_method) == (AssignmentStatus.CHECKED_IN, CheckInMethod.SLIP)


def test_others_get_403_and_a_wrong_code_404(client, sent):
    link = f"/slips/{sent.pk}/{slip_code(sent)}/"
    for outsider in (sent.worker.user, WorkerFactory().user, CenterStaffFactory().user):
        client.force_login(outsider)
        assert client.get(link).status_code == 403
        assert client.post(link).status_code == 403
    client.force_login(sent.gig.employer.owner)
    assert client.get(f"/slips/{sent.pk}/12345678x/").status_code == 404
    sent.refresh_from_db()
    assert sent.status == AssignmentStatus.ACCEPTED


def test_the_employer_types_the_slip_code_on_the_site_code_page(client, sent):
    client.force_login(sent.gig.employer.owner)
    page = f"/employer/gigs/{sent.gig_id}/code/"
    assert 'name="slip_code"' in client.get(page).content.decode()
    wrong = client.post(f"{page}slip/", {"slip_code": "00000000x"}, follow=True).content.decode()
    assert "No worker on this gig has a dispatch slip with this code" in wrong
    client.post(f"{page}slip/", {"slip_code": slip_code(sent)})
    sent.refresh_from_db()
    assert sent.status == AssignmentStatus.CHECKED_IN


def test_staff_of_the_gigs_center_check_in_from_the_link(client, desk, sent):
    client.force_login(desk.user)
    client.post(f"/slips/{sent.pk}/{slip_code(sent)}/")
    sent.refresh_from_db()
    assert sent.check_in_method == CheckInMethod.STAFF
