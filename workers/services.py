"""Writes about workers: registration online or at a center's desk, profile edits, and real names.

A resident ID number is the one identity a person has on the market: one person, one account, one ID.
A number that another account holds is not refused (that would let anyone test which numbers have an
account, and lock the real owner out for good): it opens an identity claim that staff of a center settle
by looking at the card in person. How many numbers an account may submit a day is limited too.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from audit.services import record_action, snapshot
from centers.models import ServiceCenter
from centers.selectors import nearest_center
from jobs.exceptions import Conflict
from notifications.models import Kind
from notifications.services import notify_user
from zero_gig.db import atomic_with_retry
from zero_gig.geo import validate_point

from . import consents
from .id_numbers import parse_working_age_id
from .models import (
    ClaimStatus,
    IdentityClaim,
    IdNumberAttempt,
    RealNameStatus,
    WorkerConsent,
    WorkerIntake,
    WorkerProfile,
    WorkerTrade,
)

ID_NUMBER_ATTEMPTS_PER_DAY = 5
DAY = timedelta(days=1)

NOT_YOURS = _("Only the worker can edit their own profile.")
NOT_STAFF = _("Only service-center staff or a city administrator can do this.")
NOT_YOUR_CENTER = _("Only staff of %(center)s or a city administrator can do this.")
NAME_THE_CENTER = _("Say at which center the worker is being registered.")
TOO_MANY_ID_ATTEMPTS = _("No more than %(limit)s ID numbers can be submitted a day for one account. "
                         "Try again after %(time)s, or bring your ID card to a service center.")
ID_NUMBER_RACE = _("This ID number was registered by another account a moment ago. Submit it again to "
                   "have it checked in person.")
NO_CENTER = _("No service center is open to check ID cards in person; try again later.")
NO_ID_NUMBER = _("Record the worker's ID number before verifying their real name.")
CLAIM_SETTLED = _("This identity claim has already been settled.")
UNKNOWN_DECISION = _("Decide “approve” (the claimant showed the card) or “reject”.")
DUPLICATE_TRADE = _("Each trade can be listed once.")
NOT_A_TRADE = _("Choose a trade, not a group of trades.")


def id_attempts_per_day() -> int:
    return getattr(settings, "ID_NUMBER_ATTEMPTS_PER_DAY", ID_NUMBER_ATTEMPTS_PER_DAY)


# --- Who may act --------------------------------------------------------------------------------
def is_city_admin(actor) -> bool:
    return actor is not None and actor.is_active and actor.role == Role.CITY_ADMIN


def staff_center_ids(actor) -> set[int]:
    """The centers whose staff `actor` is (empty for anyone who is not an active staff member)."""
    if actor is None or not actor.is_active or actor.role != Role.CENTER_STAFF:
        return set()
    return set(actor.center_memberships.values_list("center_id", flat=True))


def _check_staff_of(actor, center) -> None:
    if not is_city_admin(actor) and center.pk not in staff_center_ids(actor):
        raise PermissionDenied(NOT_YOUR_CENTER % {"center": center.name})


def _check_checks_in_person(actor) -> None:
    """Any center's staff may look at a card: workers walk into whichever center is near."""
    if not is_city_admin(actor) and not staff_center_ids(actor):
        raise PermissionDenied(NOT_STAFF)


def _check_acts_for(actor, profile: WorkerProfile) -> None:
    if actor is None or not actor.is_active or actor.pk != profile.user_id:
        raise PermissionDenied(NOT_YOURS)


# --- Registration -------------------------------------------------------------------------------
REGISTRATION_FIELDS = {"availability", "has_smartphone"}


