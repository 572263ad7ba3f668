"""Writes about trades, employers, gigs and assignments. Every rule of the market is enforced here.

Concurrency: a gig's slots are taken by one conditional UPDATE
(`accepted_count < headcount`), which PostgreSQL re-checks after waiting for the row
lock and SQLite runs inside an IMMEDIATE transaction, so no more workers are ever
accepted than the headcount, however many accept at once. Row locks are taken in one
order (see "Locks" below), and a transaction that still loses a deadlock or
serialization race is run again (`atomic_with_retry`), so contention is never a 500.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Max, Sum, Value, When
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.identifiers import ascii_form
from accounts.models import Role
from audit.services import record_action, snapshot
from centers.selectors import may_manage_center, nearest_center
from complaints.selectors import posting_refusal
from wages.selectors import fee_words_in
from workers.models import WorkerProfile
from zero_gig.db import atomic_with_retry, locked
from zero_gig.geo import Point, distance_km, validate_point

from . import events, matching, rules
from .exceptions import Conflict
from .models import (
    HOURS_PER_DAY,
    SLOT_HOLDING,
    Assignment,
    AssignmentStatus,
    Category,
    CheckInMethod,
    Compensation,
    Employer,
    FavouriteWorker,
    Gig,
    GigStatus,
    HiringMode,
    PayRecord,
    PayStatus,
    PayUnit,
    Rating,
    Strike,
    SuspiciousCheckIn,
    VerificationStatus,
    WageDispute,
    WageFloor,
    clashing_with,
)
from .selectors import wage_floor_for
from .taxonomy import TAXONOMY
from .wage_floors import AREA_CLASSES, EFFECTIVE_FROM, SOURCE, TONGCHUAN_REGIONS

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: codes are read out over the phone
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e8")  # amounts are stored with 10 digits, 2 after the point


def new_gig_code() -> str:
    return "G" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(7))


# --- Locks -------------------------------------------------------------------------------------
# A service locks the rows it will change at its start, in one order for all: the worker profile, then the gig,
# then the assignment (several of a kind by id), and anything else after them. Two services needing the same
# rows then queue for them instead of each holding one and waiting for the other; before this, an accept
# (worker, then gig) and a cancel (gig, then offering the freed slot to that same worker) deadlocked.
# FOR NO KEY UPDATE: a row that is locked can still be referenced by a new one, so a wave of offers for a gig
# does not wait on the profiles of workers who are accepting other gigs at that moment.

def _locked_assignment(assignment: Assignment, *related: str) -> Assignment:
    """Lock the assignment's worker, its gig and then the assignment; returns it as it is now."""
    worker_id, gig_id = Assignment.objects.values_list("worker_id", "gig_id").get(pk=assignment.pk)
    locked(WorkerProfile.objects, worker_id)
    locked(Gig.objects, gig_id)
    return locked(Assignment.objects.select_related(*related), assignment.pk)


# --- Who may act ------------------------------------------------------------------------------
# Every service below that acts for someone takes that user as `actor` and asks these first, so the
# rules hold the same behind the API, the web pages, the admin and a shell.

def _active(actor) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_active)


def employer_of(actor) -> Employer:
    """The actor's employer profile: only employers post and run gigs."""
    employer = getattr(actor, "employer", None) if _active(actor) and actor.role == Role.EMPLOYER else None
    if employer is None:
        raise PermissionDenied(_("Only employers with an employer profile can do this."))
    return employer


def worker_of(actor) -> WorkerProfile:
    """The actor's worker profile: only workers take gigs."""
    worker = getattr(actor, "worker_profile", None) if _active(actor) and actor.role == Role.WORKER else None
    if worker is None:
        raise PermissionDenied(_("Only workers with a worker profile can do this."))
    return worker


def _check_owner(actor, gig: Gig) -> None:
    if employer_of(actor).pk != gig.employer_id:
        raise PermissionDenied(_("This gig belongs to another employer."))


def _check_center_staff(actor, center_id: int | None) -> None:
    if not may_manage_center(actor, center_id):
        raise PermissionDenied(_("Only staff of the gig's service center can do this."))


def _check_worker_on(actor, assignment: Assignment) -> None:
    if worker_of(actor).pk != assignment.worker_id:
        raise PermissionDenied(_("Only the worker on this gig can do this."))


def _check_employer_of(actor, assignment: Assignment) -> None:
    if employer_of(actor).pk != assignment.gig.employer_id:
        raise PermissionDenied(_("Only the gig's employer can do this."))


def _side_of(actor, assignment: Assignment) -> str:
    """"worker" or "employer": which side of the assignment the actor is on."""
    if _active(actor) and actor.role == Role.WORKER:
        _check_worker_on(actor, assignment)
        return "worker"
    if _active(actor) and actor.role == Role.EMPLOYER:
        _check_employer_of(actor, assignment)
        return "employer"
    raise PermissionDenied(_("Only the worker or the employer of this gig can do this."))


# --- Reference data -------------------------------------------------------------------------

@transaction.atomic
def sync_taxonomy() -> int:
    """Make the trade table match TAXONOMY; returns how many rows were created. Safe to rerun."""
    created = 0
    for group_order, (group_code, group_name, group_en, trades) in enumerate(TAXONOMY):
        group, was_created = Category.objects.update_or_create(
            code=group_code, defaults={"name": group_name, "name_en": group_en, "parent": None,
                                       "pay_units": [], "sort_order": group_order},
        )
        created += was_created
        for order, (code, name, name_en, units, piece_label, _ranges) in enumerate(trades):
            _trade, was_created = Category.objects.update_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "parent": group, "pay_units": units,
                                     "piece_label": piece_label, "sort_order": order},
            )
            created += was_created
    return created


@transaction.atomic
def load_wage_floors() -> int:
    """Load the minimum-wage data for Tongchuan; returns rows created. Safe to rerun."""
    created = 0
    for region_code, area_class in TONGCHUAN_REGIONS.items():
        hourly, monthly = AREA_CLASSES[area_class]
        _floor, was_created = WageFloor.objects.update_or_create(
            region_code=region_code, effective_from=EFFECTIVE_FROM,
            defaults={"area_class": area_class, "hourly_minimum": hourly, "monthly_minimum": monthly,
                      "source": SOURCE},
        )
        created += was_created
    return created


@transaction.atomic
def register_employer(*, phone: str, name: str, contact_name: str, kind: str = Employer.Kind.INDIVIDUAL,
                      credit_code: str | None = None, password: str | None = None,
                      contact_phone: str | None = None) -> Employer:
    """A new employer signs up; it starts unverified, so its posts wait for a center's review."""
    user = get_user_model().objects.create_user(phone=phone, password=password, name=contact_name,
                                                role=Role.EMPLOYER)
    employer = Employer(owner=user, name=name, kind=kind, credit_code=credit_code, contact_name=contact_name,
                        contact_phone=contact_phone or user.phone)
    employer.full_clean()
    employer.save()
    return employer


@atomic_with_retry
def verify_employer(employer: Employer, *, actor, approve: bool = True) -> Employer:
    """Center staff or the city have checked who the employer is (实名核验); a verified employer's posts go
    live without review, a rejected one's keep waiting."""
    if not (_active(actor) and actor.role in (Role.CENTER_STAFF, Role.CITY_ADMIN)):
        raise PermissionDenied(_("Only service-center staff and city administrators verify employers."))
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    before = snapshot(employer, "verification_status")
    employer.verification_status = VerificationStatus.VERIFIED if approve else VerificationStatus.REJECTED
    employer.save(update_fields=["verification_status", "updated_at"])
    record_action(actor, "employer_verified" if approve else "employer_rejected", employer,
                  subject_id=employer.owner_id, before=before, after=snapshot(employer, "verification_status"))
    return employer


# --- Posting gigs ---------------------------------------------------------------------------

GIG_EDITABLE_FIELDS = ("category", "title", "description", "headcount", "pay_amount", "pay_unit", "hiring_mode",
                       "address", "latitude", "longitude", "starts_at", "ends_at", "center", "expected_hours",
                       "expected_pieces_per_day", "max_pieces")
# What the employer must state for pay in these units, so that its hourly rate and its total can be checked.
STATED_FOR_UNIT = {PayUnit.JOB: ("expected_hours",), PayUnit.PIECE: ("expected_pieces_per_day", "max_pieces")}


def _check_gig_rules(gig: Gig, now: dt.datetime) -> None:
    """Every rule a gig must meet when it is posted or edited, as one set of field errors."""
    errors: dict[str, list] = {}
    try:
        validate_point(gig.latitude, gig.longitude)
    except ValidationError:
        pass  # full_clean below names the bad coordinates with every other error
    else:
        _check_served_area(gig, errors)
    try:
        gig.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if not gig.site_address:
        errors.setdefault("address", []).append(_("Give the site's address."))
    _check_times(gig, now, errors)
    _check_stated_quantities(gig, errors)
    _check_no_fees(gig, errors)
    if "pay_amount" not in errors and "pay_unit" not in errors and gig.pay_unit in PayUnit.values:
        cap = Decimal(rules.rule("MAX_PAY_PER_UNIT")[gig.pay_unit])
        if Decimal(gig.pay_amount) > cap:
            errors["pay_amount"] = [_("Pay is at most %(cap)s yuan %(unit)s.")
                                    % {"cap": cap, "unit": PayUnit(gig.pay_unit).label}]
    if (not {"pay_amount", "pay_unit", "starts_at", *STATED_FOR_UNIT.get(gig.pay_unit, ())} & set(errors)
            and gig.center_id):
        message = _below_wage_floor(gig)
        if message:
            errors.setdefault("pay_amount", []).append(message)
    if errors:
        raise ValidationError(errors)


