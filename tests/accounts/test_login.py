"""People log in with a password or a text-message code; guessing locks the phone for a while."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import ApiToken, AuthThrottle
from tests.factories import UserFactory, WorkerFactory
from tests.helpers import field_errors

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
PASSWORD = "correct-horse-9"  # the factories' password
WRONG = "wrong-horse-9"
WRONG_LOGIN = "The phone number or password is wrong."


@pytest.fixture
def worker(db):
    return WorkerFactory(user=UserFactory(phone=PHONE, name="李师傅"))


def login(api, phone=PHONE, **credentials):
    return api.post("/api/auth/login/", {"phone": phone, **credentials}, format="json")


# --- Password and code ----------------------------------------------------------------------------
def test_a_worker_logs_in_with_a_password_and_gets_a_token_for_30_days(api, worker, clock):
    response = login(api, password=PASSWORD, device="Redmi 12")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"] == {"id": worker.user.pk, "name": "李师傅", "role": "worker", "masked_phone": "139****5678"}
    token = ApiToken.objects.get(user=worker.user)
    assert token.name == "Redmi 12"
    assert token.expires_at == clock.now + dt.timedelta(days=30)
    assert dt.datetime.fromisoformat(body["expires_at"]) == token.expires_at
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {body['token']}").status_code == 200


def test_logging_in_also_starts_a_web_session(api, worker):
    login(api, phone="+86 139 1234 5678", password=PASSWORD)
    assert api.get("/api/me/").json()["id"] == worker.user.pk
    worker.user.refresh_from_db()
    assert worker.user.last_login is not None


def test_an_app_can_log_in_without_a_session_cookie(api, worker):
    response = login(api, password=PASSWORD, session=False)
    assert response.status_code == 200 and "sessionid" not in response.cookies
    assert api.get("/api/me/").status_code == 401
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}").status_code == 200


def test_another_site_cannot_post_a_login_form(api, worker):
    """Logging in takes JSON only: a cross-site HTML form cannot log a browser into someone else's account."""
    response = api.post("/api/auth/login/", f"phone={PHONE}&password={PASSWORD}",
                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert "sessionid" not in response.cookies


def test_a_worker_logs_in_with_a_login_code(api, worker, ask_code):
    code = ask_code(PHONE, "login")
    response = login(api, code=code)
    assert response.status_code == 200, response.content
    assert response.json()["user"]["id"] == worker.user.pk
    assert login(api, code=code).status_code == 400  # a code works once


def test_an_unknown_phone_gets_the_same_answer_as_a_wrong_password(api, worker):
    wrong_password = login(api, password=WRONG)
    unknown_phone = login(api, phone="13900000000", password=PASSWORD)
    assert wrong_password.status_code == unknown_phone.status_code == 400
    assert field_errors(wrong_password) == field_errors(unknown_phone) == {"non_field_errors": [WRONG_LOGIN]}


def test_an_unknown_phone_gets_the_same_answer_as_a_wrong_code(api, worker, ask_code):
    ask_code(PHONE, "login")
    ask_code("13900000000", "login")
    wrong_code = login(api, code="000000")
    unknown_phone = login(api, phone="13900000000", code="000000")
    assert field_errors(wrong_code) == field_errors(unknown_phone) == {
        "non_field_errors": ["The phone number or code is wrong."]}


def test_a_disabled_account_cannot_log_in_and_is_not_told_why(api, worker):
    worker.user.is_active = False
    worker.user.save()
    assert field_errors(login(api, password=PASSWORD)) == {"non_field_errors": [WRONG_LOGIN]}


def test_a_walk_in_worker_without_a_password_cannot_log_in_with_an_empty_one(api):
    WorkerFactory(user=UserFactory(phone=PHONE, password=None))
    assert login(api, password="").status_code == 400


@pytest.mark.parametrize(
    ("body", "errors"),
    [({"phone": PHONE}, {"password", "code"}),
     ({"phone": PHONE, "password": PASSWORD, "code": "123456"}, {"password", "code"}),
     ({"password": PASSWORD}, {"phone"}),
     ({"phone": "138", "password": PASSWORD}, {"phone"}),
     ({"phone": PHONE, "password": "x" * 129}, {"password"}),
     ({"phone": PHONE, "password": {"a": 1}}, {"password"}),
     ({"phone": PHONE, "code": "12ab56"}, {"code"})],
)
def test_bad_login_requests_name_the_fields(api, worker, body, errors):
    response = api.post("/api/auth/login/", body, format="json")
    assert response.status_code == 400
    assert set(field_errors(response)) == errors


# --- Lockout --------------------------------------------------------------------------------------
def test_five_wrong_passwords_lock_the_account_for_15_minutes(api, worker, clock):
    for _ in range(4):
        assert field_errors(login(api, password=WRONG)) == {"non_field_errors": [WRONG_LOGIN]}
    fifth = login(api, password=WRONG)
    assert fifth.status_code == 403
    locked_until = clock.now + dt.timedelta(minutes=15)
    assert fifth.json()["code"] == "account_locked"
    assert dt.datetime.fromisoformat(fifth.json()["locked_until"]) == locked_until
    assert fifth.json()["retry_after"] == 900 and fifth["Retry-After"] == "900"
    assert timezone.localtime(locked_until).strftime("%H:%M") in fifth.json()["detail"]

    clock.advance(minutes=5)
    right = login(api, password=PASSWORD)
    wrong = login(api, password=WRONG)
    assert right.status_code == wrong.status_code == 403
    assert right.json()["detail"] == wrong.json()["detail"]
    assert not ApiToken.objects.exists()

    clock.advance(minutes=10)
    assert login(api, password=PASSWORD).status_code == 200


def test_failures_spread_over_more_than_15_minutes_do_not_lock(api, worker, clock):
    for _ in range(4):
        login(api, password=WRONG)
    clock.advance(minutes=16)
    for _ in range(4):
        assert login(api, password=WRONG).status_code == 400
    assert login(api, password=PASSWORD).status_code == 200


def test_a_successful_login_clears_the_failures(api, worker):
    for _ in range(4):
        login(api, password=WRONG)
    assert login(api, password=PASSWORD).status_code == 200
    for _ in range(4):
        assert login(api, password=WRONG).status_code == 400


def test_unknown_phones_lock_the_same_way(api):
    answers = [login(api, phone="13900000000", password=WRONG).status_code for _ in range(6)]
    assert answers == [400] * 4 + [403] * 2


def test_the_lockout_numbers_come_from_settings(api, worker, clock, settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_LOCKOUT_SECONDS = 60
    login(api, password=WRONG)
    assert login(api, password=WRONG).status_code == 403
    clock.advance(seconds=61)
    assert login(api, password=PASSWORD).status_code == 200


def test_the_lockout_is_kept_in_the_database(api, worker, clock):
    for _ in range(5):
        login(api, password=WRONG)
    throttle = AuthThrottle.objects.get(phone=PHONE)
    assert throttle.locked_until == clock.now + dt.timedelta(seconds=900)


# --- Password reset -------------------------------------------------------------------------------
def reset(api, code, new_password="a-brand-new-secret-1", phone=PHONE):
    return api.post("/api/auth/password-reset/", {"phone": phone, "code": code, "new_password": new_password},
                    format="json")


def test_a_worker_resets_a_forgotten_password_with_a_code(api, worker, ask_code):
    old_token = login(api, password=PASSWORD).json()["token"]
    api.logout()
    response = reset(api, ask_code(PHONE, "reset_password"))
    assert response.status_code == 200 and "password has been changed" in response.json()["detail"]
    assert login(api, password=PASSWORD).status_code == 400
    assert login(api, password="a-brand-new-secret-1").status_code == 200
    api.logout()
    # Every token from before is revoked.
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {old_token}").status_code == 401


def test_a_reset_lifts_the_lockout(api, worker, ask_code):
    for _ in range(5):
        login(api, password=WRONG)
    assert reset(api, ask_code(PHONE, "reset_password")).status_code == 200
    assert login(api, password="a-brand-new-secret-1").status_code == 200


def test_a_weak_new_password_is_refused_and_the_code_still_works(api, worker, ask_code):
    code = ask_code(PHONE, "reset_password")
    weak = reset(api, code, new_password="password")
    assert weak.status_code == 400 and "too common" in field_errors(weak)["new_password"][0]
    assert reset(api, code).status_code == 200


def test_no_reset_code_is_sent_to_an_unknown_phone(api, ask_code, outbox):
    assert ask_code("13900000000", "reset_password") is None
    assert outbox == []
    assert "code" in reset(api, "123456", phone="13900000000").json()


# --- Many phones from one network ------------------------------------------------------------------
def test_one_network_trying_passwords_on_many_phones_is_stopped_before_any_lockout(api, worker, settings):
    """Credential stuffing: each phone sees one failure, far below its lockout; the address sees them all."""
    settings.LOGINS_PER_ADDRESS_PER_HOUR = 3

    def login_from(address, phone, password, **headers):
        return api.post("/api/auth/login/", {"phone": phone, "password": password}, format="json",
                        REMOTE_ADDR=address, **headers)

    for n in range(3):
        assert login_from("203.0.113.9", f"1390000000{n}", WRONG).status_code == 400
    refused = login_from("203.0.113.9", PHONE, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "address_rate_limited" and "sign-in attempts from this network" in body["detail"]
    assert 0 < body["retry_after"] <= 2 * 3600 and int(refused["Retry-After"]) == body["retry_after"]
    assert not ApiToken.objects.filter(user=worker.user).exists()
    assert login_from("203.0.113.10", PHONE, PASSWORD).status_code == 200