@transaction.atomic
def register_worker(*, phone: str, display_name: str, latitude: float, longitude: float,
                    trades: dict | None = None, id_number: str | None = None, password: str | None = None,
                    center=None, actor=None, **profile_fields) -> WorkerProfile:
    """Create the user and profile of a worker; `trades` maps Category → years of experience.

    A worker signing up online acts for themselves (no actor, no center). Walk-in workers are registered
    by staff (`actor`) of the `center` they came to, and may have no password: they are matched by hand at
    the center and can set a password later by SMS code. An ID number another account holds opens an
    identity claim at that center (see submit_id_number).
    """
    unknown = set(profile_fields) - REGISTRATION_FIELDS
    if unknown:
        raise ValueError(f"not settable at registration: {sorted(unknown)}")
    if center is not None:
        _check_staff_of(actor, center)
    elif actor is not None:
        raise ValidationError({"center": NAME_THE_CENTER})
    user = get_user_model().objects.create_user(phone=phone, password=password, name=display_name, role=Role.WORKER)
    profile = WorkerProfile(user=user, display_name=display_name, latitude=latitude, longitude=longitude,
                            registered_at_center=center, **profile_fields)
    profile.full_clean()
    profile.save()
    for category, years in (trades or {}).items():
        trade = WorkerTrade(worker=profile, category=category, years_experience=years)
        trade.full_clean()
        trade.save()
    if center is not None:
        record_action(actor, "walk_in_registered", profile, center=center, subject_id=user.pk,
                      after=snapshot(profile, "display_name", "registered_at_center"))
    if id_number:
        submit_id_number(profile, id_number, actor=actor or user)
    return profile


def report_location(user, latitude, longitude) -> None:
    """The worker's phone says where it is now; matching prefers it to home while it is fresh."""
    validate_point(latitude, longitude)
    WorkerProfile.objects.filter(user=user).update(current_latitude=float(latitude),
                                                   current_longitude=float(longitude), current_at=timezone.now())


def prune_live_locations(now: datetime) -> int:
    """Forget where phones said they were once matching no longer uses it (MATCHING["FRESH_LOCATION_MINUTES"]):
    a live location is kept only while it can bring an offer, never as a trail. A scheduler duty."""
    stale = now - timedelta(minutes=settings.MATCHING["FRESH_LOCATION_MINUTES"])
    return WorkerProfile.objects.filter(current_at__lt=stale).update(
        current_latitude=None, current_longitude=None, current_at=None)


# --- ID numbers and identity claims --------------------------------------------------------------
@dataclass(frozen=True)
class IdSubmission:
    """What became of a submitted ID number: recorded on the profile, or a claim to check in person."""

    profile: WorkerProfile
    claim: IdentityClaim | None = None


def _home_center(profile: WorkerProfile):
    """Where the worker registered, else the center nearest their home."""
    center = profile.registered_at_center
    if center is not None and center.is_active:
        return center
    center = nearest_center(profile.point)
    if center is None:
        raise Conflict(NO_CENTER, code="no_center")
    return center


def _desk_of(actor, profile: WorkerProfile):
    """The center where staff took the number: the worker's own if the actor staffs it, else the actor's first;
    None for a city administrator (the worker's center is used)."""
    centers = staff_center_ids(actor)
    if not centers:
        return None
    if profile.registered_at_center_id in centers:
        return profile.registered_at_center
    return ServiceCenter.objects.filter(pk__in=centers).order_by("pk").first()


def _count_attempt(profile: WorkerProfile, now: datetime) -> None:
    """Record one submission, or raise Conflict beyond the day's limit. Call with the profile row locked."""
    limit = id_attempts_per_day()
    IdNumberAttempt.objects.filter(worker=profile, created_at__lte=now - DAY).delete()
    recent = list(IdNumberAttempt.objects.filter(worker=profile).order_by("-created_at")
                  .values_list("created_at", flat=True)[:limit])
    if len(recent) >= limit:
        retry_at = recent[-1] + DAY
        raise Conflict(TOO_MANY_ID_ATTEMPTS % {"limit": limit,
                                               "time": timezone.localtime(retry_at).strftime("%Y-%m-%d %H:%M")},
                       code="too_many_id_attempts")
    IdNumberAttempt.objects.create(worker=profile, created_at=now)


def _open_claim(profile: WorkerProfile, holder: WorkerProfile, resident, center, now: datetime) -> IdentityClaim:
    pending = IdentityClaim.objects.filter(claimant=profile, status=ClaimStatus.PENDING).first()
    if pending is not None and pending.id_number_hash == resident.keyed_hash:
        return pending
    _withdraw_pending_claims(profile, now)
    return IdentityClaim.objects.create(
        claimant=profile, holder=holder, center=center or _home_center(profile),
        id_number_hash=resident.keyed_hash, id_number_masked=resident.masked,
        birth_year=resident.birth_date.year, created_at=now,
    )


def _withdraw_pending_claims(profile: WorkerProfile, now: datetime) -> None:
    IdentityClaim.moved(IdentityClaim.objects.filter(claimant=profile), ClaimStatus.WITHDRAWN, resolved_at=now)