def _check_no_fees(gig: Gig, errors: dict) -> None:
    """Workers never pay anything on a public gig market: a post that asks them for a deposit, a fee or "training
    costs" is refused. The words that give it away are data (wages.models.FeeWord), kept by the city in the admin."""
    for name in ("title", "description"):
        words = fee_words_in(getattr(gig, name))
        if words:
            errors.setdefault(name, []).append(ValidationError(
                _("Workers never pay anything to take a gig: remove what asks them to pay (%(words)s). A post that "
                  "charges workers is refused.") % {"words": "、".join(words)}, code="asks_workers_to_pay"))


def _check_served_area(gig: Gig, errors: dict) -> None:
    """The site must lie within SERVICE_AREA_KM of an active center (the nearest takes the gig unless one
    was chosen): the platform serves its city, and a gig elsewhere would land on a center that cannot help."""
    site = Point(float(gig.latitude), float(gig.longitude))
    nearest = nearest_center(site)
    reach = rules.rule("SERVICE_AREA_KM")
    if nearest is None or distance_km(site, nearest.point) > reach:
        message = _("The site is outside the area this platform serves: it must be within %(km)s km of one "
                    "of its service centers.") % {"km": reach}
        errors["latitude"] = [message]
        errors["longitude"] = [message]
    elif gig.center_id is None:
        gig.center = nearest


def _check_times(gig: Gig, now: dt.datetime, errors: dict) -> None:
    """The start lies ahead, but not beyond MAX_DAYS_AHEAD; a gig lasts at most MAX_GIG_DAYS."""
    if "starts_at" in errors or not gig.starts_at:
        return
    if "ends_at" not in errors and gig.ends_at and gig.ends_at - gig.starts_at > rules.days("MAX_GIG_DAYS"):
        errors["ends_at"] = [_("A gig lasts at most %(days)s days; post a longer job as several gigs.")
                             % {"days": rules.rule("MAX_GIG_DAYS")}]
    if gig.starts_at <= now:
        errors["starts_at"] = [_("The start must be in the future.")]
    elif gig.starts_at - now > rules.days("MAX_DAYS_AHEAD"):
        errors["starts_at"] = [_("A gig is posted at most %(days)s days ahead.")
                               % {"days": rules.rule("MAX_DAYS_AHEAD")}]


def _check_stated_quantities(gig: Gig, errors: dict) -> None:
    """Per-job gigs state the hours the job takes, per-piece gigs the output of a day and the most pieces
    one worker is paid for; other gigs state none of them."""
    needed = STATED_FOR_UNIT.get(gig.pay_unit, ())
    for name in {name for names in STATED_FOR_UNIT.values() for name in names}:
        if name in errors:
            continue
        label = capfirst(Gig._meta.get_field(name).verbose_name)
        if getattr(gig, name) is None and name in needed:
            errors[name] = [_("%(field)s is required for a gig paid %(unit)s.")
                            % {"field": label, "unit": PayUnit(gig.pay_unit).label}]
        elif getattr(gig, name) is not None and name not in needed:
            errors[name] = [_("%(field)s is only for gigs paid %(units)s.") % {
                "field": label, "units": ", ".join(str(PayUnit(unit).label) for unit, names
                                                   in STATED_FOR_UNIT.items() if name in names)}]
    if ("expected_hours" in needed and gig.expected_hours is not None
            and not {"expected_hours", "starts_at", "ends_at"} & set(errors) and gig.starts_at and gig.ends_at
            and gig.expected_hours > Decimal(str(gig.duration_hours))):
        errors["expected_hours"] = [_("The job must fit between the start and the end (%(h)s hours).")
                                    % {"h": round(gig.duration_hours, 2)}]


def _below_wage_floor(gig: Gig) -> str | None:
    """The refusal message if a gig pays under its area's legal minimum per hour: hourly pay directly, daily
    pay over 8 hours, per-job pay over the hours the job takes, per-piece pay over an 8-hour day's output."""
    floor = wage_floor_for(gig.center.region_code, timezone.localdate(gig.starts_at))
    if floor is None:
        return None
    pay = Decimal(gig.pay_amount)
    if gig.pay_unit in (PayUnit.HOUR, PayUnit.DAY):
        minimum = floor.hourly_minimum * (HOURS_PER_DAY if gig.pay_unit == PayUnit.DAY else 1)
        if pay >= minimum:
            return None
        return _("Pay is below the legal minimum wage here: %(minimum)s yuan %(unit)s "
                 "(%(hourly)s yuan per hour, %(area)s, effective %(date)s; %(source)s).") % {
            "minimum": minimum.quantize(CENT), "unit": PayUnit(gig.pay_unit).label, "hourly": floor.hourly_minimum,
            "area": floor.area_class or floor.region_code, "date": floor.effective_from, "source": floor.source,
        }
    implied = gig.hourly_rate
    if gig.pay_unit == PayUnit.JOB:
        basis = _("%(pay)s yuan for a job of %(hours)s hours") % {"pay": pay, "hours": gig.expected_hours}
    else:
        basis = _("%(pay)s yuan a piece at %(pieces)s pieces in an 8-hour day") % {
            "pay": pay, "pieces": gig.expected_pieces_per_day}
    if implied >= floor.hourly_minimum:
        return None
    return _("Pay is below the legal minimum wage here: %(basis)s is %(implied)s yuan per hour, under the "
             "minimum of %(hourly)s yuan per hour (%(area)s, effective %(date)s; %(source)s).") % {
        "basis": basis, "implied": implied.quantize(CENT, rounding=ROUND_HALF_UP), "hourly": floor.hourly_minimum,
        "area": floor.area_class or floor.region_code, "date": floor.effective_from, "source": floor.source,
    }


def check_may_post(employer: Employer, now: dt.datetime, *, publish: bool = True) -> None:
    """The one place a post is refused for the employer's conduct.

    - Suspended by a service center (a post taken down after reports: gigreports): posts, publishes and reopens
      nothing, drafts included, until the suspension ends.
    - An unresolved wage complaint (欠薪投诉, complaints): publishes and reopens nothing until it is resolved;
      a draft may still be saved."""
    if employer.suspended_until and employer.suspended_until > now:
        raise PermissionDenied(_("You cannot post gigs until %(until)s: a service center took a post of yours "
                                 "down after reports from workers.")
                               % {"until": timezone.localtime(employer.suspended_until).strftime("%Y-%m-%d %H:%M")})
    refusal = posting_refusal(employer) if publish else None
    if refusal:
        raise Conflict(refusal, code="unresolved_wage_complaint")


def _published_status(employer: Employer) -> str:
    """Unverified employers' posts wait for a center's review: the defence against fake jobs."""
    if employer.verification_status == VerificationStatus.VERIFIED:
        return GigStatus.OPEN
    return GigStatus.PENDING_REVIEW


