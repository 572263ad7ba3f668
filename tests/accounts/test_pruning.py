"""Sign-in records do not pile up: old codes and idle throttles are deleted by the scheduler."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AuthThrottle, SmsCode
from jobs.scheduler import run_due_duties

pytestmark = pytest.mark.django_db


def code_made(phone: str, at: dt.datetime) -> SmsCode:
    return SmsCode.objects.create(phone=phone, purpose="login", code_hash="x" * 64, created_at=at,
                                  expires_at=at + dt.timedelta(minutes=5))


def throttle_touched(phone: str, at: dt.datetime, **fields) -> AuthThrottle:
    throttle = AuthThrottle.objects.create(phone=phone, **fields)
    AuthThrottle.objects.filter(pk=throttle.pk).update(updated_at=at)  # auto_now would write the real time
    return throttle


def test_the_scheduler_deletes_codes_past_retention_and_throttles_with_nothing_to_hold():
    now = timezone.now()
    old_code, fresh_code = code_made("13900000001", now - dt.timedelta(days=3)), code_made("13900000001", now)
    idle = throttle_touched("13900000002", now - dt.timedelta(days=2), failed_logins=2,
                            failures_since=now - dt.timedelta(days=2))
    still_locked = throttle_touched("13900000003", now - dt.timedelta(days=2),
                                    locked_until=now + dt.timedelta(minutes=5))
    recent = throttle_touched("13900000004", now - dt.timedelta(hours=2), failed_logins=1,
                              failures_since=now - dt.timedelta(hours=2))

    done = run_due_duties(now)

    assert done["prune_sign_in_records"] == 2
    assert set(SmsCode.objects.values_list("pk", flat=True)) == {fresh_code.pk}
    assert set(AuthThrottle.objects.values_list("pk", flat=True)) == {still_locked.pk, recent.pk}
    assert not SmsCode.objects.filter(pk=old_code.pk).exists() and not AuthThrottle.objects.filter(pk=idle.pk).exists()
