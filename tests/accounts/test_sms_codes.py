"""A person asks for a one-time code by text message; the platform limits how many and how often."""

import logging
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from accounts import checks, services, sms
from accounts.models import SmsCode
from tests.factories import UserFactory
from tests.helpers import field_errors

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def ask(api, phone=PHONE, purpose="signup"):
    return api.post("/api/auth/sms-code/", {"phone": phone, "purpose": purpose}, format="json")


def signup(api, code, phone=PHONE, **extra):
    body = {"phone": phone, "code": code, "role": "worker", "name": "李师傅",
            "latitude": 35.07, "longitude": 109.08, **extra}
    return api.post("/api/auth/signup/", body, format="json")


# --- The SMS backends ---------------------------------------------------------------------------
def test_the_locmem_backend_keeps_texts_in_the_outbox(outbox):
    sms.send_sms("13800138000", "hello")
    assert [(m.phone, m.text) for m in outbox] == [("13800138000", "hello")]


def test_the_console_backend_writes_the_text_to_the_log_in_development(settings, caplog):
    settings.SMS_BACKEND = "accounts.sms.ConsoleBackend"
    settings.DEBUG = True
    with caplog.at_level(logging.INFO, logger="accounts.sms"):
        sms.send_sms("13800138000", "your code is 123456")
    assert "13800138000" in caplog.text and "123456" in caplog.text
    assert sms.outbox == []


def test_with_debug_off_the_console_backend_never_logs_a_code_or_a_whole_number(settings, caplog):
    settings.SMS_BACKEND = "accounts.sms.ConsoleBackend"  # chosen on purpose
    settings.DEBUG = False
    with caplog.at_level(logging.INFO, logger="accounts.sms"):
        sms.send_sms("13800138000", "your code is 123456, valid 5 minutes")
    assert "123456" not in caplog.text and "13800138000" not in caplog.text
    assert "138****8000" in caplog.text and "your code is ******, valid 5 minutes" in caplog.text


def test_the_console_backend_is_the_default_only_in_development(settings):
    del settings.SMS_BACKEND
    settings.DEBUG = True
    assert isinstance(sms.get_backend(), sms.ConsoleBackend)


def test_with_debug_off_and_no_backend_set_nothing_is_sent_and_check_fails(settings, api, outbox):
    settings.SMS_BACKEND = ""
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="SMS_BACKEND is not set and DEBUG is off"):
        sms.send_sms(PHONE, "hello")
    errors = checks.sms_backend_configured(None)
    assert [error.id for error in errors] == ["accounts.E001"] and "SMS_BACKEND" in errors[0].msg
    with pytest.raises(SystemCheckError, match="accounts.E001"):
        call_command("check")
    assert ask(api).status_code == 202  # the asker learns nothing; the error is in the log
    assert outbox == []
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    assert checks.sms_backend_configured(None) == []


# --- Asking for a code --------------------------------------------------------------------------
def test_a_new_phone_gets_a_six_digit_sign_up_code_that_is_stored_only_hashed(api, outbox, texted_code):
    response = ask(api, phone="+86 139-1234-5678")
    assert response.status_code == 202
    assert response.json()["expires_in"] == 300 and response.json()["resend_after"] == 60
    code = texted_code(PHONE)
    assert re.fullmatch(r"\d{6}", code)
    assert "sign up" in outbox[-1].text and "5 minutes" in outbox[-1].text
    row = SmsCode.objects.get(phone=PHONE)
    assert row.purpose == "signup" and row.sent and row.attempts == 0 and row.used_at is None
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.code_hash == services.hash_sms_code(PHONE, "signup", code)
    assert (row.expires_at - row.created_at).total_seconds() == 300


def test_the_answer_never_tells_whether_a_phone_has_an_account(api, outbox):
    UserFactory(phone="13800000001")
    UserFactory(phone="13800000004")
    answers = {ask(api, phone=phone, purpose=purpose).json()["detail"]
               for phone, purpose in [("13800000001", "login"), ("13800000002", "login"),
                                      ("13800000003", "reset_password"), ("13800000004", "signup"),
                                      ("13800000005", "signup")]}
    assert len(answers) == 1
    # Login and reset codes go only to registered phones, sign-up codes only to new ones.
    assert [m.phone for m in outbox] == ["13800000001", "13800000004", "13800000005"]


def test_a_login_code_for_an_unknown_phone_is_not_sent_but_counts_towards_the_limits(api, outbox):
    assert ask(api, purpose="login").status_code == 202
    assert outbox == []
    assert SmsCode.objects.get(phone=PHONE).sent is False
    assert ask(api, purpose="login").status_code == 429  # same as for a registered phone