@atomic_with_retry
def create_gig(*, actor, publish: bool = True, now: dt.datetime | None = None, **fields) -> Gig:
    """The actor (an employer) posts a gig, published or as a draft. The nearest center takes it unless one is
    chosen."""
    now = now or timezone.now()
    employer = employer_of(actor)
    check_may_post(employer, now, publish=publish)
    unknown = set(fields) - set(GIG_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    site = {name: fields.pop(name) for name in SITE_FIELDS if name in fields}
    gig = Gig(employer=employer, code=new_gig_code(), **fields)
    _place_site(gig, site)
    gig.status = _published_status(employer) if publish else GigStatus.DRAFT
    _check_gig_rules(gig, now)
    gig.save()
    _announce_if_open(gig, now)
    return gig


SITE_FIELDS = ("latitude", "longitude", "address")


def _place_site(gig: Gig, site: dict) -> None:
    """The site comes in as latitude, longitude and address; the gig keeps it apart from its public place."""
    latitude = site.get("latitude", gig.site_latitude)
    longitude = site.get("longitude", gig.site_longitude)
    address = str(site.get("address", gig.site_address) or "").strip()
    try:
        validate_point(latitude, longitude)
    except ValidationError:
        gig.latitude, gig.longitude, gig.site_address = latitude, longitude, address  # the rules name the error
        return
    gig.place_at(float(latitude), float(longitude), address)


def _announce_if_open(gig: Gig, now: dt.datetime) -> None:
    """An open gig goes on its center's board and out to nearby workers in waves."""
    if gig.status == GigStatus.OPEN:
        events.gig_opened(gig)
        matching.start_matching(gig, now)


@atomic_with_retry
def update_gig(gig: Gig, *, actor, now: dt.datetime | None = None, **fields) -> Gig:
    """Edit a gig while nobody holds a slot or has been hired: workers took it as it was."""
    now = now or timezone.now()
    gig = locked(Gig.objects, gig.pk)
    _check_owner(actor, gig)
    if gig.status not in (GigStatus.DRAFT, GigStatus.PENDING_REVIEW, GigStatus.OPEN):
        raise Conflict(_("Only a draft, waiting or open gig can be edited."), code="not_editable")
    if gig.assignments.filter(status__in=SLOT_HOLDING).exists():
        raise Conflict(_("Workers have already accepted this gig; cancel it and post a new one instead."),
                       code="not_editable")
    unknown = set(fields) - set(GIG_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    site = {name: fields.pop(name) for name in SITE_FIELDS if name in fields}
    for name, value in fields.items():
        setattr(gig, name, value)
    if site:
        _place_site(gig, site)
    if {"latitude", "longitude"} & set(site) and "center" not in fields:
        gig.center = None  # the nearest center to the new site takes it
    _check_gig_rules(gig, now)
    if gig.status == GigStatus.OPEN:
        gig.move_to(_published_status(gig.employer))  # an unverified employer's edit is reviewed again
    gig.save()
    return gig


@atomic_with_retry
def publish_gig(gig: Gig, *, actor, now: dt.datetime | None = None) -> Gig:
    now = now or timezone.now()
    gig = locked(Gig.objects, gig.pk)
    _check_owner(actor, gig)
    if gig.status != GigStatus.DRAFT:
        raise Conflict(_("Only a draft is published; a cancelled or expired gig is reopened."), code="not_draft")
    check_may_post(gig.employer, now)
    gig.move_to(_published_status(gig.employer))
    _check_gig_rules(gig, now)
    gig.save()
    _announce_if_open(gig, now)
    return gig


@atomic_with_retry
def review_gig(gig: Gig, *, actor, approve: bool, reason: str = "", now: dt.datetime | None = None) -> Gig:
    """Staff of the gig's center (or the city) approve a waiting post, or send it back with a reason."""
    now = now or timezone.now()
    gig = locked(Gig.objects, gig.pk)
    _check_center_staff(actor, gig.center_id)
    if gig.status != GigStatus.PENDING_REVIEW:
        raise Conflict(_("This gig is not waiting for review."), code="not_pending")
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Say why the gig is rejected, so the employer can fix it.")})
    before = snapshot(gig, "status", "review_note")
    gig.move_to(GigStatus.OPEN if approve else GigStatus.DRAFT)
    gig.review_note = reason.strip()
    gig.reviewed_by = actor
    gig.reviewed_at = now
    gig.save()
    record_action(actor, "post_approved" if approve else "post_rejected", gig, center=gig.center,
                  subject_id=gig.employer.owner_id, before=before, after=snapshot(gig, "status", "review_note"),
                  now=now)
    events.reviewed(gig)
    _announce_if_open(gig, now)
    return gig


@atomic_with_retry
def cancel_gig(gig: Gig, *, actor, reason: str = "", now: dt.datetime | None = None) -> Gig:
    """The employer calls a gig off. Under 24 h before the start, each accepted worker is owed show-up pay."""
    now = now or timezone.now()
    gig = locked(Gig.objects, gig.pk)
    _check_owner(actor, gig)
    gig.move_to(GigStatus.CANCELLED)
    affected = []
    for assignment in gig.assignments.select_related("worker").filter(
            status__in=(AssignmentStatus.ACCEPTED, AssignmentStatus.CHECKED_IN, AssignmentStatus.OFFERED,
                        AssignmentStatus.APPLIED)):
        _employer_cancels(assignment, gig, reason or _("The employer cancelled the gig."), now)
        affected.append(assignment)
    gig.cancelled_at = now
    gig.cancel_reason = reason
    gig.accepted_count = gig.assignments.filter(status__in=SLOT_HOLDING).count()
    gig.save()
    events.cancelled_by_employer(affected, gig)
    events.gig_closed(gig)
    return gig


def _employer_cancels(assignment: Assignment, gig: Gig, reason: str, now: dt.datetime) -> None:
    held_slot = assignment.status in SLOT_HOLDING
    assignment.move_to(AssignmentStatus.CANCELLED)
    assignment.cancelled_at = now
    assignment.cancelled_by = "employer"
    assignment.cancel_reason = reason
    assignment.save()
    if held_slot and gig.starts_at - now < rules.hours("EMPLOYER_LATE_CANCEL_HOURS"):
        Compensation.objects.create(
            assignment=assignment, amount=show_up_pay(gig),
            reason=_("Cancelled by the employer less than %(h)s hours before the start.")
            % {"h": rules.rule("EMPLOYER_LATE_CANCEL_HOURS")},
        )


def show_up_pay(gig: Gig) -> Decimal:
    """SHOW_UP_PAY_HOURS of the gig's pay per hour (at most the whole gig); for a job or piece work posted
    without stated hours or output, a job's pay over the gig's length, or the area's minimum for pieces."""
    hours = Decimal(str(min(rules.rule("SHOW_UP_PAY_HOURS"), gig.duration_hours)))
    hourly = gig.hourly_rate
    if hourly is None and gig.pay_unit == PayUnit.JOB:
        hourly = gig.pay_amount / Decimal(str(max(gig.duration_hours, 1)))
    elif hourly is None:
        floor = wage_floor_for(gig.center.region_code, timezone.localdate(gig.starts_at))
        hourly = floor.hourly_minimum if floor else Decimal("0")
    return (hourly * hours).quantize(CENT, rounding=ROUND_HALF_UP)


@atomic_with_retry
def reopen_gig(gig: Gig, *, actor, now: dt.datetime | None = None) -> Gig:
    now = now or timezone.now()
    gig = locked(Gig.objects, gig.pk)
    _check_owner(actor, gig)
    if gig.status not in (GigStatus.CANCELLED, GigStatus.EXPIRED, GigStatus.FILLED):
        raise Conflict(_("Only a cancelled, expired or filled gig can be reopened."), code="bad_transition")
    check_may_post(gig.employer, now)
    if gig.starts_at <= now:
        raise ValidationError({"starts_at": _("The start has passed: change the time before reopening.")})
    if gig.status == GigStatus.FILLED and gig.slots_left == 0:
        raise Conflict(_("Every slot is taken: raise the headcount to take more workers."), code="filled")
    gig.move_to(_published_status(gig.employer))
    gig.cancelled_at = None
    gig.save()
    _announce_if_open(gig, now)
    return gig


# --- Taking gigs ----------------------------------------------------------------------------

def _lock_worker(worker: WorkerProfile) -> WorkerProfile:
    """Lock the worker's row so that two accepts by the same worker are decided one after the other (their
    account is read with it: a hire writes their name and phone into the agreement)."""
    return locked(WorkerProfile.objects.select_related("user"), worker.pk)


def _check_worker_may_take(worker: WorkerProfile, gig: Gig, now: dt.datetime, for_staff: bool = False) -> None:
    """The rules a worker must meet to take a gig; `for_staff` words the refusals for staff acting for them."""
    name = {"name": worker.display_name}
    if worker.suspended_until and worker.suspended_until > now:
        until = {"until": timezone.localtime(worker.suspended_until).strftime("%Y-%m-%d %H:%M"), **name}
        raise Conflict((_("%(name)s cannot take new gigs until %(until)s after repeated no-shows or late "
                          "cancellations.") if for_staff else
                        _("You cannot take new gigs until %(until)s after repeated no-shows or late cancellations."))
                       % until, code="suspended")
    if gig.starts_at <= now:
        raise Conflict(_("This gig has already started."), code="started")
    if rules.rule("REQUIRE_TRADE_MATCH") and not worker.worker_trades.filter(category_id=gig.category_id).exists():
        trade = {"trade": gig.category.name, **name}
        raise Conflict((_("This gig needs a %(trade)s, a trade %(name)s does not have.") if for_staff else
                        _("This gig needs a %(trade)s; add the trade to your profile first.")) % trade,
                       code="not_qualified")
    overlapping = (Assignment.objects.filter(clashing_with(gig), worker=worker).exclude(gig=gig)
                   .select_related("gig").first())
    if overlapping:
        code = {"code": overlapping.gig.code, **name}
        raise Conflict((_("%(name)s already has gig %(code)s at that time.") if for_staff else
                        _("You already have gig %(code)s at that time.")) % code, code="overlap")


def _no_slots_left() -> Conflict:
    return Conflict(_("No slots left on this gig."), code="no_slots_left")


def _take_slot(gig: Gig) -> None:
    """Take one of the gig's slots, or raise Conflict: the one place slots are counted up.

    One statement, while the hire holds the gig's lock: the count goes up only on an open gig with a slot left
    (what makes overbooking impossible), and the last slot fills the gig (open → filled, a move of
    GigStatus.TRANSITIONS). `gig` is the row read under that lock, so it is then kept as the row now stands
    instead of being read again."""
    taken = Gig.objects.filter(pk=gig.pk, status=GigStatus.OPEN, accepted_count__lt=F("headcount")).update(
        accepted_count=F("accepted_count") + 1,
        status=Case(When(accepted_count__gte=F("headcount") - 1, then=Value(GigStatus.FILLED.value)),
                    default=F("status")))
    if not taken:
        gig.refresh_from_db(fields=["status", "accepted_count"])
        if gig.status in (GigStatus.OPEN, GigStatus.FILLED):
            raise _no_slots_left()
        raise gig.not_open_refusal()
    gig.accepted_count += 1
    if gig.accepted_count >= gig.headcount:
        gig.status = GigStatus.FILLED


def _free_slot(gig: Gig, now: dt.datetime) -> None:
    """Give a slot back; a filled gig that has not started opens again."""
    Gig.objects.filter(pk=gig.pk, accepted_count__gt=0).update(accepted_count=F("accepted_count") - 1)
    Gig.moved(Gig.objects.filter(pk=gig.pk, status=GigStatus.FILLED, starts_at__gt=now), GigStatus.OPEN)


# What a hire writes into the agreement and the news, read with the locked rows so that no more round trips are
# made while the gig's lock is held: the gig's trade, employer and center, and the worker's account.
HIRE_READS = ("gig__category", "gig__employer", "gig__center", "worker__user")


def _gig_to_hire_on(gig_pk: int) -> Gig:
    """The gig locked for a hire, read with its part of HIRE_READS."""
    return locked(Gig.objects.select_related(*(path.removeprefix("gig__") for path in HIRE_READS
                                               if path.startswith("gig__"))), gig_pk)


def _take_gig(worker: WorkerProfile, gig: Gig, now: dt.datetime, for_staff: bool = False) -> Assignment:
    """The one way a worker takes an instant gig's slot, by their own accept or by staff at a center for them.
    The worker's row and then the gig's must already be locked (the order of "Locks" above)."""
    existing = Assignment.objects.filter(gig=gig, worker=worker).first()
    if existing:  # the rows just locked, with what the hire reads of them (an answered offer is hired from here)
        existing.gig, existing.worker = gig, worker
    matching.refuse_withdrawn_offer(existing, gig)
    if existing and existing.status in SLOT_HOLDING:
        return existing
    answering_offer = existing is not None and existing.status in (AssignmentStatus.OFFERED,
                                                                   AssignmentStatus.WITHDRAWN)
    if gig.hiring_mode != HiringMode.INSTANT and not answering_offer:
        raise Conflict(_("This gig hires by application: apply and the employer will choose."),
                       code="needs_application")
    if existing and not answering_offer:
        state = {"state": existing.get_status_display(), "name": worker.display_name}
        raise Conflict((_("%(name)s has already %(state)s this gig.") if for_staff else
                        _("You have already %(state)s this gig.")) % state, code="already_responded")
    if gig.status == GigStatus.FILLED:
        raise _no_slots_left()  # read under the gig's lock: the workers queued behind the winners leave at once
    _check_worker_may_take(worker, gig, now, for_staff)
    _take_slot(gig)
    assignment = existing or Assignment(gig=gig, worker=worker)
    via = "counter" if for_staff else "offer" if answering_offer else "instant"
    return _hire(assignment, now, via)


def _hire(assignment: Assignment, now: dt.datetime, via: str) -> Assignment:
    """The one place an assignment becomes hired, once its slot is taken: on every path (an instant take, an
    offer answered, staff at a counter, an applicant hired), and with its written agreement drawn up in the
    same transaction, so that no hired worker is without one."""
    from agreements.services import draw_up, tell_ready

    assignment.move_to(AssignmentStatus.ACCEPTED)
    assignment.accepted_at = now
    assignment.save()
    agreement = draw_up(assignment, now=now, via=via)
    events.worker_took_slot(assignment)
    tell_ready(agreement)  # after the news of the hire: both sides read it and accept it
    return assignment


def turn_away_when_full(gig_id: int, *, actor) -> None:
    """Refuse a worker an instant gig whose last slot is gone, from one read and before anything else is read.

    Hundreds of workers may tap a gig in the second it fills; those after the last slot are told so here
    instead of queueing for the gig's row lock, which the winners hold while they are hired: the same answer
    the locked path gives them a moment later (a gig fills in a committed transaction, and a read that still
    finds it open goes the locked way). A full gig is public, so the answer tells nobody anything the gig's
    page does not; whoever is not a worker, or already has an assignment on it (a repeated accept returns
    their slot, an offer is answered), goes the full way, where who may act is decided."""
    if not (_active(actor) and actor.role == Role.WORKER):
        return
    with connection.cursor() as cursor:
        cursor.execute(_turn_away_sql(), [gig_id, GigStatus.FILLED.value, HiringMode.INSTANT.value, actor.pk, actor.pk])
        full = cursor.fetchone() is not None
    if full:
        raise _no_slots_left()


@functools.cache
def _turn_away_sql() -> str:
    """turn_away_when_full's one read, written out: Django built the same statement (with its two EXISTS) in
    0.9 ms a request, five times the time the database took to answer it, for each worker of the crowd."""
    quote = connection.ops.quote_name
    gig, assignment, profile = (quote(model._meta.db_table) for model in (Gig, Assignment, WorkerProfile))
    return (f"SELECT 1 FROM {gig} g WHERE g.id = %s AND g.status = %s AND g.hiring_mode = %s"
            f" AND EXISTS (SELECT 1 FROM {profile} p WHERE p.user_id = %s)"
            f" AND NOT EXISTS (SELECT 1 FROM {assignment} a JOIN {profile} w ON w.id = a.worker_id"
            f" WHERE a.gig_id = g.id AND w.user_id = %s)")


def accept_gig(gig: Gig, *, actor, now: dt.datetime | None = None) -> Assignment:
    """即时快招: the first `headcount` qualified workers to accept get the slots. Accepting twice is harmless."""
    turn_away_when_full(gig.pk, actor=actor)
    return _accept(gig.pk, worker_of(actor), now or timezone.now())


@atomic_with_retry
def _accept(gig_pk: int, worker: WorkerProfile, now: dt.datetime) -> Assignment:
    worker = _lock_worker(worker)
    return _take_gig(worker, _gig_to_hire_on(gig_pk), now)


DISPATCH_CONSENT_NEEDED = gettext_lazy("The worker must agree to take this gig; tick the box once they have.")


@atomic_with_retry
def assign_for_worker(gig: Gig, worker: WorkerProfile, *, actor, center, consent: bool,
                      now: dt.datetime | None = None) -> Assignment:
    """Staff at `center` take a slot of an instant gig for a worker in front of them (派工), with the worker's
    consent recorded: exactly as the worker's own accept (same locks, rules and refusals), then the worker leaves
    the hall for the gig. The gig may belong to any center: the city's gigs are open to every center's walk-ins.
    Staff act for workers registered at their center or waiting in its hall today."""
    from centers.services import leave_for_gig
    from workers import consents
    from workers.services import check_serves_worker, record_consent

    if not consent:
        raise ValidationError({"consent": DISPATCH_CONSENT_NEEDED})
    now = now or timezone.now()
    check_serves_worker(actor, center, worker, now)
    worker = _lock_worker(worker)
    gig = _gig_to_hire_on(gig.pk)
    existing = Assignment.objects.filter(gig=gig, worker=worker).first()
    before = snapshot(existing, "status") if existing else None
    assignment = _take_gig(worker, gig, now, for_staff=True)
    if not hasattr(assignment, "dispatch_consent"):
        record_consent(worker, consents.DISPATCH, actor=actor, center=center, now=now, assignment=assignment)
        record_action(actor, "worker_dispatched", assignment, center=center, subject_id=worker.user_id,
                      before=before, after={**snapshot(assignment, "status", "gig", "accepted_at"),
                                            "gig_code": gig.code, "gig_center": gig.center_id}, now=now)
    leave_for_gig(worker.pk, center, actor=actor, now=now)
    return assignment


@atomic_with_retry
def apply_to_gig(gig: Gig, *, actor, now: dt.datetime | None = None) -> Assignment:
    """Apply to a gig that hires by application; applying twice is harmless."""
    now = now or timezone.now()
    worker = _lock_worker(worker_of(actor))
    gig = locked(Gig.objects.select_related("category"), gig.pk)
    existing = Assignment.objects.filter(gig=gig, worker=worker).first()
    if existing and existing.status in (AssignmentStatus.APPLIED, *SLOT_HOLDING):
        return existing
    if existing:
        raise Conflict(_("You have already %(state)s this gig.") % {"state": existing.get_status_display()},
                       code="already_responded")
    if gig.status != GigStatus.OPEN:
        raise gig.not_open_refusal()
    if gig.hiring_mode != HiringMode.APPLICATION:
        raise Conflict(_("This gig is instant hiring: accept it directly."), code="instant_gig")
    _check_worker_may_take(worker, gig, now)
    assignment = Assignment.objects.create(gig=gig, worker=worker, status=AssignmentStatus.APPLIED)
    events.applied(assignment)
    return assignment


@atomic_with_retry
def hire_applicant(assignment: Assignment, *, actor, now: dt.datetime | None = None) -> Assignment:
    """The employer picks an applicant: the applicant takes a slot, by the same rule as instant hiring."""
    now = now or timezone.now()
    _check_employer_of(actor, assignment)
    assignment = _locked_assignment(assignment, *HIRE_READS)
    worker = assignment.worker
    if assignment.status in SLOT_HOLDING:
        return assignment
    if assignment.status != AssignmentStatus.APPLIED:
        raise Conflict(_("Only an applicant can be hired."), code="not_applicant")
    _check_worker_may_take(worker, assignment.gig, now)
    _take_slot(assignment.gig)
    return _hire(assignment, now, "application")


@atomic_with_retry
def decline_applicant(assignment: Assignment, *, actor, reason: str = "") -> Assignment:
    assignment = _locked_assignment(assignment, "gig")
    _check_employer_of(actor, assignment)
    if assignment.status != AssignmentStatus.APPLIED:
        raise Conflict(_("Only an applicant can be declined."), code="not_applicant")
    assignment.move_to(AssignmentStatus.DECLINED)
    assignment.cancel_reason = reason
    assignment.save()
    return assignment


@atomic_with_retry
def cancel_assignment(assignment: Assignment, *, actor, reason: str = "",
                      now: dt.datetime | None = None) -> Assignment:
    """A worker withdraws, or an employer lets one worker go, before the work starts.

    A worker may withdraw free just after accepting; withdrawing close to the start is a strike.
    An employer letting a worker go close to the start owes show-up pay.
    """
    now = now or timezone.now()
    assignment = _locked_assignment(assignment, "gig", "worker")
    by = _side_of(actor, assignment)
    gig = assignment.gig
    if assignment.status in (AssignmentStatus.OFFERED, AssignmentStatus.APPLIED):
        assignment.move_to(AssignmentStatus.DECLINED if by == "worker" else AssignmentStatus.CANCELLED)
        assignment.cancelled_at, assignment.cancelled_by, assignment.cancel_reason = now, by, reason
        assignment.save()
        return assignment
    if assignment.status != AssignmentStatus.ACCEPTED:
        raise Conflict(_("Only an accepted gig that has not started can be cancelled."), code="bad_transition")
    if by == "employer":
        _employer_cancels(assignment, gig, reason, now)
        events.cancelled_by_employer([assignment], gig)
    else:
        assignment.move_to(AssignmentStatus.CANCELLED)
        assignment.cancelled_at, assignment.cancelled_by, assignment.cancel_reason = now, by, reason
        assignment.save()
        if worker_cancel_costs_strike(assignment, now):
            give_strike(assignment, Strike.Reason.LATE_CANCEL, now)
    _free_slot(gig, now)
    events.slot_freed(assignment)
    gig.refresh_from_db(fields=["status", "accepted_count"])
    if gig.status == GigStatus.OPEN:
        matching.start_matching(gig, now)
    return assignment


def worker_cancel_costs_strike(assignment: Assignment, now: dt.datetime) -> bool:
    """Free just after taking a gig (FREE_CANCEL_MINUTES); later and under LATE_CANCEL_HOURS before the start,
    a strike. The pages ask it too, to warn before a worker cancels."""
    free = assignment.accepted_at and now - assignment.accepted_at <= rules.minutes("FREE_CANCEL_MINUTES")
    return not free and assignment.gig.starts_at - now < rules.hours("LATE_CANCEL_HOURS")


# --- Strikes and suspension ------------------------------------------------------------------

def give_strike(assignment: Assignment, reason: str, now: dt.datetime) -> Strike:
    """Record a strike; enough strikes within the window suspend the worker from taking gigs."""
    worker = assignment.worker
    strike, _created = Strike.objects.get_or_create(
        assignment=assignment, defaults={"worker": worker, "reason": reason, "created_at": now})
    recent = Strike.objects.filter(worker=worker, cleared_at__isnull=True,
                                   created_at__gt=now - rules.days("STRIKE_WINDOW_DAYS")).count()
    if recent >= rules.rule("STRIKES_TO_SUSPEND"):
        WorkerProfile.objects.filter(pk=worker.pk).update(suspended_until=now + rules.days("SUSPENSION_DAYS"))
    return strike


def clear_earned_strikes(worker: WorkerProfile, now: dt.datetime) -> int:
    """The oldest strike clears once CLEAN_GIGS_TO_CLEAR_STRIKE gigs are completed after it (and after the
    last strike cleared), so each strike takes its own run of clean gigs."""
    oldest = Strike.objects.filter(worker=worker, cleared_at__isnull=True).order_by("created_at").first()
    if oldest is None:
        return 0
    last_cleared = Strike.objects.filter(worker=worker, cleared_at__isnull=False).aggregate(
        last=Max("cleared_at"))["last"]
    since = max(oldest.created_at, last_cleared) if last_cleared else oldest.created_at
    clean = Assignment.objects.filter(worker=worker, status=AssignmentStatus.COMPLETED, completed_at__gt=since)
    if clean.count() < rules.rule("CLEAN_GIGS_TO_CLEAR_STRIKE"):
        return 0
    oldest.cleared_at = now
    oldest.save(update_fields=["cleared_at"])
    return 1


# --- On the day: check-in, check-out ----------------------------------------------------------

def check_in_code(gig: Gig, now: dt.datetime, step: int = 0) -> tuple[str, dt.datetime]:
    """The 6-digit code the employer's phone shows at the site (as a QR too); it changes every minute."""
    period = rules.rule("CHECK_IN_CODE_SECONDS")
    window = int(now.timestamp()) // period + step
    digest = hmac.new(gig.check_in_secret.encode(), str(window).encode(), hashlib.sha256).digest()
    code = f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"
    valid_until = dt.datetime.fromtimestamp((window + 1) * period, tz=dt.UTC)
    return code, valid_until


def slip_code(assignment: Assignment) -> str:
    """The 8-digit code printed on a dispatch slip (派工单), and held by its QR: it stands for this worker on this
    gig and is made from the gig's check-in secret, so only the slip printed for the assignment carries it. It
    does not check anyone in by itself: the gig's employer or center staff, logged in, use it on site."""
    digest = hmac.new(assignment.gig.check_in_secret.encode(), f"slip:{assignment.pk}".encode(),
                      hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:5], 'big') % 100_000_000:08d}"