def _record_id_number(profile: WorkerProfile, raw: str, *, center=None, now: datetime) -> IdentityClaim | None:
    """The shared steps of submitting a number; the profile row must be locked. Returns a claim if one opened."""
    try:
        resident = parse_working_age_id(raw, timezone.localdate(now))
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    _count_attempt(profile, now)
    if resident.keyed_hash == profile.id_number_hash:
        return None
    holder = WorkerProfile.objects.filter(id_number_hash=resident.keyed_hash).exclude(pk=profile.pk).first()
    if holder is not None:
        return _open_claim(profile, holder, resident, center, now)
    _withdraw_pending_claims(profile, now)
    profile.set_resident_id(resident)
    profile.real_name_status = RealNameStatus.PENDING
    return None


def _save_profile(profile: WorkerProfile) -> None:
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        raise Conflict(ID_NUMBER_RACE, code="id_number_race") from None


@transaction.atomic
def submit_id_number(profile: WorkerProfile, raw: str, *, actor, now: datetime | None = None) -> IdSubmission:
    """A worker (or staff at a desk, with the card in front of them) gives the worker's ID number.

    A new number is kept as workers.id_numbers allows and waits for a check (real-name status pending).
    A number another account holds opens an identity claim at the worker's center instead.
    """
    now = now or timezone.now()
    center = None
    if actor is None or actor.pk != profile.user_id:
        _check_checks_in_person(actor)
        center = _desk_of(actor, profile)
    profile = (WorkerProfile.objects.select_for_update(of=("self",)).select_related("registered_at_center")
               .get(pk=profile.pk))
    before = snapshot(profile, "real_name_status")
    claim = _record_id_number(profile, raw, center=center, now=now)
    if claim is None:
        _save_profile(profile)
    if actor is not None and actor.pk != profile.user_id:  # staff at a desk; the number itself is never logged
        record_action(actor, "id_number_taken", profile, center=center, subject_id=profile.user_id, before=before,
                      after={**snapshot(profile, "real_name_status"), "identity_claim": claim and claim.pk},
                      now=now)
    return IdSubmission(profile=profile, claim=claim)


@atomic_with_retry
def verify_worker_identity(worker: WorkerProfile, *, actor) -> WorkerProfile:
    """Staff (of any center) or a city administrator looked at the worker's ID card: real name verified."""
    _check_checks_in_person(actor)
    worker = WorkerProfile.objects.select_for_update().get(pk=worker.pk)
    if not worker.id_number_hash:
        raise Conflict(NO_ID_NUMBER, code="no_id_number")
    if worker.real_name_status != RealNameStatus.VERIFIED:
        before = snapshot(worker, "real_name_status")
        worker.real_name_status = RealNameStatus.VERIFIED
        worker.save(update_fields=["real_name_status", "updated_at"])
        record_action(actor, "worker_verified", worker, center=_desk_of(actor, worker), subject_id=worker.user_id,
                      before=before, after=snapshot(worker, "real_name_status"))
        notify_user(worker.user_id, Kind.REVIEW, {"subject": "real_name", "real_name_status": worker.real_name_status})
    return worker


class ClaimDecision:
    APPROVE = "approve"  # the claimant showed the card: the number moves to them
    REJECT = "reject"
    CHOICES = (APPROVE, REJECT)


