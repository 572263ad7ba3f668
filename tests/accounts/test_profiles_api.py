"""People read and edit their own account: who they are, their worker profile or their employer."""

import datetime as dt

import pytest

from jobs.credit_codes import check_char
from jobs.models import Employer
from tests.factories import (
    EmployerFactory,
    TradeFactory,
    TradeGroupFactory,
    UserFactory,
    WorkerFactory,
    id_number_for,
)
from tests.helpers import field_errors
from workers.id_numbers import parse_id_number
from workers.models import WorkerProfile, WorkerTrade

pytestmark = pytest.mark.django_db

ID_NUMBER = id_number_for(dt.date(1985, 6, 1))
CREDIT_CODE = "91610200MA6X00001" + check_char("91610200MA6X00001")


@pytest.fixture
def worker(db):
    return WorkerFactory(user=UserFactory(phone="13912345678", name="李师傅"), display_name="李师傅")


@pytest.fixture
def employer(db):
    return EmployerFactory(owner=UserFactory(phone="13812345678", name="王经理", role="employer"), name="王家装修")


@pytest.fixture
def as_worker(api, worker):
    api.force_authenticate(worker.user)
    return api


@pytest.fixture
def as_employer(api, employer):
    api.force_authenticate(employer.owner)
    return api


def patch(api, url, body):
    return api.patch(url, body, format="json")


# --- /api/me/ ---------------------------------------------------------------------------------------
def test_i_see_my_own_full_phone_number(as_worker, worker):
    assert as_worker.get("/api/me/").json() == {"id": worker.user.pk, "name": "李师傅", "role": "worker",
                                               "phone": "13912345678"}


# --- Worker profile -----------------------------------------------------------------------------
def test_a_worker_reads_their_profile(as_worker, worker, trade):
    WorkerTrade.objects.create(worker=worker, category=trade, years_experience=4)
    body = as_worker.get("/api/me/worker-profile/").json()
    assert body == {"display_name": "李师傅", "availability": "any", "latitude": worker.latitude,
                    "longitude": worker.longitude, "has_smartphone": True, "id_number_masked": "",
                    "real_name_status": "unverified",
                    "trades": [{"category": trade.pk, "name": trade.name, "years_experience": 4}]}


def test_a_worker_edits_their_profile_and_the_trades_are_replaced(as_worker, worker, trade):
    cleaner = TradeFactory(code="cleaner", name="保洁员", pay_units=["hour"])
    WorkerTrade.objects.create(worker=worker, category=trade, years_experience=4)
    response = patch(as_worker, "/api/me/worker-profile/", {
        "display_name": "李建国", "availability": "weekends", "latitude": 35.1, "longitude": 109.1,
        "has_smartphone": False, "trades": [{"category": cleaner.pk, "years_experience": 2}],
    })
    assert response.status_code == 200, response.content
    assert response.json()["trades"] == [{"category": cleaner.pk, "name": "保洁员", "years_experience": 2}]
    worker.refresh_from_db()
    assert (worker.display_name, worker.availability, worker.has_smartphone) == ("李建国", "weekends", False)
    assert worker.user.name == "李建国"
    assert worker.h3_r9 and worker.latitude == 35.1  # the H3 cells follow the new home


def test_a_partial_edit_keeps_the_rest(as_worker, worker, trade):
    WorkerTrade.objects.create(worker=worker, category=trade, years_experience=4)
    assert patch(as_worker, "/api/me/worker-profile/", {"availability": "now"}).status_code == 200
    assert worker.worker_trades.count() == 1
    assert patch(as_worker, "/api/me/worker-profile/", {"trades": []}).json()["trades"] == []


def test_giving_an_id_number_starts_real_name_review_and_it_is_never_shown_again(as_worker, worker):
    response = patch(as_worker, "/api/me/worker-profile/", {"id_number": ID_NUMBER})
    assert response.status_code == 200, response.content
    assert response.json()["real_name_status"] == "pending"
    assert response.json()["id_number_masked"] == ID_NUMBER[:2] + "*" * 15 + ID_NUMBER[-1:]
    for answer in (response, as_worker.get("/api/me/worker-profile/")):
        assert "id_number" not in answer.json()
        assert ID_NUMBER not in answer.content.decode()
    worker.refresh_from_db()
    assert worker.id_number_hash and ID_NUMBER not in str(WorkerProfile.objects.filter(pk=worker.pk).values().get())


def test_a_verified_worker_giving_the_same_id_number_stays_verified(as_worker, worker):
    worker.set_resident_id(parse_id_number(ID_NUMBER))
    worker.real_name_status = "verified"
    worker.save()
    assert patch(as_worker, "/api/me/worker-profile/", {"id_number": ID_NUMBER}).json()["real_name_status"] == \
        "verified"


def about(errors: dict, field: str) -> list[str]:
    """The messages about a field and what is inside it (`trades`, `trades.0.category`)."""
    return [message for name, messages in errors.items() if name.split(".")[0] == field for message in messages]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [({"id_number": "12345"}, "id_number", "18 characters"),
     ({"id_number": "x" * 19}, "id_number", "18 characters"),
     ({"id_number": "x" * 65}, "id_number", "no more than 64 characters"),
     ({"latitude": 48.85, "longitude": 2.35}, "longitude", "outside mainland China"),
     ({"latitude": 91}, "latitude", "less than or equal to 90"),
     ({"latitude": "north"}, "latitude", "valid number"),
     ({"availability": "sometimes"}, "availability", "not a valid choice"),
     ({"display_name": "李" * 51}, "display_name", "no more than 50 characters"),
     ({"display_name": ""}, "display_name", "blank"),
     ({"has_smartphone": "maybe"}, "has_smartphone", "valid boolean"),
     ({"trades": "labourer"}, "trades", "Expected a list"),
     ({"trades": [{"category": 999999}]}, "trades", "no trade 999999"),
     ({"trades": [{"category": "abc"}]}, "trades", "Incorrect type"),
     ({"trades": [{"years_experience": 3}]}, "trades", "required"),
     ({"trades": [None]}, "trades", "null")],
)
def test_bad_profile_edits_name_the_field(as_worker, trade, body, field, message):
    response = patch(as_worker, "/api/me/worker-profile/", body)
    assert response.status_code == 400, response.content
    assert message in str(about(field_errors(response), field))


