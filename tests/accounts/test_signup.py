"""Workers and employers sign up on their phones with a text-message code."""

import pytest

from accounts.models import ApiToken, Role, SmsCode, User
from jobs.credit_codes import check_char
from jobs.models import Employer
from tests.factories import UserFactory
from tests.helpers import field_errors
from workers.models import WorkerProfile

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
CREDIT_CODE = "91610200MA6X00001" + check_char("91610200MA6X00001")


def post(api, body):
    return api.post("/api/auth/signup/", body, format="json")


def worker_body(code, **extra):
    return {"phone": PHONE, "code": code, "role": "worker", "name": "李师傅", "password": "brick-and-mortar-7",
            "latitude": 35.0690, "longitude": 109.0756, **extra}


def employer_body(code, **extra):
    return {"phone": PHONE, "code": code, "role": "employer", "name": "王家装修", **extra}


def test_a_worker_signs_up_with_a_code_and_gets_a_token(api, ask_code):
    code = ask_code(PHONE)
    response = post(api, worker_body(code, device="Redmi 12"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"] == {"id": body["user"]["id"], "name": "李师傅", "role": "worker",
                            "masked_phone": "139****5678"}
    profile = WorkerProfile.objects.get(user__phone=PHONE)
    assert profile.display_name == "李师傅" and profile.latitude == pytest.approx(35.069)
    assert profile.user.check_password("brick-and-mortar-7")
    assert ApiToken.objects.get(user=profile.user).name == "Redmi 12"
    me = api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.json()["phone"] == PHONE
    assert SmsCode.objects.get(phone=PHONE).used_at is not None


def test_signing_up_also_starts_a_web_session(api, ask_code):
    post(api, worker_body(ask_code(PHONE)))
    assert api.get("/api/me/").json()["phone"] == PHONE


def test_a_worker_may_sign_up_without_a_password_and_log_in_by_code(api, ask_code):
    body = worker_body(ask_code(PHONE))
    del body["password"]
    assert post(api, body).status_code == 201
    assert not User.objects.get(phone=PHONE).has_usable_password()


def test_a_household_signs_up_as_an_individual_employer(api, ask_code):
    response = post(api, employer_body(ask_code(PHONE)))
    assert response.status_code == 201, response.content
    assert response.json()["user"]["role"] == "employer"
    employer = Employer.objects.get(owner__phone=PHONE)
    assert employer.kind == "individual" and employer.name == "王家装修"
    assert employer.contact_name == "王家装修" and employer.contact_phone == PHONE
    assert employer.credit_code is None and employer.verification_status == "unverified"


def test_an_organisation_signs_up_with_its_credit_code_and_contact(api, ask_code):
    body = employer_body(ask_code(PHONE), name="铜川市测试建筑有限公司", kind="organisation",
                         contact_name="王经理", credit_code=CREDIT_CODE.lower())
    response = post(api, body)
    assert response.status_code == 201, response.content
    employer = Employer.objects.get(owner__phone=PHONE)
    assert employer.kind == "organisation" and employer.credit_code == CREDIT_CODE
    assert employer.owner.name == "王经理"


def test_an_organisation_must_give_a_credit_code_and_a_contact(api, ask_code):
    response = post(api, employer_body(ask_code(PHONE), kind="organisation"))
    assert response.status_code == 400
    assert set(field_errors(response)) == {"credit_code", "contact_name"}


def test_staff_and_city_administrators_cannot_sign_up(api, ask_code):
    code = ask_code(PHONE)
    for role in (Role.CENTER_STAFF, Role.CITY_ADMIN):
        response = post(api, worker_body(code, role=role))
        assert response.status_code == 400
        assert "Only workers and employers can sign up" in field_errors(response)["role"][0]
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_weak_password_is_refused_with_the_rule(api, ask_code):
    response = post(api, worker_body(ask_code(PHONE), password="12345678"))
    assert response.status_code == 400
    assert any("too common" in m or "entirely numeric" in m for m in field_errors(response)["password"])
    response = post(api, worker_body("000000", password="short"))
    assert "at least 8 characters" in field_errors(response)["password"][0]


def test_a_wrong_code_is_refused_and_nothing_is_created(api, ask_code):
    code = ask_code(PHONE)
    response = post(api, worker_body(f"{(int(code) + 1) % 1_000_000:06d}"))
    assert response.status_code == 400 and "code" in field_errors(response)
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_registered_phone_cannot_sign_up_again(api, ask_code, outbox):
    UserFactory(phone=PHONE)
    assert ask_code(PHONE) is None  # the owner is told they have an account; no code is sent
    response = post(api, worker_body("123456"))
    assert response.status_code == 400 and "code" in field_errors(response)
    assert User.objects.filter(phone=PHONE).count() == 1


def test_fixing_a_field_error_does_not_need_a_new_code(api, ask_code):
    code = ask_code(PHONE)
    outside_china = post(api, worker_body(code, latitude=48.85, longitude=2.35))
    assert outside_china.status_code == 400
    assert "outside mainland China" in field_errors(outside_china)["longitude"][0]
    bad_credit_code = post(api, employer_body(code, kind="organisation", contact_name="王经理",
                                              credit_code=CREDIT_CODE[:-1] + ("0" if CREDIT_CODE[-1] != "0" else "1")))
    assert bad_credit_code.status_code == 400 and "credit_code" in field_errors(bad_credit_code)
    assert post(api, worker_body(code)).status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [({"latitude": None}, "latitude", "null"),
     ({"latitude": "north"}, "latitude", "valid number"),
     ({"longitude": [109]}, "longitude", "valid number"),
     ({"name": "李" * 51}, "name", "at most 50 characters"),
     ({"name": "李" * 101}, "name", "no more than 100 characters"),
     ({"name": ""}, "name", "blank"),
     ({"password": "x" * 129}, "password", "no more than 128 characters"),
     ({"device": "x" * 101}, "device", "no more than 100 characters"),
     ({"phone": "0919-1234567"}, "phone", "mobile number"),
     ({"role": ["worker"]}, "role", "Only workers and employers"),
     ({"code": 123456}, "code", "")],
)
def test_bad_worker_sign_ups_name_the_field(api, change, field, message):
    body = {**worker_body("123456"), **change}
    response = post(api, body)
    if field == "code":  # a number is taken as its digits; it is simply the wrong code
        assert response.status_code == 400 and "code" in field_errors(response)
        return
    assert response.status_code == 400, response.content
    assert message in field_errors(response)[field][0]


def test_a_worker_must_give_a_home_location(api):
    body = worker_body("123456")
    del body["latitude"], body["longitude"]
    response = post(api, body)
    assert response.status_code == 400
    assert set(field_errors(response)) == {"latitude", "longitude"}


def test_missing_fields_are_all_named(api):
    response = post(api, {})
    assert response.status_code == 400
    assert set(field_errors(response)) == {"phone", "code", "role", "name"}