@atomic_with_retry
def resolve_identity_claim(claim: IdentityClaim, *, actor, decision: str, note: str = "",
                           now: datetime | None = None) -> IdentityClaim:
    """Staff of the claim's center (or a city administrator) settle it after seeing the card in person.

    Approved: the number moves to the claimant, now real-name verified, and the account that held it loses
    the number and its verification. Rejected: nothing moves. Both accounts are told either way.
    """
    if decision not in ClaimDecision.CHOICES:
        raise ValidationError({"decision": UNKNOWN_DECISION})
    _check_staff_of(actor, claim.center)
    now = now or timezone.now()
    # Worker profile rows first, by id (the global lock order); then the claim.
    holder_ids = set(WorkerProfile.objects.filter(id_number_hash=claim.id_number_hash).values_list("pk", flat=True))
    profiles = {p.pk: p for p in WorkerProfile.objects.select_for_update().filter(
        pk__in=sorted(holder_ids | {claim.claimant_id})).order_by("pk")}
    claim = IdentityClaim.objects.select_for_update().select_related("center").get(pk=claim.pk)
    outcome = ClaimStatus.APPROVED if decision == ClaimDecision.APPROVE else ClaimStatus.REJECTED
    if not claim.can_become(outcome):
        raise Conflict(CLAIM_SETTLED, code="claim_settled")
    claimant = profiles[claim.claimant_id]
    holder = next((p for p in profiles.values() if p.pk != claimant.pk and p.id_number_hash == claim.id_number_hash),
                  None)
    if outcome == ClaimStatus.APPROVED:
        if holder is not None:
            holder.clear_resident_id()
            holder.real_name_status = RealNameStatus.UNVERIFIED
            holder.save(update_fields=["id_number_hash", "id_number_masked", "birth_year", "real_name_status",
                                       "updated_at"])
        claimant.id_number_hash, claimant.id_number_masked = claim.id_number_hash, claim.id_number_masked
        claimant.birth_year = claim.birth_year
        claimant.real_name_status = RealNameStatus.VERIFIED
        claimant.save(update_fields=["id_number_hash", "id_number_masked", "birth_year", "real_name_status",
                                     "updated_at"])
    before = snapshot(claim, "status")
    claim.move_to(outcome)
    claim.resolved_at, claim.resolved_by, claim.note = now, actor, (note or "")[:500]
    claim.save(update_fields=["status", "resolved_at", "resolved_by", "note"])
    record_action(actor, "identity_claim_resolved", claim, center=claim.center, subject_id=claimant.user_id,
                  before=before, after=snapshot(claim, "status", "note"), now=now)
    payload = {"subject": "identity_claim", "claim": claim.pk, "status": claim.status,
               "id_number_masked": claim.id_number_masked, "center": {"id": claim.center_id, "name": claim.center.name}}
    notify_user(claimant.user_id, Kind.REVIEW, {**payload, "real_name_status": claimant.real_name_status})
    if holder is not None:
        notify_user(holder.user_id, Kind.REVIEW, {**payload, "real_name_status": holder.real_name_status})
    return claim


# --- A worker edits their own profile ----------------------------------------------------------
WORKER_PROFILE_FIELDS = {"display_name", "availability", "latitude", "longitude", "has_smartphone"}


@transaction.atomic
def update_worker_profile(profile: WorkerProfile, *, actor, trades: list[tuple] | None = None,
                          id_number: str | None = None, now: datetime | None = None, **fields) -> IdSubmission:
    """The worker edits their own profile. `trades` (Category, years) pairs replace the current set.

    A new ID number is handled as submit_id_number does (pending check, or an identity claim).
    """
    _check_acts_for(actor, profile)
    unknown = set(fields) - WORKER_PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    profile = (WorkerProfile.objects.select_for_update(of=("self",)).select_related("user", "registered_at_center")
               .get(pk=profile.pk))
    for name, value in fields.items():
        setattr(profile, name, value)
    claim = None
    if id_number is not None:
        claim = _record_id_number(profile, id_number, now=now or timezone.now())
    profile.full_clean()
    _save_profile(profile)
    if "display_name" in fields and profile.user.name != profile.display_name:
        profile.user.name = profile.display_name
        profile.user.save(update_fields=["name"])
    if trades is not None:
        _replace_trades(profile, trades)
    return IdSubmission(profile=profile, claim=claim)


def _replace_trades(profile: WorkerProfile, trades: list[tuple]) -> None:
    categories = [category for category, _years in trades]
    if len({c.pk for c in categories}) != len(categories):
        raise ValidationError({"trades": DUPLICATE_TRADE})
    if any(c.is_group for c in categories):
        raise ValidationError({"trades": NOT_A_TRADE})
    new = [WorkerTrade(worker=profile, category=category, years_experience=years) for category, years in trades]
    for trade in new:
        try:
            trade.clean_fields(exclude=["worker"])
        except ValidationError as error:
            raise ValidationError({"trades": error.messages}) from None
    WorkerTrade.objects.filter(worker=profile).delete()
    WorkerTrade.objects.bulk_create(new)


# --- Walk-ins at a center's counter --------------------------------------------------------------
INTAKE_FIELDS = {"sex", "stated_birth_year", "skills", "experience", "expected_pay", "expected_pay_unit",
                 "work_areas", "note"}
CONSENT_NEEDED = _("The worker must agree to the text read out to them; tick the box once they have.")
NEED_A_TRADE = _("Choose at least one trade.")
PHONE_NOT_A_WORKER = _("This number belongs to an account that is not a worker's; ask the worker for another "
                       "number, or register them without one.")