def slip_code_matches(assignment: Assignment, typed) -> bool:
    """Whether what was typed or scanned (full-width digits and spaces allowed) is the slip's code."""
    try:
        typed = ascii_form(typed)
    except ValidationError:
        return False
    return typed.isascii() and hmac.compare_digest(slip_code(assignment), typed)


def _may_check_in(assignment: Assignment, now: dt.datetime) -> bool:
    """Whether the worker still has to be checked in (False: they are already); refuses outside the window."""
    gig = assignment.gig
    if assignment.status == AssignmentStatus.CHECKED_IN:
        return False
    if assignment.status != AssignmentStatus.ACCEPTED:
        raise Conflict(_("Only an accepted gig can be checked in to."), code="bad_transition")
    opens = gig.starts_at - rules.minutes("CHECK_IN_OPENS_MINUTES")
    if now < opens:
        raise Conflict(_("Check-in opens %(m)s minutes before the start.")
                       % {"m": rules.rule("CHECK_IN_OPENS_MINUTES")}, code="too_early")
    if now > gig.ends_at:
        raise Conflict(_("The gig has ended."), code="ended")
    return True


def _mark_checked_in(assignment: Assignment, now: dt.datetime, method: str) -> Assignment:
    assignment.check_in_method = method
    assignment.move_to(AssignmentStatus.CHECKED_IN)
    assignment.checked_in_at = now
    assignment.save()
    Gig.moved(Gig.objects.filter(pk=assignment.gig_id), GigStatus.IN_PROGRESS)
    events.checked_in(assignment)
    return assignment


