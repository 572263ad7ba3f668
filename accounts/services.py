"""Writes about accounts: SMS codes, sign-up, login and lockout, API tokens and profile edits.

Every limit here is enforced in the database, under a row lock on the phone's AuthThrottle row
(SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE), so
concurrent requests for one phone cannot slip past them. Messages never tell whether a
phone number has an account.
"""

import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from jobs.credit_codes import normalize_credit_code
from jobs.models import Employer
from jobs.services import register_employer
from workers.services import register_worker

from .exceptions import AccountLocked, SmsRateLimited
from .models import AddressCount, ApiToken, AuthThrottle, Role, SmsCode, SmsCodePurpose, User
from .phones import normalize_phone
from .selectors import hash_token_key
from .sms import deliver

logger = logging.getLogger(__name__)

DEFAULTS = {
    "SMS_CODE_TTL_SECONDS": 300,
    "SMS_CODE_MIN_INTERVAL_SECONDS": 60,
    "SMS_CODE_DAILY_LIMIT": 10,
    "SMS_CODE_MAX_ATTEMPTS": 5,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_FAILURE_WINDOW_SECONDS": 900,
    "LOGIN_LOCKOUT_SECONDS": 900,
    "API_TOKEN_TTL_DAYS": 30,
}
SIGNUP_ROLES = (Role.WORKER, Role.EMPLOYER)
CODE_DIGITS = 6
DAY = timedelta(days=1)
# Codes older than this no longer count towards any limit; the scheduler deletes them (prune_sign_in_records).
SMS_CODE_RETENTION = timedelta(days=2)
# last_used_at is written at most this often per token, not on every request.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def setting(name: str) -> int:
    return getattr(settings, name, DEFAULTS[name])


# --- Messages ---------------------------------------------------------------------------------
CODE_ACTIONS = {
    SmsCodePurpose.SIGNUP: _("sign up"),
    SmsCodePurpose.LOGIN: _("log in"),
    SmsCodePurpose.RESET_PASSWORD: _("reset your password"),
}
CODE_TEXT = _("[zero-gig] %(code)s is your code to %(action)s. It expires in %(minutes)s minutes. "
              "Never tell it to anyone, staff included.")
ALREADY_REGISTERED_TEXT = _("[zero-gig] Someone asked to sign up with this number, but it already has an account. "
                            "Log in, or reset your password if you have forgotten it.")
TOO_SOON = _("Only one code a minute can be sent to a number. Try again in %(seconds)s seconds.")
TOO_MANY_TODAY = _("No more than %(limit)s codes a day can be sent to a number. Try again after %(time)s.")
CODE_INVALID = _("The code is wrong or no longer valid: a code works once, for %(minutes)s minutes, "
                 "and allows %(attempts)s tries. Ask for a new code if needed.")
WRONG_PASSWORD = _("The phone number or password is wrong.")
WRONG_CODE = _("The phone number or code is wrong.")
ROLE_NOT_ALLOWED = _("Only workers and employers can sign up; staff accounts are created by a city administrator.")


def _field(field: str, normalise, raw):
    """Every identifier goes through its one normaliser before anything else looks at it."""
    try:
        return normalise(raw)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def _code_invalid_message() -> str:
    return CODE_INVALID % {"minutes": setting("SMS_CODE_TTL_SECONDS") // 60,
                           "attempts": setting("SMS_CODE_MAX_ATTEMPTS")}


