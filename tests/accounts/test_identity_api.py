"""Over the API: a worker gives an ID number, staff see and settle claims at their centers, and verify real names."""

import datetime as dt

import pytest

from tests.factories import CenterStaffFactory, CityAdminFactory, ServiceCenterFactory, WorkerFactory, id_number_for
from tests.helpers import field_errors
from workers.id_numbers import parse_id_number
from workers.models import IdentityClaim, RealNameStatus

pytestmark = pytest.mark.django_db

NUMBER = id_number_for(dt.date(1975, 3, 8))


@pytest.fixture
def home(db):
    return ServiceCenterFactory(name="王益区零工服务中心", address="王益区（示例地址）")


@pytest.fixture
def holder(home):
    worker = WorkerFactory()
    worker.set_resident_id(parse_id_number(NUMBER))
    worker.real_name_status = RealNameStatus.VERIFIED
    worker.save()
    return worker


@pytest.fixture
def claimant(home):
    return WorkerFactory()


def post(api, url, body=None):
    return api.post(url, body or {}, format="json")


def test_a_held_number_is_sent_for_an_in_person_check_not_silently_refused(api, holder, claimant):
    api.force_authenticate(claimant.user)
    response = post(api, "/api/me/worker-profile/id-number/", {"id_number": NUMBER})
    assert response.status_code == 202, response.content
    body = response.json()
    assert "in-person check at 王益区零工服务中心" in body["detail"]
    assert body["claim"]["center"]["name"] == "王益区零工服务中心"
    assert body["claim"]["status"] == "pending"
    # The same through the profile edit.
    response = api.patch("/api/me/worker-profile/", {"id_number": NUMBER}, format="json")
    assert response.status_code == 202 and response.json()["claim"]["id"] == body["claim"]["id"]


def test_a_new_number_is_recorded_and_waits_for_a_check(api, claimant):
    api.force_authenticate(claimant.user)
    response = post(api, "/api/me/worker-profile/id-number/", {"id_number": "１１０１０５１９４９１２３１００２ｘ"})
    assert response.status_code == 200, response.content
    assert response.json()["real_name_status"] == "pending"
    assert response.json()["id_number_masked"] == "11***************X"


def test_a_superscript_digit_in_an_id_number_is_no_server_error(api, claimant):
    api.force_authenticate(claimant.user)
    for typed in ("1101051949123100²X", "11010519491231002²", "1101051949123100½X"):
        response = api.patch("/api/me/worker-profile/", {"id_number": typed}, format="json")
        assert response.status_code in (200, 400), response.content
        if response.status_code == 400:
            assert "id_number" in field_errors(response)


def test_too_many_numbers_in_a_day_answer_409_with_a_code(api, claimant, settings):
    settings.ID_NUMBER_ATTEMPTS_PER_DAY = 2
    api.force_authenticate(claimant.user)
    for day in (1, 2):
        assert post(api, "/api/me/worker-profile/id-number/",
                    {"id_number": id_number_for(dt.date(1980, 1, day))}).status_code == 200
    response = post(api, "/api/me/worker-profile/id-number/", {"id_number": id_number_for(dt.date(1980, 1, 3))})
    assert response.status_code == 409
    assert response.json()["code"] == "too_many_id_attempts"


def test_staff_list_and_settle_the_claims_of_their_center(api, holder, claimant, home):
    api.force_authenticate(claimant.user)
    claim_id = post(api, "/api/me/worker-profile/id-number/", {"id_number": NUMBER}).json()["claim"]["id"]
    staff = CenterStaffFactory(center=home).user
    api.force_authenticate(staff)
    listed = api.get("/api/identity-claims/").json()["results"]
    assert [c["id"] for c in listed] == [claim_id]
    assert listed[0]["holder"]["id"] == holder.pk and listed[0]["claimant"]["id"] == claimant.pk
    response = post(api, f"/api/identity-claims/{claim_id}/resolve/", {"decision": "approve", "note": "核对原件"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert post(api, f"/api/identity-claims/{claim_id}/resolve/", {"decision": "reject"}).status_code == 409
    assert api.get("/api/identity-claims/").json()["results"] == []


def test_staff_of_another_center_get_403_and_workers_cannot_list_claims(api, holder, claimant):
    api.force_authenticate(claimant.user)
    claim_id = post(api, "/api/me/worker-profile/id-number/", {"id_number": NUMBER}).json()["claim"]["id"]
    assert api.get("/api/identity-claims/").status_code == 403
    api.force_authenticate(CenterStaffFactory(center=ServiceCenterFactory(name="宜君县零工服务中心")).user)
    assert api.get("/api/identity-claims/").json()["results"] == []
    assert post(api, f"/api/identity-claims/{claim_id}/resolve/", {"decision": "approve"}).status_code == 403
    assert post(api, "/api/identity-claims/999999/resolve/", {"decision": "approve"}).status_code == 404
    api.force_authenticate(CityAdminFactory())
    response = post(api, f"/api/identity-claims/{claim_id}/resolve/", {"decision": "maybe"})
    assert response.status_code == 400 and "decision" in field_errors(response)
    assert IdentityClaim.objects.get().status == "pending"


def test_staff_verify_a_workers_real_name(api, claimant, home):
    api.force_authenticate(claimant.user)
    post(api, "/api/me/worker-profile/id-number/", {"id_number": NUMBER})
    assert post(api, f"/api/workers/{claimant.pk}/verify-identity/").status_code == 403
    api.force_authenticate(CenterStaffFactory(center=home).user)
    response = post(api, f"/api/workers/{claimant.pk}/verify-identity/")
    assert response.status_code == 200, response.content
    assert response.json()["real_name_status"] == "verified"


def test_verifying_a_real_name_answers_with_the_worker_as_staff_see_them_not_where_they_live(api, claimant, home):
    """Any center's staff may verify (and verify again): the answer was the worker's own profile, home point and
    all, for the asking."""
    api.force_authenticate(claimant.user)
    post(api, "/api/me/worker-profile/id-number/", {"id_number": NUMBER})
    api.force_authenticate(CenterStaffFactory().user)  # staff of another center
    for _ in range(2):
        body = post(api, f"/api/workers/{claimant.pk}/verify-identity/").json()
        assert body["id"] == claimant.pk and body["real_name_status"] == "verified"
        assert not {"latitude", "longitude", "home", "current_latitude"} & set(body)
        assert str(claimant.latitude) not in str(body) and str(claimant.longitude) not in str(body)