def check_in(assignment: Assignment, *, actor, now: dt.datetime | None = None, latitude=None, longitude=None,
             accuracy=None, code: str | None = None) -> Assignment:
    """Check in at the site: by location inside the geofence, or by the code shown at the site.

    A wrong code is counted and the count kept (the refusal is raised after the transaction commits): five per
    assignment and fifteen a day per worker, then the code is refused and location or the employer remain, so
    a million six-digit codes cannot be tried. A location that says how exact it is (`accuracy`, metres, as
    the browser's geolocation gives it) is required for a location and must be exact enough to place the worker
    at the site; it is kept. A location equal to the gig's published point (copied, not read) is refused, and so
    is one implying a jump from the worker's last known location faster than CHECK_IN_IMPOSSIBLE_KMH; a jump
    faster than CHECK_IN_VEHICLE_KMH checks in but is flagged. Each of these is kept (SuspiciousCheckIn) for the
    staff of the gig's center."""
    outcome = _check_in(assignment, actor=actor, now=now or timezone.now(), latitude=latitude,
                        longitude=longitude, accuracy=accuracy, code=code)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _code_failures_today(worker_id: int, now: dt.datetime) -> int:
    day = dt.timedelta(days=1)
    return Assignment.objects.filter(worker_id=worker_id, gig__starts_at__range=(now - day, now + day)).aggregate(
        failures=Sum("check_in_code_failures"))["failures"] or 0