# --- SMS codes --------------------------------------------------------------------------------
def hash_sms_code(phone: str, purpose: str, code: str) -> str:
    """HMAC-SHA256 keyed with SECRET_KEY: a leaked table does not give the codes back."""
    return salted_hmac("accounts.SmsCode", f"{phone}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def _lock_phone(phone: str) -> AuthThrottle:
    """Get the phone's throttle row, created if need be, locked until the transaction ends."""
    throttle, _created = AuthThrottle.objects.select_for_update().get_or_create(phone=phone)
    return throttle


@dataclass(frozen=True)
class CodeRequest:
    expires_at: datetime
    resend_after: int


def _text_for(purpose: str, code: str, has_account: bool) -> str | None:
    """What to text, or None to text nothing; the API answers the same either way."""
    if purpose == SmsCodePurpose.SIGNUP and has_account:
        return str(ALREADY_REGISTERED_TEXT)
    if purpose != SmsCodePurpose.SIGNUP and not has_account:
        return None
    return CODE_TEXT % {"code": code, "action": CODE_ACTIONS[purpose],
                        "minutes": setting("SMS_CODE_TTL_SECONDS") // 60}


def request_sms_code(*, phone: str, purpose: str, now: datetime | None = None) -> CodeRequest:
    """Make a code for `phone` and text it, within the limits; raise SmsRateLimited beyond them.

    The answer is the same, and takes as long, whether or not the phone has an account: a login or
    reset code for an unknown number is recorded (so the limits behave alike) but not sent, a sign-up
    code for a registered number is replaced by a text telling its owner so, and texts are sent after
    the answer (accounts.sms.deliver). A text the gateway fails to send still counts against the limits.
    """
    if purpose not in SmsCodePurpose.values:
        raise ValidationError({"purpose": _("Unknown purpose.")})
    phone = _field("phone", normalize_phone, phone)
    now = now or timezone.now()
    interval = timedelta(seconds=setting("SMS_CODE_MIN_INTERVAL_SECONDS"))
    daily_limit = setting("SMS_CODE_DAILY_LIMIT")
    with transaction.atomic():
        _lock_phone(phone)
        recent = list(
            SmsCode.objects.filter(phone=phone, created_at__gt=now - DAY)
            .order_by("-created_at", "-pk").values_list("created_at", flat=True)[:daily_limit]
        )
        if recent and recent[0] > now - interval:
            wait = (recent[0] + interval - now).total_seconds()
            raise SmsRateLimited(TOO_SOON % {"seconds": max(1, math.ceil(wait))}, wait)
        if len(recent) >= daily_limit:
            retry_at = recent[daily_limit - 1] + DAY
            raise SmsRateLimited(
                TOO_MANY_TODAY % {"limit": daily_limit,
                                  "time": timezone.localtime(retry_at).strftime("%Y-%m-%d %H:%M")},
                (retry_at - now).total_seconds(),
            )
        code = _new_code()
        text = _text_for(purpose, code, User.objects.filter(phone=phone).exists())
        row = SmsCode.objects.create(
            phone=phone, purpose=purpose, code_hash=hash_sms_code(phone, purpose, code), sent=text is not None,
            created_at=now, expires_at=now + timedelta(seconds=setting("SMS_CODE_TTL_SECONDS")),
        )
        if text is not None:
            # After commit, on the SMS worker: the answer takes as long whether a text goes out or not, and a
            # gateway failure is retried and logged there, never told to the asker (it would tell them apart).
            deliver(phone, text)
    return CodeRequest(expires_at=row.expires_at, resend_after=int(interval.total_seconds()))


def prune_sign_in_records(now: datetime) -> int:
    """Delete what no rule reads any more: codes past the retention, and throttles with nothing to hold.

    A scheduler duty; both tables would otherwise keep a row for every number ever typed in, forever.
    A throttle goes once its lock is over and it has not been touched for a day (its failure window
    is minutes long); the next request for that phone makes a fresh one.
    """
    codes, _by_model = SmsCode.objects.filter(created_at__lt=now - SMS_CODE_RETENTION).delete()
    throttles, _by_model = (AuthThrottle.objects.filter(updated_at__lt=now - DAY)
                            .exclude(locked_until__gt=now).delete())
    counts, _by_model = AddressCount.objects.filter(expires_at__lt=now).delete()
    return codes + throttles + counts


def count_address_request(key: str, previous_key: str, expires_at: datetime) -> tuple[int, int]:
    """Add one to the database counter `key` (made at 1 if new) and read `previous_key`: (new count, previous).

    The per-address limits' stand-in for the cache while it is out (api.throttles). One statement, so
    simultaneous requests each get their own count, as with the cache's atomic increment: the row is
    inserted or, if it exists, incremented under its row lock (INSERT … ON CONFLICT DO UPDATE, in
    PostgreSQL and SQLite alike), and the new count is returned by the same statement."""
    table, key_, count, expires = map(connection.ops.quote_name,
                                      (AddressCount._meta.db_table, "key", "count", "expires_at"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({key_}, {count}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608
                       f"ON CONFLICT ({key_}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}",
                       [key, expires_at])
        current = cursor.fetchone()[0]
    previous = AddressCount.objects.filter(key=previous_key).values_list("count", flat=True).first() or 0
    return current, previous


def _check_code(phone: str, purpose: str, code: str, now: datetime) -> SmsCode | None:
    """The phone's newest code for `purpose` if `code` matches it and it is still live.

    A wrong guess counts against the code. Call inside a transaction that commits even when
    the guess was wrong, so that the count sticks.
    """
    latest = (SmsCode.objects.select_for_update()
              .filter(phone=phone, purpose=purpose).order_by("-created_at", "-pk").first())
    if (latest is None or latest.used_at is not None or latest.expires_at <= now
            or latest.attempts >= setting("SMS_CODE_MAX_ATTEMPTS")):
        return None
    if isinstance(code, str) and constant_time_compare(latest.code_hash, hash_sms_code(phone, purpose, code)):
        return latest
    SmsCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
    return None


def _use_code(row: SmsCode, now: datetime) -> bool:
    """Mark a code used; False if someone else used it first."""
    return SmsCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) == 1


def verify_sms_code(*, phone: str, purpose: str, code: str, now: datetime | None = None) -> SmsCode:
    """Check a code without using it up; raise a field error on `code` if it is wrong or dead."""
    phone = _field("phone", normalize_phone, phone)
    now = now or timezone.now()
    with transaction.atomic():
        row = _check_code(phone, purpose, code, now)
    if row is None:
        raise ValidationError({"code": _code_invalid_message()}, code="invalid_code")
    return row


# --- API tokens -------------------------------------------------------------------------------
def issue_api_token(user: User, *, name: str = "", now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its key, which is shown once and never stored."""
    now = now or timezone.now()
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=hash_token_key(key), name=(name or "")[:100], created_at=now,
        expires_at=now + timedelta(days=setting("API_TOKEN_TTL_DAYS")),
    )
    return token, key


def revoke_api_token(token: ApiToken, now: datetime | None = None) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now or timezone.now())


SESSION_TOKEN_KEY = "api_token_id"


def bind_token_to_session(session, token: ApiToken) -> None:
    """Remember in a web session the token issued by the login that started it (revoked on logout)."""
    session[SESSION_TOKEN_KEY] = token.pk


def revoke_session_token(sender, request, user, **kwargs) -> None:
    """On logout (user_logged_out, any path: web, API, admin): revoke the token the session's login issued."""
    token_id = request.session.get(SESSION_TOKEN_KEY) if request is not None else None
    if isinstance(token_id, int):
        ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_all_api_tokens(user: User, now: datetime | None = None) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now or timezone.now())


def touch_api_token(token: ApiToken, now: datetime | None = None) -> None:
    """Record that the token was used, at most once a minute."""
    now = now or timezone.now()
    if token.last_used_at is None or token.last_used_at <= now - TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- Login and lockout ------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginResult:
    user: User
    token: ApiToken
    key: str


def _record_failure(throttle: AuthThrottle, now: datetime) -> None:
    window = timedelta(seconds=setting("LOGIN_FAILURE_WINDOW_SECONDS"))
    if throttle.failures_since is None or throttle.failures_since <= now - window:
        throttle.failed_logins, throttle.failures_since = 1, now
    else:
        throttle.failed_logins += 1
    if throttle.failed_logins >= setting("LOGIN_MAX_FAILURES"):
        throttle.locked_until = now + timedelta(seconds=setting("LOGIN_LOCKOUT_SECONDS"))
        throttle.failed_logins, throttle.failures_since = 0, None
    throttle.save(update_fields=["failed_logins", "failures_since", "locked_until", "updated_at"])


def _clear_failures(throttle: AuthThrottle) -> None:
    if throttle.failed_logins or throttle.failures_since or throttle.locked_until:
        throttle.failed_logins, throttle.failures_since, throttle.locked_until = 0, None, None
        throttle.save(update_fields=["failed_logins", "failures_since", "locked_until", "updated_at"])


def _password_holder(phone: str, password: str) -> User | None:
    """The active account whose password this is, checked without holding a database connection.

    Hashing takes a tenth of a second of CPU by design; inside a transaction, or merely holding a pooled
    connection, a flood of logins would take every connection and stall the whole site. The account is read
    first, the connection handed back (to the pool on PostgreSQL), then the password hashed. Unknown phones are
    hashed too, as Django's backend does, so both answers take as long."""
    user = User.objects.filter(phone=phone).first()
    if not connection.in_atomic_block:
        connection.close()
    if user is None:
        User().set_password(password)
        return None
    if user.check_password(password) and user.is_active:
        return user
    return None


def _reserve_password_attempt(phone: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """Count the attempt as a failure before checking it (cleared on success), in a short transaction.

    Counting first keeps the limit exact under a burst: of a hundred simultaneous guesses only the first
    LOGIN_MAX_FAILURES get checked, the rest find the phone locked. Returns (when the lock that was already on
    ends, when the lock this attempt starts ends if it is the one too many)."""
    with transaction.atomic():
        throttle = _lock_phone(phone)
        if throttle.is_locked(now):
            return throttle.locked_until, None
        _record_failure(throttle, now)
        return None, throttle.locked_until if throttle.is_locked(now) else None


def _clear_password_failures(phone: str) -> None:
    with transaction.atomic():
        _clear_failures(_lock_phone(phone))


def check_password_login(*, phone: str, password: str, now: datetime | None = None) -> User:
    """The account a phone and password open, under the per-phone lockout; for the API, the web and the admin.

    While a phone is locked nothing is checked, so a right and a wrong password get the same answer. The lock
    stops passwords only: the owner can still log in with a code texted to the phone (log_in), which an
    attacker who merely knows the number cannot do, so failures typed by someone else cannot lock them out."""
    phone = _field("phone", normalize_phone, phone)
    now = now or timezone.now()
    locked_until, locks_until = _reserve_password_attempt(phone, now)
    if locked_until is not None:
        raise AccountLocked(locked_until, now)
    user = _password_holder(phone, password)
    if user is None:
        if locks_until is not None:  # this failure was the one too many
            raise AccountLocked(locks_until, now)
        raise ValidationError(WRONG_PASSWORD, code="invalid_login")
    _clear_password_failures(phone)
    return user


def _code_holder(phone: str, code: str, now: datetime) -> User | None:
    with transaction.atomic():
        row = _check_code(phone, SmsCodePurpose.LOGIN, code, now)
        user = User.objects.filter(phone=phone, is_active=True).first()
        if row is None or user is None or not _use_code(row, now):
            return None
    _clear_password_failures(phone)  # the phone's owner is back: their password works again
    return user


def log_in(*, phone: str, password: str | None = None, code: str | None = None, device: str = "",
           now: datetime | None = None) -> LoginResult:
    """Check a password or a login code and issue an API token.

    Password failures are counted per phone, known or not, and too many lock passwords for a while
    (check_password_login). A login code is limited by its own attempts (SMS_CODE_MAX_ATTEMPTS per code, a few
    codes a day per phone) and works while passwords are locked.
    """
    if (password is None) == (code is None):
        raise ValidationError(_("Give a password or a code."), code="password_or_code")
    phone = _field("phone", normalize_phone, phone)
    now = now or timezone.now()
    if password is not None:
        user = check_password_login(phone=phone, password=password, now=now)
    else:
        user = _code_holder(phone, code, now)
        if user is None:
            raise ValidationError(WRONG_CODE, code="invalid_login")
    token, key = issue_api_token(user, name=device, now=now)
    return LoginResult(user=user, token=token, key=key)


# --- Sign-up and password reset -----------------------------------------------------------------
def _password_errors(password: str | None, user: User, field: str) -> dict:
    if not password:
        return {}
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {field: error.messages}
    return {}


def sign_up(*, phone: str, code: str, role: str, name: str, password: str | None = None, device: str = "",
            latitude: float | None = None, longitude: float | None = None,
            kind: str = Employer.Kind.INDIVIDUAL, contact_name: str = "", credit_code: str | None = None,
            now: datetime | None = None) -> LoginResult:
    """Create a worker or an employer for a phone proven by a sign-up code, and log it in.

    The code is used up only if the account is created, so fixing a field error does not
    need a new code.
    """
    if role not in SIGNUP_ROLES:
        raise ValidationError({"role": ROLE_NOT_ALLOWED})
    phone = _field("phone", normalize_phone, phone)
    if credit_code:
        credit_code = _field("credit_code", normalize_credit_code, credit_code)
    errors = _password_errors(password, User(phone=phone, name=name), "password")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    row = verify_sms_code(phone=phone, purpose=SmsCodePurpose.SIGNUP, code=code, now=now)
    try:
        with transaction.atomic():
            if not _use_code(row, now):
                raise ValidationError({"code": _code_invalid_message()})
            if role == Role.WORKER:
                user = register_worker(phone=phone, display_name=name, latitude=latitude, longitude=longitude,
                                       password=password or None).user
            else:
                user = register_employer(phone=phone, name=name, kind=kind, contact_name=contact_name or name,
                                         credit_code=credit_code or None, password=password or None).owner
            token, key = issue_api_token(user, name=device, now=now)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "display_name" in error.error_dict:
            error.error_dict.setdefault("name", []).extend(error.error_dict.pop("display_name"))
        raise
    except IntegrityError:
        # Another sign-up for this phone (or credit code) won the race.
        raise ValidationError({"phone": _("This phone number cannot sign up again.")}) from None
    return LoginResult(user=user, token=token, key=key)


def reset_password(*, phone: str, code: str, new_password: str, now: datetime | None = None) -> User:
    """Set a new password for the phone proven by a reset code.

    Every API token of the account is revoked (sessions end by themselves, as the password
    hash changes), and a lockout is lifted: the code proved the phone is in the owner's hand.
    """
    phone = _field("phone", normalize_phone, phone)
    errors = _password_errors(new_password, User(phone=phone), "new_password")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    row = verify_sms_code(phone=phone, purpose=SmsCodePurpose.RESET_PASSWORD, code=code, now=now)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(phone=phone).first()
        if user is None or not _use_code(row, now):
            raise ValidationError({"code": _code_invalid_message()})
        user.set_password(new_password)
        user.save(update_fields=["password"])  # revokes every API token of the account (User.save)
        AuthThrottle.objects.filter(phone=phone).update(failed_logins=0, failures_since=None, locked_until=None)
    return user