def test_a_sign_up_code_for_a_registered_phone_tells_the_owner_instead(api, outbox):
    UserFactory(phone=PHONE)
    assert ask(api).status_code == 202
    assert "already has an account" in outbox[-1].text
    assert not re.search(r"\d{6}", outbox[-1].text.replace(PHONE, ""))


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [({"phone": "12345", "purpose": "signup"}, "phone", "mainland China mobile number: 11 digits"),
     ({"phone": "1" * 5000, "purpose": "signup"}, "phone", "no more than 64 characters"),
     ({"phone": ["13912345678"], "purpose": "signup"}, "phone", "Not a valid string"),
     ({"phone": PHONE, "purpose": "admin"}, "purpose", "not a valid choice"),
     ({"phone": PHONE}, "purpose", "required"),
     ({"purpose": "login"}, "phone", "required")],
)
def test_bad_requests_name_the_field_and_the_rule(api, body, field, message):
    response = api.post("/api/auth/sms-code/", body, format="json")
    assert response.status_code == 400
    assert message in field_errors(response)[field][0]


def test_a_body_that_is_not_an_object_is_a_400(api):
    assert api.post("/api/auth/sms-code/", ["x"], format="json").status_code == 400
    assert api.post("/api/auth/sms-code/", "{not json", content_type="application/json").status_code == 400


# --- Limits -------------------------------------------------------------------------------------
def test_one_code_a_minute_per_phone(api, clock):
    assert ask(api).status_code == 202
    clock.advance(seconds=20)
    refused = ask(api, purpose="login")  # any purpose: the limit is per phone
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert refused.json()["retry_after"] == 40 and refused.json()["code"] == "sms_rate_limited"
    assert "one code a minute" in refused.json()["detail"]
    clock.advance(seconds=40)
    assert ask(api).status_code == 202
    assert ask(api, phone="13912345679").status_code == 202  # other phones are not held up


def test_ten_codes_a_day_per_phone(api, clock):
    for _ in range(10):
        assert ask(api).status_code == 202
        clock.advance(minutes=30)
    refused = ask(api)
    assert refused.status_code == 429
    assert "No more than 10 codes a day" in refused.json()["detail"]
    # The first of the ten was sent 5 hours ago; it leaves the 24-hour window in 19 hours.
    assert int(refused["Retry-After"]) == 19 * 3600
    clock.advance(hours=19)
    assert ask(api).status_code == 202


def test_the_limits_come_from_settings(api, clock, settings):
    settings.SMS_CODE_DAILY_LIMIT = 2
    settings.SMS_CODE_MIN_INTERVAL_SECONDS = 5
    assert ask(api).status_code == 202
    clock.advance(seconds=5)
    assert ask(api).status_code == 202
    clock.advance(seconds=5)
    assert ask(api).status_code == 429


class BrokenBackend(sms.BaseSmsBackend):
    def send(self, phone, text):
        raise ConnectionError(f"gateway down, could not send {text!r} to {phone}")  # as a careless gateway might


class FlakyBackend(sms.BaseSmsBackend):
    """Fails twice, then delivers."""
    tries = 0

    def send(self, phone, text):
        FlakyBackend.tries += 1
        if FlakyBackend.tries < 3:
            raise ConnectionError("gateway busy")
        sms.LocmemBackend().send(phone, text)


class SlowBackend(sms.BaseSmsBackend):
    """A gateway that takes half a second to answer."""

    def send(self, phone, text):
        time.sleep(0.5)
        sms.LocmemBackend().send(phone, text)


# Before the SMS worker, a gateway failure answered 503 (and dropped the code): that told a registered phone from
# an unknown one. Now the answer is 202 either way, and the failure is logged (no code, phone masked).
def test_a_gateway_failure_is_logged_not_told_to_the_asker(api, settings, caplog):
    settings.SMS_BACKEND = f"{__name__}.BrokenBackend"
    with caplog.at_level(logging.WARNING, logger="accounts.sms"):
        response = ask(api)
    assert response.status_code == 202
    assert "139****5678" in caplog.text and PHONE not in caplog.text and "gateway down" in caplog.text
    assert not re.search(r"(?<!\d)\d{6}(?!\d)", caplog.text)  # the code is masked even where the gateway quoted it
    assert SmsCode.objects.filter(phone=PHONE).count() == 1  # it counts, as a code to an unknown phone does


def test_the_worker_retries_a_failing_gateway(settings, outbox, caplog):
    settings.SMS_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.tries = 0
    with caplog.at_level(logging.WARNING, logger="accounts.sms"):
        assert sms._send_with_retries(PHONE, "code 123456", delays=(0, 0, 0)) is True
    assert FlakyBackend.tries == 3 and [m.text for m in outbox] == ["code 123456"]
    assert caplog.text.count("retrying") == 2
    settings.SMS_BACKEND = f"{__name__}.BrokenBackend"
    with caplog.at_level(logging.WARNING, logger="accounts.sms"):
        assert sms._send_with_retries(PHONE, "code 123456", delays=(0, 0)) is False
    assert "failed 3 times; given up" in caplog.text