def _check_code(assignment: Assignment, code, now: dt.datetime) -> Exception | None:
    if (assignment.check_in_code_failures >= rules.rule("CHECK_IN_CODE_MAX_FAILURES")
            or _code_failures_today(assignment.worker_id, now) >= rules.rule("CHECK_IN_CODE_FAILURES_PER_DAY")):
        return Conflict(_("Too many wrong codes: check in by your location, or ask the employer to check you "
                          "in."), code="too_many_codes")
    gig = assignment.gig
    if str(code).strip() in {check_in_code(gig, now)[0], check_in_code(gig, now, step=-1)[0]}:
        return None
    Assignment.objects.filter(pk=assignment.pk).update(check_in_code_failures=F("check_in_code_failures") + 1)
    return ValidationError({"code": _("The code is wrong or has expired; read the current code at the site.")})


COPIED_POINT_DEGREES = 1e-6  # about 0.1 m: no phone's reading lands this close to the published point by chance


def _is_published_point(gig: Gig, latitude: float, longitude: float) -> bool:
    return any(lat is not None and abs(latitude - lat) <= COPIED_POINT_DEGREES
               and abs(longitude - lng) <= COPIED_POINT_DEGREES
               for lat, lng in ((gig.latitude, gig.longitude), (gig.site_latitude, gig.site_longitude)))


def _check_location(gig: Gig, latitude, longitude, accuracy) -> float:
    """How far the reported point is from the site, in metres, if it is believable as a reading there."""
    if latitude is None or longitude is None:
        raise ValidationError({"latitude": _("Send your location, or the code shown at the site.")})
    validate_point(latitude, longitude)
    if accuracy is None:
        raise ValidationError({"accuracy": _("Send how exact your location is (accuracy, in metres, as the phone "
                                             "gives it with the location), or use the code shown at the site.")})
    if not 0 <= float(accuracy) <= rules.rule("CHECK_IN_MAX_ACCURACY_METERS"):
        raise ValidationError({"accuracy": _("Your location is not exact enough (within %(m)s m is needed); "
                                             "wait for the phone to find it, or use the code shown at the site.")
                               % {"m": rules.rule("CHECK_IN_MAX_ACCURACY_METERS")}})
    return distance_km(Point(float(latitude), float(longitude)), gig.site_point) * 1000


def _outside_geofence(metres: float) -> ValidationError | None:
    limit = rules.rule("GEOFENCE_METERS")
    if metres <= limit:
        return None
    return ValidationError({"latitude": _("You are %(d)s m from the site; check in within %(limit)s m, or use the "
                                          "code shown at the site.") % {"d": round(metres), "limit": limit}})


def _jump(worker: WorkerProfile, point: Point, now: dt.datetime) -> dict | None:
    """The move from the worker's last known location to `point`, when it is long enough to measure."""
    if worker.current_at is None or worker.current_latitude is None or worker.current_at > now:
        return None
    km = distance_km(Point(worker.current_latitude, worker.current_longitude), point)
    if km < rules.rule("CHECK_IN_JUMP_MIN_KM"):
        return None
    minutes = (now - worker.current_at).total_seconds() / 60
    return {"jump_km": round(km, 1), "jump_minutes": int(minutes),
            "speed_kmh": round(km / (max(minutes, 1) / 60))}


def _flag_check_in(assignment: Assignment, reason: str, *, refused: bool, now: dt.datetime,
                   **values) -> SuspiciousCheckIn:
    """Keep a suspicious check-in for the staff of the gig's center (one row per assignment and reason)."""
    flag, created = SuspiciousCheckIn.objects.get_or_create(
        assignment=assignment, reason=reason,
        defaults={"refused": refused, "created_at": now, "last_at": now, **values})
    if not created:
        SuspiciousCheckIn.objects.filter(pk=flag.pk).update(
            attempts=F("attempts") + 1, refused=refused, last_at=now, reviewed_at=None, reviewed_by=None, **values)
    return flag


def _check_location_reading(assignment: Assignment, latitude, longitude, accuracy,
                            now: dt.datetime) -> ValidationError | None:
    """Whether the reported location is a reading at the site. A copied published point and a jump no vehicle
    could make are refused and kept for staff; a jump faster than a vehicle in town is kept and let through."""
    gig = assignment.gig
    metres = _check_location(gig, latitude, longitude, accuracy)
    latitude, longitude = float(latitude), float(longitude)
    seen = {"distance_m": round(metres), "accuracy_m": round(float(accuracy))}
    if _is_published_point(gig, latitude, longitude):
        _flag_check_in(assignment, SuspiciousCheckIn.Reason.COPIED_POINT, refused=True, now=now, **seen)
        return ValidationError({"latitude": _(
            "This is the site's published point, not where your phone is: let the page read your location, or "
            "use the code shown at the site.")})
    refusal = _outside_geofence(metres)
    if refusal:
        return refusal
    worker = assignment.worker
    jump = _jump(worker, Point(latitude, longitude), now)
    if jump and jump["speed_kmh"] > rules.rule("CHECK_IN_IMPOSSIBLE_KMH"):
        _flag_check_in(assignment, SuspiciousCheckIn.Reason.IMPOSSIBLE_JUMP, refused=True, now=now, **seen, **jump)
        return ValidationError({"latitude": _(
            "Your phone was %(km)s km from here %(minutes)s minutes ago: this location cannot be right. Let the "
            "page read your location again, or use the code shown at the site.")
            % {"km": jump["jump_km"], "minutes": jump["jump_minutes"]}})
    if jump and jump["speed_kmh"] > rules.rule("CHECK_IN_VEHICLE_KMH"):
        _flag_check_in(assignment, SuspiciousCheckIn.Reason.FAST_JUMP, refused=False, now=now, **seen, **jump)
    assignment.check_in_distance_m, assignment.check_in_accuracy_m = seen["distance_m"], seen["accuracy_m"]
    # The check-in is a reading of where the worker is: the next jump is measured from here.
    WorkerProfile.objects.filter(pk=worker.pk).update(current_latitude=latitude, current_longitude=longitude,
                                                      current_at=now)
    return None


@atomic_with_retry
def _check_in(assignment: Assignment, *, actor, now: dt.datetime, latitude, longitude, accuracy,
              code) -> Assignment | Exception:
    assignment = _locked_assignment(assignment, "gig", "worker")
    _check_worker_on(actor, assignment)
    if not _may_check_in(assignment, now):
        return assignment
    if code is not None:
        refusal = _check_code(assignment, code, now)
        return refusal or _mark_checked_in(assignment, now, CheckInMethod.CODE)
    refusal = _check_location_reading(assignment, latitude, longitude, accuracy, now)
    return refusal or _mark_checked_in(assignment, now, CheckInMethod.GPS)


def review_suspicious_check_in(flag: SuspiciousCheckIn, *, actor, now: dt.datetime | None = None
                               ) -> SuspiciousCheckIn:
    """Staff of the gig's center (or the city) have looked at a suspicious check-in (and, say, called the worker
    or the employer): it leaves the list of those to look at. Audited."""
    now = now or timezone.now()
    gig = flag.assignment.gig
    if not may_manage_center(actor, gig.center_id):
        raise PermissionDenied(_("Only the staff of the gig's center review its check-ins."))
    if flag.reviewed_at is None:
        flag.reviewed_at, flag.reviewed_by = now, actor
        flag.save(update_fields=["reviewed_at", "reviewed_by"])
        record_action(actor, "suspicious_check_in_reviewed", flag, center=gig.center,
                      subject_id=flag.assignment.worker.user_id,
                      after={"reason": flag.reason, "refused": flag.refused, "gig": gig.code}, now=now)
    return flag


def slip_checker(actor, assignment: Assignment) -> str:
    """Who may check a worker in from their dispatch slip, as the check-in method it records: the gig's employer
    (the slip), or staff of the gig's center or of the center that sent the worker, and the city (staff). Not
    the worker: the slip's code must not let anyone check in from afar."""
    if _active(actor) and actor.role == Role.EMPLOYER:
        _check_employer_of(actor, assignment)
        return CheckInMethod.SLIP
    consent = getattr(assignment, "dispatch_consent", None)
    if may_manage_center(actor, assignment.gig.center_id) or (
            consent is not None and may_manage_center(actor, consent.center_id)):
        return CheckInMethod.STAFF
    raise PermissionDenied(_("Only the gig's employer or the staff of its center check a worker in from a "
                             "dispatch slip."))


@atomic_with_retry
def check_in_by_slip(assignment: Assignment, *, actor, code: str, now: dt.datetime | None = None) -> Assignment:
    """A worker without a phone shows their dispatch slip at the site: the employer (or staff there) scans its QR
    or types its code, and the worker is checked in under the same rules as their own check-in (accepted, from
    CHECK_IN_OPENS_MINUTES before the start to the end). Staff check-ins go to the audit log."""
    now = now or timezone.now()
    assignment = _locked_assignment(assignment, "gig", "worker")
    method = slip_checker(actor, assignment)
    if not slip_code_matches(assignment, code):
        raise ValidationError({"code": _("This is not the code on this worker's dispatch slip.")})
    if not _may_check_in(assignment, now):
        return assignment
    _mark_checked_in(assignment, now, method)
    if method == CheckInMethod.STAFF:
        record_action(actor, "checked_in_by_staff", assignment, center=assignment.gig.center,
                      subject_id=assignment.worker.user_id, after=snapshot(assignment, "status", "checked_in_at"),
                      now=now)
    return assignment