def test_trades_must_be_trades_listed_once_with_sensible_years(as_worker, trade):
    group = TradeGroupFactory()
    url = "/api/me/worker-profile/"
    assert "no trade" in str(about(field_errors(patch(as_worker, url, {"trades": [{"category": group.pk}]})), "trades"))
    twice = patch(as_worker, url, {"trades": [{"category": trade.pk}, {"category": trade.pk}]})
    assert field_errors(twice) == {"trades": ["Each trade can be listed once."]}
    too_long = patch(as_worker, url, {"trades": [{"category": trade.pk, "years_experience": 61}]})
    assert "less than or equal to 60" in str(about(field_errors(too_long), "trades"))
    too_many = patch(as_worker, url, {"trades": [{"category": trade.pk}] * 31})
    assert too_many.status_code == 400


def test_only_workers_have_a_worker_profile(api, employer):
    api.force_authenticate(employer.owner)
    response = api.get("/api/me/worker-profile/")
    assert response.status_code == 403 and response.json()["detail"].startswith("Only workers")
    api.force_authenticate(None)
    assert api.get("/api/me/worker-profile/").status_code == 401


def test_a_worker_account_without_a_profile_is_refused(api):
    api.force_authenticate(UserFactory(role="worker"))
    assert api.get("/api/me/worker-profile/").status_code in (403, 404)


def test_put_is_not_offered(as_worker):
    assert as_worker.put("/api/me/worker-profile/", {}, format="json").status_code == 405


# --- Employer profile -----------------------------------------------------------------------------
def test_an_employer_reads_and_edits_their_details(as_employer, employer):
    body = as_employer.get("/api/me/employer/").json()
    assert body == {"id": employer.pk, "name": "王家装修", "kind": "individual", "contact_name": "王经理",
                    "contact_phone": "13812345678", "credit_code": None, "verification_status": "verified"}
    response = patch(as_employer, "/api/me/employer/", {"contact_name": "王芳", "contact_phone": "+86 139 0000 1111"})
    assert response.status_code == 200, response.content
    assert response.json()["contact_phone"] == "13900001111"
    assert response.json()["verification_status"] == "verified"  # contact details need no new review


def test_changing_name_kind_or_credit_code_sends_a_verified_employer_back_for_review(as_employer, employer):
    response = patch(as_employer, "/api/me/employer/", {"kind": "organisation", "name": "铜川王家装修有限公司",
                                                        "credit_code": CREDIT_CODE.lower()})
    assert response.status_code == 200, response.content
    assert response.json()["credit_code"] == CREDIT_CODE
    assert response.json()["verification_status"] == "pending"


def test_verification_status_cannot_be_set_by_the_employer(as_employer, employer):
    Employer.objects.filter(pk=employer.pk).update(verification_status="unverified")
    patch(as_employer, "/api/me/employer/", {"verification_status": "verified"})
    employer.refresh_from_db()
    assert employer.verification_status == "unverified"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [({"kind": "organisation"}, "credit_code", "must give its unified social credit code"),
     ({"credit_code": "ABC"}, "credit_code", "18 characters"),
     ({"credit_code": "x" * 19}, "credit_code", "18 characters"),
     ({"credit_code": "x" * 65}, "credit_code", "no more than 64 characters"),
     ({"contact_phone": "110"}, "contact_phone", "mobile number"),
     ({"name": "x" * 101}, "name", "no more than 100 characters"),
     ({"kind": "company"}, "kind", "not a valid choice")],
)
def test_bad_employer_edits_name_the_field(as_employer, body, field, message):
    response = patch(as_employer, "/api/me/employer/", body)
    assert response.status_code == 400, response.content
    assert message in field_errors(response)[field][0]


def test_a_credit_code_cannot_belong_to_two_employers(as_employer):
    EmployerFactory(kind="organisation", credit_code=CREDIT_CODE)
    response = patch(as_employer, "/api/me/employer/", {"kind": "organisation", "credit_code": CREDIT_CODE})
    assert response.status_code == 400 and "credit_code" in field_errors(response)


def test_only_employers_have_an_employer_profile(as_worker):
    assert as_worker.get("/api/me/employer/").status_code == 403


def test_staff_have_neither_profile(api):
    api.force_authenticate(UserFactory(role="center_staff"))
    assert api.get("/api/me/worker-profile/").status_code == 403
    assert api.get("/api/me/employer/").status_code == 403
    assert api.get("/api/me/").json()["role"] == "center_staff"


def test_the_schema_documents_the_account_endpoints(api):
    schema = api.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "429" in paths["/api/auth/sms-code/"]["post"]["responses"]
    assert "403" in paths["/api/auth/login/"]["post"]["responses"]
    assert {"get", "patch"} <= set(paths["/api/me/worker-profile/"])
    components = schema.json()["components"]["schemas"]
    assert "id_number" in components["PatchedWorkerProfileRequest"]["properties"]
    assert "id_number" not in components["WorkerProfile"]["properties"]