def test_registered_and_unknown_phones_get_their_answer_before_any_gateway_is_called(
        api, settings, outbox, django_capture_on_commit_callbacks):
    """The text goes out after the answer: a slow gateway cannot tell a registered phone from an unknown one,
    since neither answer waits for it (no clock in the test: the gateway is simply not called before both
    answers are in)."""
    settings.SMS_SEND_INLINE = False
    settings.SMS_BACKEND = f"{__name__}.SlowBackend"
    UserFactory(phone="13800000001")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for phone in ("13800000001", "13800000002"):  # registered (a text goes out), unknown (none does)
            assert ask(api, phone=phone, purpose="login").status_code == 202
        assert outbox == []  # both answered; the gateway not yet called
    assert len(callbacks) == 1  # only the registered phone's text was queued, to go after the commit
    sms.wait_for_pending()
    assert [m.phone for m in outbox] == ["13800000001"]


# --- Using a code -------------------------------------------------------------------------------
def test_a_code_works_for_five_minutes(api, clock, ask_code):
    code = ask_code(PHONE)
    clock.advance(seconds=301)
    response = signup(api, code)
    assert response.status_code == 400
    assert "no longer valid" in field_errors(response)["code"][0]


def test_a_code_allows_five_wrong_tries_then_dies(api, ask_code):
    code = ask_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert signup(api, wrong).status_code == 400
    assert SmsCode.objects.get(phone=PHONE).attempts == 5
    response = signup(api, code)  # the right code, too late
    assert response.status_code == 400 and "code" in field_errors(response)


def test_only_the_newest_code_works_and_only_once(api, clock, ask_code):
    old = ask_code(PHONE)
    clock.advance(minutes=1)
    new = ask_code(PHONE)
    if old != new:
        assert signup(api, old).status_code == 400
    assert signup(api, new).status_code == 201
    assert signup(api, new).status_code == 400


def test_a_code_is_for_one_purpose(api, ask_code):
    UserFactory(phone=PHONE)
    code = ask_code(PHONE, "login")
    response = api.post("/api/auth/password-reset/",
                        {"phone": PHONE, "code": code, "new_password": "a-new-long-password"}, format="json")
    assert response.status_code == 400 and "code" in field_errors(response)


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", "12 456", ""])
def test_a_malformed_code_is_named(api, code):
    response = signup(api, code)
    assert response.status_code == 400
    assert field_errors(response)["code"]


# --- Concurrency ----------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_five_requests_at_once_for_one_phone_make_exactly_one_code(outbox):
    barrier = threading.Barrier(5)
    outcomes = []

    def request():
        try:
            barrier.wait()
            services.request_sms_code(phone=PHONE, purpose="signup")
            outcomes.append("sent")
        except Exception as error:  # noqa: BLE001 - the test counts what each thread met
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["SmsRateLimited"] * 4 + ["sent"]
    assert SmsCode.objects.filter(phone=PHONE).count() == 1
    assert len(outbox) == 1


# --- Many phones from one network ----------------------------------------------------------------
def test_one_network_asking_codes_for_many_phones_is_stopped_whatever_it_claims(api, outbox, settings):
    """SMS pumping: one address asks a code for each of many numbers; the per-phone limits cannot see it."""
    settings.SMS_CODES_PER_ADDRESS_PER_HOUR = 3
    pump = {"REMOTE_ADDR": "203.0.113.7"}
    for n in range(3):
        assert api.post("/api/auth/sms-code/", {"phone": f"1390000000{n}", "purpose": "signup"},
                        format="json", **pump).status_code == 202
    refused = api.post("/api/auth/sms-code/", {"phone": "13900000009", "purpose": "signup"}, format="json",
                       HTTP_X_FORWARDED_FOR="198.51.100.1", **pump)
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "address_rate_limited" and "this network" in body["detail"]
    assert 0 < body["retry_after"] <= 2 * 3600 and int(refused["Retry-After"]) == body["retry_after"]
    assert len(outbox) == 3 and not SmsCode.objects.filter(phone="13900000009").exists()
    elsewhere = api.post("/api/auth/sms-code/", {"phone": "13900000009", "purpose": "signup"}, format="json",
                         REMOTE_ADDR="203.0.113.8")
    assert elsewhere.status_code == 202


def test_a_production_server_without_an_sms_gateway_refuses_to_start():
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SMS_BACKEND", "DATABASE_URL", "REDIS_URL"}}
    env.update(DEBUG="0", SECRET_KEY="k3y-" + "a1b2c3d4e5f6g7h8i9j0" * 3, ALLOWED_HOSTS="gig.example.cn")
    refused = subprocess.run([sys.executable, "-c", "import zero_gig.asgi"], cwd=root, env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "SMS_BACKEND is not set and DEBUG is off" in refused.stderr
    started = subprocess.run([sys.executable, "-c", "import zero_gig.asgi"], cwd=root, timeout=120,
                             env={**env, "SMS_BACKEND": "accounts.sms.ConsoleBackend"}, capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
