"""Writes about wage-arrears complaints: filing with evidence, each step staff take (audited), the employer's
response, and the scheduler's duties (escalating overdue complaints, reminding both sides of unconfirmed pay).

Every step goes through Complaint.move_to (the TRANSITIONS table) and is kept as a ComplaintStep with who took
it and when; the worker and the employer are told of each in their inbox."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from audit.services import record_action, snapshot
from centers.models import CenterStaff
from jobs.events import gig_brief
from jobs.exceptions import Conflict
from jobs.models import Assignment, AssignmentStatus, Compensation, PayStatus
from jobs.services import employer_of, worker_of
from notifications.models import Kind
from notifications.services import notify_each
from zero_gig.db import atomic_with_retry, locked
from zero_gig.timestamps import iso

from .deadlines import deadlines
from .models import UNRESOLVED, Complaint, ComplaintStatus, ComplaintStep, Evidence, Outcome, PayReminder
from .photos import CheckedPhoto, check_photos
from .rules import rule
from .selectors import amount_owed_on, filing_refusal, may_handle

MAX_AMOUNT = Decimal("1e8")
REMINDER_WINDOW = dt.timedelta(days=7)
MIN_STATEMENT = 4
MAX_TEXT = 2000
Event = ComplaintStep.Event


def _text(value) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def _statement(value, field: str, required: bool = True) -> str:
    text = _text(value)
    if required and len(text) < MIN_STATEMENT:
        raise ValidationError({field: _("Say what happened in a few words (at least %(n)s characters).")
                               % {"n": MIN_STATEMENT}})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: _("Keep it under %(n)s characters.") % {"n": f"{MAX_TEXT:,}"}})
    return text


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give the amount in yuan, e.g. 180 or 180.50.")}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount >= MAX_AMOUNT:
        raise ValidationError({field: _("The amount is more than any gig pays; check it.")})
    return amount


def _step(complaint: Complaint, event: str, actor, now: dt.datetime, note: str = "") -> ComplaintStep:
    return ComplaintStep.objects.create(complaint=complaint, event=event, actor=actor if actor and actor.pk else None,
                                        actor_role=getattr(actor, "role", "") or "", at=now, note=note)


def _tell(complaint: Complaint, event: str, user_ids, **extra) -> None:
    assignment = complaint.assignment
    payload = {"complaint": complaint.pk, "assignment": assignment.pk, "event": event,
               "status": complaint.status, "worker": assignment.worker.display_name,
               "amount_claimed": str(complaint.amount_claimed), "gig": gig_brief(assignment.gig), **extra}
    notify_each(Kind.PAY, [(user_id, payload) for user_id in dict.fromkeys(user_ids)])


def _sides(complaint: Complaint) -> list[int]:
    return [complaint.assignment.worker.user_id, complaint.employer.owner_id]


def _center_staff(center_id: int) -> list[int]:
    return list(CenterStaff.objects.filter(center_id=center_id, user__is_active=True)
                .values_list("user_id", flat=True).order_by("user_id"))


def _locked_complaint(complaint: Complaint) -> Complaint:
    return locked(Complaint.objects.select_related("assignment__gig__category", "assignment__worker", "center",
                                                   "employer"), complaint.pk)


# --- Filing -------------------------------------------------------------------------------------------------

def file_complaint(assignment: Assignment, *, actor, statement: str, amount_claimed=None, photos=(),
                   now: dt.datetime | None = None) -> Complaint:
    """The worker on the assignment complains that wages were not paid, with photos as evidence. Every photo
    is checked before anything is stored, and a failure after that removes the files already written, so a
    refused complaint leaves neither rows nor files behind."""
    worker_of(actor)
    checked = check_photos(photos)
    written: list[Evidence] = []
    try:
        return _file(assignment, actor=actor, statement=statement, amount_claimed=amount_claimed, checked=checked,
                     written=written, now=now or timezone.now())
    except BaseException:
        _remove(written)
        raise


def _remove(written: list[Evidence]) -> None:
    for evidence in written:
        evidence.photo.storage.delete(evidence.photo.name)
    written.clear()


@atomic_with_retry
def _file(assignment: Assignment, *, actor, statement, amount_claimed, checked: list[CheckedPhoto],
          written: list[Evidence], now: dt.datetime) -> Complaint:
    _remove(written)  # a retried attempt starts from nothing
    assignment = locked(Assignment.objects.select_related("gig__center", "gig__employer", "gig__category",
                                                          "worker"), assignment.pk)
    if worker_of(actor).pk != assignment.worker_id:
        raise PermissionDenied(_("Only the worker on this gig can complain about its pay."))
    refusal = filing_refusal(assignment)
    if refusal:
        raise Conflict(refusal, code="cannot_file")
    statement = _statement(statement, "statement")
    if amount_claimed in (None, ""):
        amount_claimed = amount_owed_on(assignment)
        if amount_claimed is None:
            raise ValidationError({"amount_claimed": _("Say how much you are owed.")})
    amount = _amount(amount_claimed, "amount_claimed")
    gig = assignment.gig
    acknowledge_by, resolve_by = deadlines(gig.center, now)
    complaint = Complaint(assignment=assignment, center=gig.center, employer=gig.employer, filed_by=actor,
                          statement=statement, amount_claimed=amount, filed_at=now, acknowledge_by=acknowledge_by,
                          resolve_by=resolve_by)
    complaint.save()
    _store_photos(complaint, checked, actor, now, written)
    _step(complaint, Event.FILED, actor, now, statement)
    _tell(complaint, Event.FILED, [complaint.employer.owner_id, *_center_staff(complaint.center_id)])
    return complaint


def _store_photos(complaint: Complaint, checked: list[CheckedPhoto], actor, now, written: list[Evidence]) -> None:
    for photo in checked:
        evidence = Evidence(complaint=complaint, content_type=photo.content_type, size=photo.content.size,
                            width=photo.width, height=photo.height, uploaded_by=actor, uploaded_at=now)
        evidence.photo.save(photo.content.name, photo.content, save=False)
        written.append(evidence)
        evidence.save()


def add_evidence(complaint: Complaint, *, actor, photos, now: dt.datetime | None = None) -> list[Evidence]:
    """The worker sends more photos while the complaint is open; all of them or none are kept."""
    worker_of(actor)
    checked = check_photos(photos)
    if not checked:
        raise ValidationError({"photos": _("Choose at least one photo.")})
    written: list[Evidence] = []
    try:
        return _add(complaint, actor=actor, checked=checked, written=written, now=now or timezone.now())
    except BaseException:
        _remove(written)
        raise


@atomic_with_retry
def _add(complaint: Complaint, *, actor, checked, written, now) -> list[Evidence]:
    _remove(written)
    complaint = _locked_complaint(complaint)
    if worker_of(actor).pk != complaint.assignment.worker_id:
        raise PermissionDenied(_("Only the worker who filed the complaint sends its evidence."))
    if not complaint.unresolved:
        raise Conflict(_("This complaint is resolved: no more evidence is taken."), code="not_open")
    if complaint.evidence.count() + len(checked) > rule("MAX_PHOTOS"):
        raise ValidationError({"photos": _("A complaint keeps at most %(n)s photos.") % {"n": rule("MAX_PHOTOS")}})
    _store_photos(complaint, checked, actor, now, written)
    return list(written)


# --- Staff steps (audited) ----------------------------------------------------------------------------------

AUDITED_FIELDS = ("status", "outcome", "amount_recovered")


def _staff_step(complaint: Complaint, actor, target: str, event: str, action: str, now: dt.datetime,
                note: str, change=None) -> Complaint:
    complaint = _locked_complaint(complaint)
    if not may_handle(actor, complaint):
        raise PermissionDenied(_("Only staff of the gig's service center can handle this complaint."))
    before = snapshot(complaint, *AUDITED_FIELDS)
    complaint.move_to(target)
    if change:
        change(complaint)
    complaint.save()
    _step(complaint, event, actor, now, note)
    record_action(actor, action, complaint, center=complaint.center,
                  subject_id=complaint.assignment.worker.user_id, before=before,
                  after=snapshot(complaint, *AUDITED_FIELDS), now=now)
    _tell(complaint, event, _sides(complaint), note=note)
    return complaint


@atomic_with_retry
def acknowledge(complaint: Complaint, *, actor, note: str = "", now: dt.datetime | None = None) -> Complaint:
    now = now or timezone.now()

    def stamp(c):
        c.acknowledged_at = now

    return _staff_step(complaint, actor, ComplaintStatus.ACKNOWLEDGED, Event.ACKNOWLEDGED, "complaint_acknowledged",
                       now, _statement(note, "note", required=False), stamp)


@atomic_with_retry
def start_mediation(complaint: Complaint, *, actor, note: str = "", now: dt.datetime | None = None) -> Complaint:
    now = now or timezone.now()
    return _staff_step(complaint, actor, ComplaintStatus.MEDIATING, Event.MEDIATING, "complaint_mediating", now,
                       _statement(note, "note", required=False))


@atomic_with_retry
def resolve(complaint: Complaint, *, actor, outcome: str, amount_recovered=None, note: str = "",
            now: dt.datetime | None = None) -> Complaint:
    """Paid in full, partly paid (how much), or referred to labour inspection or the 12333 hotline."""
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose how the complaint ended.")})
    recovered = None
    if outcome == Outcome.PARTLY_PAID:
        if amount_recovered in (None, ""):
            raise ValidationError({"amount_recovered": _("Say how much the worker was paid.")})
        recovered = _amount(amount_recovered, "amount_recovered")
    elif outcome != Outcome.PAID_IN_FULL and amount_recovered not in (None, ""):
        recovered = _amount(amount_recovered, "amount_recovered")  # what was paid before the referral
    note = _statement(note, "note", required=False)

    def settle(c):
        if outcome == Outcome.PARTLY_PAID and recovered >= c.amount_claimed:
            raise ValidationError({"amount_recovered": _("Partly paid is less than the %(amount)s yuan claimed; "
                                                         "choose paid in full.") % {"amount": c.amount_claimed}})
        c.outcome = outcome
        c.amount_recovered = c.amount_claimed if outcome == Outcome.PAID_IN_FULL else recovered
        c.resolved_at = now

    return _staff_step(complaint, actor, ComplaintStatus.RESOLVED, Event.RESOLVED, "complaint_resolved", now, note,
                       settle)


@atomic_with_retry
def close(complaint: Complaint, *, actor, note: str = "", now: dt.datetime | None = None) -> Complaint:
    now = now or timezone.now()

    def stamp(c):
        c.closed_at = now

    return _staff_step(complaint, actor, ComplaintStatus.CLOSED, Event.CLOSED, "complaint_closed", now,
                       _statement(note, "note", required=False), stamp)


# --- The employer's side --------------------------------------------------------------------------------------

@atomic_with_retry
def respond(complaint: Complaint, *, actor, response: str, now: dt.datetime | None = None) -> Complaint:
    """The employer answers the complaint (e.g. when and how it paid); the worker and the staff see it."""
    now = now or timezone.now()
    employer = employer_of(actor)
    complaint = _locked_complaint(complaint)
    if complaint.employer_id != employer.pk:
        raise PermissionDenied(_("Only the employer the complaint is about can respond to it."))
    if complaint.status == ComplaintStatus.CLOSED:
        raise Conflict(_("This complaint is closed."), code="not_open")
    complaint.employer_response = _statement(response, "response")
    complaint.employer_responded_at = now
    complaint.save(update_fields=["employer_response", "employer_responded_at"])
    _step(complaint, Event.EMPLOYER_RESPONDED, actor, now, complaint.employer_response)
    _tell(complaint, Event.EMPLOYER_RESPONDED, [complaint.assignment.worker.user_id,
                                                *_center_staff(complaint.center_id)])
    return complaint


@atomic_with_retry
def confirm_show_up_pay(compensation: Compensation, *, actor, now: dt.datetime | None = None) -> Compensation:
    """The worker says the show-up pay of a late cancellation arrived: it is no longer shown as owed."""
    compensation = locked(Compensation.objects.select_related("assignment"), compensation.pk)
    if worker_of(actor).pk != compensation.assignment.worker_id:
        raise PermissionDenied(_("Only the worker it is owed to confirms it arrived."))
    if compensation.settled_at is None:
        compensation.settled_at = now or timezone.now()
        compensation.save(update_fields=["settled_at"])
    return compensation


# --- Background duties (run by jobs.scheduler; each is idempotent) ---------------------------------------------

def escalate_overdue(now: dt.datetime) -> int:
    """Tell the city administrators of each complaint that missed a deadline, once per deadline."""
    count = 0
    late = (Q(status=ComplaintStatus.FILED, acknowledge_by__lt=now, acknowledge_escalated_at__isnull=True)
            | Q(status__in=UNRESOLVED, resolve_by__lt=now, resolve_escalated_at__isnull=True))
    for complaint in Complaint.objects.filter(late).only("pk").order_by("pk"):
        count += _escalate(complaint, now)
    return count


@atomic_with_retry
def _escalate(complaint: Complaint, now: dt.datetime) -> int:
    complaint = _locked_complaint(complaint)
    if complaint.status == ComplaintStatus.FILED and now > complaint.acknowledge_by \
            and complaint.acknowledge_escalated_at is None:
        missed, field = "acknowledge", "acknowledge_escalated_at"
    elif complaint.status in UNRESOLVED and now > complaint.resolve_by and complaint.resolve_escalated_at is None:
        missed, field = "resolve", "resolve_escalated_at"
    else:
        return 0
    setattr(complaint, field, now)
    complaint.save(update_fields=[field])
    deadline = complaint.acknowledge_by if missed == "acknowledge" else complaint.resolve_by
    _step(complaint, Event.ESCALATED, None, now, missed)
    admins = (get_user_model().objects.filter(role=Role.CITY_ADMIN, is_active=True)
              .values_list("pk", flat=True).order_by("pk"))
    _tell(complaint, Event.ESCALATED, [*admins, *_center_staff(complaint.center_id)], missed=missed,
          deadline=iso(deadline), center={"id": complaint.center_id, "name": complaint.center.name})
    return 1


def remind_unconfirmed_pay(now: dt.datetime) -> int:
    """PAY_REMINDER_DAYS after the work ended with the pay still not confirmed, both sides are reminded, once."""
    since = now - dt.timedelta(days=rule("PAY_REMINDER_DAYS"))
    # Work that fell due more than a week ago is not reminded of (the first run after a deploy finds old work).
    due = (Assignment.objects.filter(status__in=(AssignmentStatus.CHECKED_OUT, AssignmentStatus.COMPLETED),
                                     checked_out_at__lte=since, checked_out_at__gt=since - REMINDER_WINDOW,
                                     pay_reminder__isnull=True)
           .exclude(pay_status=PayStatus.CONFIRMED)
           .select_related("gig__category", "gig__employer", "worker"))
    count = 0
    for assignment in due:
        with transaction.atomic():
            _reminder, created = PayReminder.objects.get_or_create(assignment=assignment, defaults={"sent_at": now})
            if not created:
                continue
            payload = {"assignment": assignment.pk, "reminder": "pay_unconfirmed",
                       "amount_due": None if assignment.amount_due is None else str(assignment.amount_due),
                       "worker": assignment.worker.display_name, "gig": gig_brief(assignment.gig)}
            notify_each(Kind.PAY, [(assignment.worker.user_id, {**payload, "side": "worker"}),
                                   (assignment.gig.employer.owner_id, {**payload, "side": "employer"})])
            count += 1
    return count
