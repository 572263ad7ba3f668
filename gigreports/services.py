"""Writes: a worker reports a gig; enough reports hold it; its center's staff release it or take it down.

The hold is the gig's own status (jobs.models.GigStatus.HELD): the nearby feed, the boards and every way of taking
a gig read only open gigs, so a held gig is off them all without a check of its own anywhere, and each refusal to
take it says why (Gig.not_open_refusal).

Locks follow jobs.services: the gig first, then the case, then the employer and the employer's other gigs.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_action, snapshot
from centers.selectors import may_manage_center
from jobs import events as job_events
from jobs import matching
from jobs.exceptions import Conflict
from jobs.models import Assignment, AssignmentStatus, Employer, Gig, GigStatus
from jobs.selectors import gigs_visible_to
from jobs.services import worker_of
from zero_gig.db import atomic_with_retry, locked

from . import notices
from .models import Case, Reason, Report, ReportPhoto
from .photos import clean_photo

MAX_TEXT = 1000
# Gigs whose hold takes them off the feed: the public ones. Others are reported and reviewed without a hold.
HOLDABLE = (GigStatus.OPEN, GigStatus.FILLED)


def rule(name: str):
    return settings.GIG_REPORTS[name]


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _check_staff(actor, gig: Gig) -> None:
    if not may_manage_center(actor, gig.center_id):
        raise PermissionDenied(_("Only staff of the gig's service center can review its reports."))


def check_report(*, reason: str, text: str, photos) -> tuple[str, list]:
    """The report's text as kept and its photos as kept, or ValidationError naming each bad field."""
    errors: dict[str, list] = {}
    text = _clean(text)
    if reason not in Reason.values:
        errors["reason"] = [_("Choose why you report the gig.")]
    elif reason == Reason.OTHER and len(text) < 4:
        errors["text"] = [_("Say what is wrong with the gig (at least 4 characters).")]
    if len(text) > MAX_TEXT:
        errors["text"] = [_("Keep it under %(n)s characters.") % {"n": MAX_TEXT}]
    photos = list(photos or [])
    kept = []
    if len(photos) > rule("PHOTOS_PER_REPORT"):
        errors["photos"] = [_("Send at most %(n)s photos.") % {"n": rule("PHOTOS_PER_REPORT")}]
    else:
        for number, upload in enumerate(photos, start=1):
            try:
                kept.append(clean_photo(upload, number))
            except ValidationError as error:
                errors.setdefault("photos", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return text, kept


@atomic_with_retry
def report_gig(gig: Gig, *, actor, reason: str, text: str = "", photos=(), now: dt.datetime | None = None) -> Report:
    """A worker reports a gig they can see. Reports of REPORTS_TO_HOLD different workers hold it at once."""
    now = now or timezone.now()
    worker = worker_of(actor)
    if not gigs_visible_to(actor).filter(pk=gig.pk).exists():
        raise PermissionDenied(_("You can report only a gig you can see."))
    text, kept = check_report(reason=reason, text=text, photos=photos)  # decoded before any lock is taken
    gig = locked(Gig.objects.select_related("category", "employer", "center"), gig.pk)
    if gig.status == GigStatus.TAKEN_DOWN:
        raise Conflict(_("This gig was already taken down by its service center."), code="gig_taken_down")
    if gig.status in (GigStatus.DRAFT, GigStatus.PENDING_REVIEW):
        raise Conflict(_("This gig is not published."), code="not_published")
    if Report.objects.filter(gig=gig, worker=worker).exists():
        raise Conflict(_("You have already reported this gig; its service center is looking at it."),
                       code="already_reported")
    case = Case.objects.filter(gig=gig, status=Case.Status.OPEN).first() or Case.objects.create(
        gig=gig, cause=Case.Cause.REPORTS, opened_at=now)
    report = Report.objects.create(case=case, gig=gig, worker=worker, reason=reason, text=text, created_at=now)
    ReportPhoto.objects.bulk_create([
        ReportPhoto(report=report, content_type=photo.content_type, data=photo.data, width=photo.width,
                    height=photo.height, size=len(photo.data)) for photo in kept])
    reporters = Report.objects.filter(case=case).values("worker").distinct().count()
    if case.held_at is None and reporters >= rule("REPORTS_TO_HOLD") and gig.status in HOLDABLE:
        _hold(gig, case, now)
    return report


def _hold(gig: Gig, case: Case, now: dt.datetime) -> None:
    """Take the (locked) gig off the feed: unanswered offers are withdrawn, the board drops it, the people on it,
    its employer and its center's staff are told."""
    case.held_from = gig.status
    case.held_at = now
    case.save(update_fields=["held_from", "held_at"])
    gig.move_to(GigStatus.HELD)
    gig.save(update_fields=["status", "updated_at"])
    job_events.gig_closed(gig)
    notices.held(gig, case)


def _restored_status(gig: Gig, now: dt.datetime) -> str:
    if gig.starts_at <= now:
        return GigStatus.IN_PROGRESS if gig.accepted_count else GigStatus.EXPIRED
    return GigStatus.FILLED if gig.accepted_count >= gig.headcount else GigStatus.OPEN


def _locked_case(case: Case) -> tuple[Gig, Case]:
    gig_id = Case.objects.values_list("gig_id", flat=True).get(pk=case.pk)
    gig = locked(Gig.objects.select_related("category", "employer", "center"), gig_id)
    case = locked(Case.objects, case.pk)
    if case.status != Case.Status.OPEN:
        raise Conflict(_("This case was already decided: %(status)s.") % {"status": case.get_status_display()},
                       code="case_decided")
    return gig, case


@atomic_with_retry
def release(case: Case, *, actor, note: str = "", now: dt.datetime | None = None) -> Case:
    """Staff found nothing wrong: a held gig is back where it was (open, or filled), its reporters are told."""
    now = now or timezone.now()
    gig, case = _locked_case(case)
    _check_staff(actor, gig)
    note = _clean(note)[:500]
    before = snapshot(gig, "status")
    if gig.status == GigStatus.HELD:
        gig.move_to(_restored_status(gig, now))
        gig.save(update_fields=["status", "updated_at"])
        if gig.status == GigStatus.OPEN:
            job_events.gig_opened(gig)
            matching.start_matching(gig, now)
        elif gig.status in (GigStatus.FILLED, GigStatus.IN_PROGRESS):
            job_events.board(gig, "slots")
    case.move_to(Case.Status.RELEASED)
    case.decided_at, case.decided_by, case.note = now, actor, note
    case.save()
    record_action(actor, "gig_released", gig, center=gig.center, subject_id=gig.employer.owner_id, before=before,
                  after={**snapshot(gig, "status"), "case": case.pk, "note": note}, now=now)
    notices.released(gig, case)
    return case


@atomic_with_retry
def take_down(case: Case, *, actor, employer_action: str, note: str, now: dt.datetime | None = None) -> Case:
    """Staff found the post fake or unfair: it is taken down for good (hired workers and applicants are let go,
    offers withdrawn), the employer is warned or suspended from posting, and every other open post of the
    employer is held for review."""
    now = now or timezone.now()
    gig, case = _locked_case(case)
    _check_staff(actor, gig)
    errors = {}
    note = _clean(note)
    if employer_action not in Case.EmployerAction.values:
        errors["employer_action"] = [_("Choose whether the employer is warned or suspended.")]
    if len(note) < 4:
        errors["note"] = [_("Say why the post is taken down; the employer is shown it.")]
    elif len(note) > 500:
        errors["note"] = [_("Keep it under %(n)s characters.") % {"n": 500}]
    if errors:
        raise ValidationError(errors)
    before = snapshot(gig, "status", "accepted_count")
    let_go = []
    if gig.can_become(GigStatus.TAKEN_DOWN):
        let_go = list(gig.assignments.select_for_update(of=("self",)).select_related("worker").filter(
            status__in=(AssignmentStatus.APPLIED, AssignmentStatus.ACCEPTED)).order_by("id"))
        Assignment.moved(Assignment.objects.filter(pk__in=[a.pk for a in let_go]), AssignmentStatus.CANCELLED,
                         cancelled_at=now, cancelled_by="system", cancel_reason=_("The post was taken down."),
                         updated_at=now)
        gig.move_to(GigStatus.TAKEN_DOWN)
        gig.accepted_count = 0
        gig.save(update_fields=["status", "accepted_count", "updated_at"])
        job_events.gig_closed(gig)  # offers withdrawn, off the board
    case.move_to(Case.Status.TAKEN_DOWN)
    case.decided_at, case.decided_by = now, actor
    case.employer_action, case.note = employer_action, note
    case.save()
    record_action(actor, "gig_taken_down", gig, center=gig.center, subject_id=gig.employer.owner_id, before=before,
                  after={**snapshot(gig, "status", "accepted_count"), "case": case.pk, "note": note,
                         "employer_action": employer_action}, now=now)
    employer = _sanction(gig, case, actor, now)
    notices.taken_down(gig, case, let_go, employer)
    _hold_other_posts(employer, gig, now)
    return case


def _sanction(gig: Gig, case: Case, actor, now: dt.datetime) -> Employer:
    employer = locked(Employer.objects, gig.employer_id)
    before = snapshot(employer, "suspended_until")
    if case.employer_action == Case.EmployerAction.SUSPEND:
        until = now + dt.timedelta(days=rule("EMPLOYER_SUSPENSION_DAYS"))
        employer.suspended_until = max(until, employer.suspended_until or until)
        employer.save(update_fields=["suspended_until", "updated_at"])
    action = "employer_suspended" if case.employer_action == Case.EmployerAction.SUSPEND else "employer_warned"
    record_action(actor, action, employer, center=gig.center, subject_id=employer.owner_id, before=before,
                  after={**snapshot(employer, "suspended_until"), "gig": gig.pk, "case": case.pk}, now=now)
    return employer


def _hold_other_posts(employer: Employer, taken: Gig, now: dt.datetime) -> None:
    """Every other open post of an employer whose post was taken down is held until its own center reviews it."""
    ids = list(Gig.objects.filter(employer=employer, status__in=HOLDABLE).exclude(pk=taken.pk)
               .order_by("pk").values_list("pk", flat=True))
    for gig_id in ids:
        gig = locked(Gig.objects.select_related("category", "employer", "center"), gig_id)
        if gig.status not in HOLDABLE:
            continue
        case = Case.objects.filter(gig=gig, status=Case.Status.OPEN).first() or Case.objects.create(
            gig=gig, cause=Case.Cause.EMPLOYER, opened_at=now)
        _hold(gig, case, now)