PHONE_TAKEN = _("This number belongs to another worker.")
NOT_SERVED_HERE = _("%(worker)s is not registered at %(center)s and not waiting in its hall today: check them in "
                    "to the hall first.")
UNKNOWN_AREA = _("Unknown area codes: %(codes)s.")


@dataclass(frozen=True)
class WalkIn:
    """What became of a registration at the counter: a new worker, or the one who already had that phone or ID."""

    profile: WorkerProfile
    created: bool
    matched_by: str = ""  # "phone" or "id_number" when an existing worker was found
    claim: IdentityClaim | None = None


def _typed_phone(raw) -> str | None:
    if raw is None or not str(raw).strip():
        return None
    from accounts.phones import normalize_phone

    try:
        return normalize_phone(str(raw))
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None


def find_registered(phone: str | None, resident) -> tuple[WorkerProfile | None, str]:
    """The worker who already has this (normalised) phone or this ID number, and which of the two matched."""
    if phone:
        user = get_user_model().objects.filter(phone=phone).select_related("worker_profile").first()
        if user is not None:
            profile = getattr(user, "worker_profile", None)
            if profile is None:
                raise ValidationError({"phone": PHONE_NOT_A_WORKER})
            return profile, "phone"
    if resident is not None:
        profile = WorkerProfile.objects.filter(id_number_hash=resident.keyed_hash).first()
        if profile is not None:
            return profile, "id_number"
    return None, ""


def _clean_intake(intake: dict) -> dict:
    unknown = set(intake) - INTAKE_FIELDS
    if unknown:
        raise ValueError(f"not an intake field: {sorted(unknown)}")
    areas = intake.get("work_areas")
    if areas:
        known = set(ServiceCenter.objects.values_list("region_code", flat=True))
        wrong = sorted(set(areas) - known)
        if wrong:
            raise ValidationError({"work_areas": UNKNOWN_AREA % {"codes": ", ".join(wrong)}})
    return intake