@atomic_with_retry
def check_out(assignment: Assignment, *, actor, now: dt.datetime | None = None) -> Assignment:
    """The worker leaves the site, or the employer signs them out."""
    now = now or timezone.now()
    assignment = _locked_assignment(assignment, "gig")
    _side_of(actor, assignment)
    return _check_out(assignment, now)


def _check_out(assignment: Assignment, now: dt.datetime) -> Assignment:
    if assignment.status == AssignmentStatus.CHECKED_OUT:
        return assignment
    if assignment.status != AssignmentStatus.CHECKED_IN:
        raise Conflict(_("Check in before checking out."), code="bad_transition")
    if now < assignment.gig.starts_at:
        raise Conflict(_("The gig has not started yet: check out after %(start)s. If the work is off, the "
                         "employer cancels the gig.") % {
            "start": timezone.localtime(assignment.gig.starts_at).strftime("%Y-%m-%d %H:%M")}, code="not_started")
    assignment.move_to(AssignmentStatus.CHECKED_OUT)
    assignment.checked_out_at = now
    # Staying on, or forgetting to check out, adds no time past the gig's end (the agreed hours); arriving
    # early, within the check-in window, counts.
    until = min(now, assignment.gig.ends_at)
    assignment.minutes_worked = max(0, int((until - assignment.checked_in_at).total_seconds() // 60))
    assignment.save()
    return assignment


@atomic_with_retry
def end_gig_early(gig: Gig, *, actor, reason: str, now: dt.datetime | None = None) -> Gig:
    """The employer stops a gig under way before its end (the rain came, the work ran out).

    Everyone still on site is checked out now; workers still on their way (within the no-show grace) are let go
    as by an employer's cancellation, so they are owed show-up pay. The gig now ends at this moment, its posted
    end and the reason are kept, and hourly workers may still be paid the hours it was posted for.
    """
    now = now or timezone.now()
    gig = Gig.objects.select_for_update().get(pk=gig.pk)
    _check_owner(actor, gig)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the gig ends early; the workers are shown it.")})
    if gig.status not in (GigStatus.OPEN, GigStatus.FILLED, GigStatus.IN_PROGRESS):
        raise Conflict(_("Only a gig under way can be ended early."), code="not_under_way")
    if now < gig.starts_at:
        raise Conflict(_("The gig has not started: cancel it instead."), code="not_started")
    if now >= gig.ends_at:
        raise Conflict(_("The gig has already ended."), code="ended")
    assignments = list(gig.assignments.select_for_update().select_related("worker").filter(
        status__in=(AssignmentStatus.ACCEPTED, AssignmentStatus.CHECKED_IN)).order_by("id"))
    on_the_way = []
    for assignment in assignments:
        assignment.gig = gig
        if assignment.status == AssignmentStatus.CHECKED_IN:
            _check_out(assignment, now)
        elif now - gig.starts_at <= rules.minutes("NO_SHOW_AFTER_MINUTES"):
            _employer_cancels(assignment, gig, reason, now)
            on_the_way.append(assignment)
    gig.move_to(GigStatus.IN_PROGRESS)
    gig.planned_ends_at, gig.ends_at = gig.ends_at, now
    gig.ended_early_at, gig.end_early_reason = now, reason
    gig.accepted_count = gig.assignments.filter(status__in=SLOT_HOLDING).count()
    gig.save()
    _complete_gig_if_done(gig)
    events.cancelled_by_employer(on_the_way, gig)
    events.gig_closed(gig)
    return gig


# --- Pay and ratings -------------------------------------------------------------------------

@atomic_with_retry
def record_pay(assignment: Assignment, *, actor, quantity: Decimal, reason: str = "",
               now: dt.datetime | None = None) -> Assignment:
    """The employer confirms the work and records what is due: quantity (hours, days, pieces, 1 job) × rate.

    Until the worker confirms it, the employer may correct it, saying why; every version is kept as a
    PayRecord and the worker is told of each. The quantity is bounded by Assignment.max_pay_quantity.
    """
    now = now or timezone.now()
    assignment = _locked_assignment(assignment, "gig", "worker")
    _check_employer_of(actor, assignment)
    if assignment.pay_status == PayStatus.CONFIRMED:
        raise Conflict(_("The worker has confirmed this pay; it can no longer be changed."), code="pay_settled")
    correcting = assignment.pay_recorded_at is not None
    if not correcting and assignment.status not in (AssignmentStatus.CHECKED_OUT, AssignmentStatus.CHECKED_IN):
        raise Conflict(_("Pay is recorded after the worker has checked in and worked."), code="bad_transition")
    reason = (reason or "").strip()
    if correcting and not reason:
        raise ValidationError({"reason": _("Say why the pay is corrected; the worker is shown it.")})
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ValidationError({"quantity": _("The quantity must be more than zero.")})
    if assignment.gig.pay_unit == PayUnit.JOB and quantity != 1:
        raise ValidationError({"quantity": _("A gig paid per job is paid for 1 job.")})
    if assignment.status == AssignmentStatus.CHECKED_IN:
        assignment = _check_out(assignment, now)
    limit = assignment.max_pay_quantity
    if limit is not None and quantity > limit:
        raise ValidationError({"quantity": _("At most %(limit)s can be recorded for this gig paid %(unit)s (%(why)s).")
                               % {"limit": f"{limit.normalize():f}", "unit": PayUnit(assignment.gig.pay_unit).label,
                                  "why": _pay_limit_reason(assignment)}})
    amount_due = (quantity * assignment.gig.pay_amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount_due >= MAX_AMOUNT:
        raise ValidationError({"quantity": _("%(q)s × %(rate)s is more than any gig pays; check the quantity.")
                               % {"q": quantity, "rate": assignment.gig.pay_amount}})
    if correcting and (quantity, amount_due) == (assignment.pay_quantity, assignment.amount_due):
        return assignment  # the same pay sent again: nothing to correct
    previous = assignment.amount_due
    PayRecord.objects.create(assignment=assignment, quantity=quantity, amount=amount_due, recorded_by=actor,
                             recorded_at=now, reason=reason)
    assignment.pay_quantity = quantity
    assignment.amount_due = amount_due
    if correcting:
        assignment.save(update_fields=["pay_quantity", "amount_due", "updated_at"])
        events.pay_corrected(assignment, previous=previous, reason=reason)
        return assignment
    if assignment.pay_status == PayStatus.NOT_DUE:
        assignment.pay_status = PayStatus.RECORDED  # a dispute raised before any pay was recorded stays open
    assignment.pay_recorded_at = now
    assignment.move_to(AssignmentStatus.COMPLETED)
    assignment.completed_at = now
    assignment.save()
    clear_earned_strikes(assignment.worker, now)
    _complete_gig_if_done(assignment.gig)
    events.pay_recorded(assignment)
    return assignment


def _pay_limit_reason(assignment: Assignment) -> str:
    gig = assignment.gig
    if gig.pay_unit == PayUnit.PIECE:
        return _("the most pieces stated for the gig")
    if gig.pay_unit == PayUnit.DAY:
        if gig.ended_early_at:
            return _("the days the gig was posted for, as it was ended early")
        return _("the days the worker was on site, each 24 hours from the start being one")
    if gig.ended_early_at:
        return _("the hours worked or, as the gig was ended early, the hours it was posted for")
    return _("the time worked, rounded up to the quarter hour")


def _complete_gig_if_done(gig: Gig) -> None:
    unfinished = gig.assignments.filter(status__in=(AssignmentStatus.ACCEPTED, AssignmentStatus.CHECKED_IN,
                                                    AssignmentStatus.CHECKED_OUT)).exists()
    if not unfinished:
        Gig.moved(Gig.objects.filter(pk=gig.pk), GigStatus.COMPLETED)


@atomic_with_retry
def confirm_paid(assignment: Assignment, *, actor, amount_due: Decimal | None = None,
                 now: dt.datetime | None = None) -> Assignment:
    """The worker says the money arrived. Money never passes through the platform.

    With `amount_due`, the amount the worker saw: if the employer corrected the pay meanwhile, nothing is
    confirmed, so a worker never confirms an amount they were not shown.
    """
    now = now or timezone.now()
    assignment = _locked_assignment(assignment)
    _check_worker_on(actor, assignment)
    if assignment.pay_status == PayStatus.CONFIRMED:
        return assignment
    if assignment.pay_status not in (PayStatus.RECORDED, PayStatus.DISPUTED):
        raise Conflict(_("The employer has not recorded the pay yet."), code="pay_not_recorded")
    if amount_due is not None and Decimal(amount_due) != assignment.amount_due:
        raise Conflict(_("The employer has changed the pay to %(amount)s yuan; check it before confirming.")
                       % {"amount": assignment.amount_due}, code="pay_changed")
    assignment.pay_status = PayStatus.CONFIRMED
    assignment.pay_confirmed_at = now
    assignment.save()
    WageDispute.moved(WageDispute.objects.filter(assignment=assignment), WageDispute.Status.RESOLVED,
                      resolved_at=now)
    return assignment


@atomic_with_retry
def dispute_pay(assignment: Assignment, *, actor, reason: str, amount_claimed: Decimal | None = None,
                now: dt.datetime | None = None) -> WageDispute:
    """The worker says the money did not arrive, or not all of it (欠薪): recorded for the center to mediate."""
    assignment = _locked_assignment(assignment, "gig")
    _check_worker_on(actor, assignment)
    if assignment.status not in (AssignmentStatus.CHECKED_OUT, AssignmentStatus.COMPLETED):
        raise Conflict(_("A wage dispute is raised after the work is done."), code="bad_transition")
    if assignment.pay_status == PayStatus.CONFIRMED:
        raise Conflict(_("You confirmed this pay arrived."), code="pay_settled")
    if hasattr(assignment, "wage_dispute"):
        return assignment.wage_dispute
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Say what happened.")})
    claimed = amount_claimed if amount_claimed is not None else assignment.amount_due
    if claimed is None:
        raise ValidationError({"amount_claimed": _("Say how much you are owed.")})
    dispute = WageDispute(assignment=assignment, reason=reason.strip(), amount_claimed=claimed)
    dispute.full_clean()
    dispute.save()
    assignment.pay_status = PayStatus.DISPUTED
    assignment.save(update_fields=["pay_status", "updated_at"])
    events.pay_disputed(dispute)
    return dispute


@atomic_with_retry
def rate(assignment: Assignment, *, actor, score: int, comment: str = "") -> Rating:
    """Each side rates the other once, after the work is complete."""
    assignment = _locked_assignment(assignment, "gig")
    direction = (Rating.Direction.OF_EMPLOYER if _side_of(actor, assignment) == "worker"
                 else Rating.Direction.OF_WORKER)
    if assignment.status != AssignmentStatus.COMPLETED:
        raise Conflict(_("Ratings are given after the work is complete."), code="not_completed")
    if Rating.objects.filter(assignment=assignment, direction=direction).exists():
        raise Conflict(_("You have already rated this gig."), code="already_rated")
    rating = Rating(assignment=assignment, direction=direction, score=score, comment=comment)
    rating.full_clean(validate_constraints=False)
    rating.save()
    rated = (Employer.objects.filter(pk=assignment.gig.employer_id) if direction == Rating.Direction.OF_EMPLOYER
             else WorkerProfile.objects.filter(pk=assignment.worker_id))
    rated.update(rating_total=F("rating_total") + score, rating_count=F("rating_count") + 1)
    return rating


@atomic_with_retry
def settle_wage_dispute(dispute: WageDispute, *, actor, now: dt.datetime | None = None) -> WageDispute:
    """Staff of the gig's center (or the city) record that a wage dispute has been settled."""
    dispute = locked(WageDispute.objects.select_related("assignment__gig__center", "assignment__worker"),
                     dispute.pk)
    _check_center_staff(actor, dispute.assignment.gig.center_id)
    if dispute.status != WageDispute.Status.RESOLVED:
        before = snapshot(dispute, "status")
        dispute.move_to(WageDispute.Status.RESOLVED)
        dispute.resolved_at = now or timezone.now()
        dispute.save(update_fields=["status", "resolved_at"])
        record_action(actor, "wage_dispute_settled", dispute, center=dispute.assignment.gig.center,
                      subject_id=dispute.assignment.worker.user_id, before=before,
                      after=snapshot(dispute, "status", "resolved_at"), now=dispute.resolved_at)
    return dispute


# --- Background duties (run by the scheduler; each is idempotent) -----------------------------

def expire_past_gigs(now: dt.datetime) -> int:
    """Gigs whose start has passed: with nobody on them they expire, otherwise they are under way."""
    started = Gig.objects.filter(starts_at__lte=now)
    stale = started.filter(status__in=Gig.sources_of(GigStatus.EXPIRED), accepted_count=0).values_list("pk", flat=True)
    expired = sum(_expire_gig(gig_id, now) for gig_id in list(stale))
    under_way = Gig.moved(started.filter(status__in=(GigStatus.OPEN, GigStatus.FILLED)), GigStatus.IN_PROGRESS)
    return expired + under_way


@atomic_with_retry
def _expire_gig(gig_id: int, now: dt.datetime) -> int:
    """One gig expires with its unanswered offers withdrawn, in one transaction (the scheduler calls this outside
    any): the gig locked first, and looked at again under the lock, since a worker may have taken it meanwhile."""
    gig = locked(Gig.objects.select_related("category"), gig_id)
    if gig.accepted_count or gig.starts_at > now or gig.status not in Gig.sources_of(GigStatus.EXPIRED):
        return 0
    Gig.moved(Gig.objects.filter(pk=gig.pk), GigStatus.EXPIRED)
    events.gig_closed(gig)
    return 1


def mark_no_shows(now: dt.datetime) -> int:
    """Accepted workers not checked in NO_SHOW_AFTER_MINUTES after the start: no-show, a strike, slot freed."""
    late = Assignment.objects.filter(status=AssignmentStatus.ACCEPTED,
                                     gig__starts_at__lt=now - rules.minutes("NO_SHOW_AFTER_MINUTES"))
    return sum(_mark_no_show(assignment, now) for assignment in late.only("pk"))


@atomic_with_retry
def _mark_no_show(assignment: Assignment, now: dt.datetime) -> bool:
    assignment = _locked_assignment(assignment, "gig", "worker")
    if assignment.status != AssignmentStatus.ACCEPTED:
        return False
    assignment.move_to(AssignmentStatus.NO_SHOW)
    assignment.save(update_fields=["status", "updated_at"])
    give_strike(assignment, Strike.Reason.NO_SHOW, now)
    _free_slot(assignment.gig, now)
    _complete_gig_if_done(assignment.gig)
    events.no_show(assignment)
    return True


def clear_strikes(now: dt.datetime) -> int:
    workers = WorkerProfile.objects.filter(strikes__cleared_at__isnull=True).distinct()
    return sum(clear_earned_strikes(worker, now) for worker in workers)


def send_reminders(now: dt.datetime) -> int:
    """Remind accepted workers an hour before the start, once."""
    due = Assignment.objects.filter(status=AssignmentStatus.ACCEPTED, reminded_at__isnull=True,
                                    gig__starts_at__gt=now,
                                    gig__starts_at__lte=now + rules.minutes("CHECK_IN_OPENS_MINUTES"))
    count = 0
    for assignment in due.select_related("gig__category", "worker"):
        with transaction.atomic():
            if Assignment.objects.filter(pk=assignment.pk, reminded_at__isnull=True).update(reminded_at=now):
                events.reminder(assignment)
                count += 1
    return count


def add_favourite(worker: WorkerProfile, *, actor) -> None:
    """An employer keeps as favourites workers who have worked for it (were hired on one of its gigs): a
    favourite's card is open to the employer, so a list of anyone would open every worker's card."""
    employer = employer_of(actor)
    if not Assignment.objects.filter(gig__employer=employer, worker=worker, accepted_at__isnull=False).exists():
        raise PermissionDenied(_("You can keep as favourites only workers who have worked on your gigs."))
    FavouriteWorker.objects.get_or_create(employer=employer, worker=worker)


def remove_favourite(worker_id: int, *, actor) -> None:
    FavouriteWorker.objects.filter(employer=employer_of(actor), worker_id=worker_id).delete()


# --- An employer edits its own details -----------------------------------------------------------
EMPLOYER_FIELDS = {"name", "kind", "contact_name", "contact_phone", "credit_code"}
# Changing these on a verified (or rejected) employer sends it back for review.
EMPLOYER_REVIEWED_FIELDS = ("name", "kind", "credit_code")
CREDIT_CODE_TAKEN = gettext_lazy("This unified social credit code is already registered.")


@transaction.atomic
def update_employer(employer: Employer, *, actor, **fields) -> Employer:
    """Edit an employer's own details; a verified or rejected employer that changes its name,
    kind or credit code goes back to pending review."""
    if employer_of(actor).pk != employer.pk:
        raise PermissionDenied(_("Employers edit only their own details."))
    unknown = set(fields) - EMPLOYER_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    before = {name: getattr(employer, name) for name in EMPLOYER_REVIEWED_FIELDS}
    for name, value in fields.items():
        setattr(employer, name, value)
    employer.full_clean()  # normalises the credit code, so the comparison below is fair
    changed = any(getattr(employer, name) != value for name, value in before.items())
    if changed and employer.verification_status in (VerificationStatus.VERIFIED, VerificationStatus.REJECTED):
        employer.verification_status = VerificationStatus.PENDING
    try:
        with transaction.atomic():
            employer.save()
            if before["kind"] != employer.kind == Employer.Kind.INDIVIDUAL:
                _hide_household_sites(employer)
    except IntegrityError:
        raise ValidationError({"credit_code": CREDIT_CODE_TAKEN}) from None
    return employer


def _hide_household_sites(employer: Employer) -> None:
    """An organisation that turns out to be a household: its gigs' public places become approximate from now on,
    as if posted as a household. (The other way round nothing moves: a household's past sites stay private.)"""
    for gig in employer.gigs.filter(site_latitude__isnull=False):
        if not gig.hides_site:
            gig.employer = employer
            gig.place_at(gig.site_latitude, gig.site_longitude, gig.site_address)
            gig.save(update_fields=["latitude", "longitude", "address", "updated_at"])