def _save_intake(profile: WorkerProfile, intake: dict, actor) -> WorkerIntake:
    record, _created = WorkerIntake.objects.get_or_create(worker=profile)
    for name, value in intake.items():
        if value is None and name not in ("stated_birth_year", "expected_pay"):
            value = [] if name == "work_areas" else ""
        setattr(record, name, value)
    record.updated_by = actor
    try:
        record.full_clean(exclude=["worker"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    record.save()
    return record


FORM_FIELDS = ("sex", "stated_birth_year", "skills", "experience", "expected_pay", "expected_pay_unit",
               "work_areas", "note")


def _form_snapshot(profile: WorkerProfile, intake: WorkerIntake | None) -> dict:
    """What the audit log keeps of a worker's form: never the phone or the ID number, only whether there is one."""
    values = snapshot(profile, "display_name", "availability", "has_smartphone")
    values["has_phone"] = bool(profile.user.phone)
    values["trades"] = sorted(WorkerTrade.objects.filter(worker=profile).values_list("category__code", flat=True))
    if intake is not None:
        values.update(snapshot(intake, *FORM_FIELDS))
    return values


def record_consent(profile: WorkerProfile, text: consents.ConsentText, *, actor, center, now: datetime,
                   assignment=None) -> WorkerConsent:
    """Staff record that the worker agreed to `text` (its version) in front of them at `center` (audited)."""
    consent = WorkerConsent.objects.create(worker=profile, purpose=text.purpose, text_version=text.version,
                                           center=center, recorded_by=actor, recorded_at=now, assignment=assignment)
    record_action(actor, "consent_recorded", consent, center=center, subject_id=profile.user_id,
                  after=snapshot(consent, "purpose", "text_version", "assignment"), now=now)
    return consent


@transaction.atomic
def register_walk_in(*, actor, center, display_name: str, trades: dict, consent: bool, phone: str | None = None,
                     id_number: str | None = None, availability: str | None = None, now: datetime | None = None,
                     **intake) -> WalkIn:
    """Staff of `center` register a worker who came to the counter (the intake form of DB2301/T 218—2024, Annex B).

    As little as a name and a trade; a phone and an ID number are optional. A phone (typed in any form) or an ID
    number that a worker already has finds that worker: nothing is created or changed, and the page offers to
    update them instead. A worker without a phone gets an account without one (User.phone NULL, no usable
    password): they cannot log in, and the center's staff see their inbox for them.
    """
    _check_staff_of(actor, center)
    now = now or timezone.now()
    phone = _typed_phone(phone)
    resident = None
    if id_number:
        try:
            resident = parse_working_age_id(id_number, timezone.localdate(now))
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
    existing, matched_by = find_registered(phone, resident)
    if existing is not None:
        return WalkIn(profile=existing, created=False, matched_by=matched_by)
    if not consent:
        raise ValidationError({"consent": CONSENT_NEEDED})
    if not trades:
        raise ValidationError({"trades": NEED_A_TRADE})
    intake = _clean_intake(intake)
    if any(category.is_group for category in trades):
        raise ValidationError({"trades": NOT_A_TRADE})
    fields = {"has_smartphone": phone is not None and intake.pop("has_smartphone", True)}
    if availability:
        fields["availability"] = availability
    try:
        with transaction.atomic():
            # The worker's home is not asked: the center stands for it, so that gigs near the center find them.
            profile = register_worker(phone=phone, display_name=display_name, latitude=center.latitude,
                                      longitude=center.longitude, trades=trades, center=center, actor=actor,
                                      **fields)
    except IntegrityError:  # the same phone registered at another counter a moment ago
        raise ValidationError({"phone": PHONE_TAKEN}) from None
    claim = None
    if resident is not None:
        claim = submit_id_number(profile, id_number, actor=actor, now=now).claim
        profile.refresh_from_db()
    record = _save_intake(profile, intake, actor)
    record_action(actor, "walk_in_form_recorded", record, center=center, subject_id=profile.user_id,
                  after=_form_snapshot(profile, record), now=now)
    record_consent(profile, consents.REGISTRATION, actor=actor, center=center, now=now)
    return WalkIn(profile=profile, created=True, claim=claim)


def waiting_today(worker: WorkerProfile, center, now: datetime | None = None) -> bool:
    from centers.models import HallVisit

    day = timezone.localdate(now or timezone.now())
    return HallVisit.objects.filter(worker=worker, center=center, day=day, checked_out_at__isnull=True).exists()


def check_serves_worker(actor, center, worker: WorkerProfile, now: datetime | None = None) -> None:
    """Staff act for a worker registered at their center or waiting in its hall today (the city for anyone)."""
    _check_staff_of(actor, center)
    if is_city_admin(actor) or worker.registered_at_center_id == center.pk or waiting_today(worker, center, now):
        return
    raise PermissionDenied(NOT_SERVED_HERE % {"worker": worker.display_name, "center": center.name})


@transaction.atomic
def update_walk_in(worker: WorkerProfile, *, actor, center, display_name: str | None = None,
                   trades: dict | None = None, phone: str | None = None, availability: str | None = None,
                   id_number: str | None = None, now: datetime | None = None, **intake) -> IdSubmission:
    """Staff update a worker's form at the counter: a phone can be added (the worker may then sign in by SMS
    code), trades replaced, the intake facts changed. Only the fields given change."""
    now = now or timezone.now()
    check_serves_worker(actor, center, worker, now)
    intake = _clean_intake(intake)
    profile = (WorkerProfile.objects.select_for_update(of=("self",)).select_related("user", "registered_at_center")
               .get(pk=worker.pk))
    user = profile.user
    before = _form_snapshot(profile, WorkerIntake.objects.filter(worker=profile).first())
    if phone is not None and phone != "":
        phone = _typed_phone(phone)
        if phone != user.phone:
            if get_user_model().objects.filter(phone=phone).exclude(pk=user.pk).exists():
                raise ValidationError({"phone": PHONE_TAKEN})
            user.phone = phone
            user.save(update_fields=["phone"])
    if display_name:
        profile.display_name = user.name = display_name
        user.save(update_fields=["name"])
    if availability:
        profile.availability = availability
    profile.has_smartphone = profile.has_smartphone and bool(user.phone)
    claim = None
    if id_number:
        claim = _record_id_number(profile, id_number, center=center, now=now)
    profile.full_clean()
    _save_profile(profile)
    if trades is not None:
        if not trades:
            raise ValidationError({"trades": NEED_A_TRADE})
        _replace_trades(profile, list(trades.items()))
    if intake:
        _save_intake(profile, intake, actor)
    record_action(actor, "walk_in_updated", profile, center=center, subject_id=user.pk, before=before,
                  after=_form_snapshot(profile, WorkerIntake.objects.filter(worker=profile).first()), now=now)
    return IdSubmission(profile=profile, claim=claim)
