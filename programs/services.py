"""Writes for job fairs and training courses. Every write takes keyword-only `actor=` and checks who may act:
staff manage their own centers' fairs and courses (`may_manage_center`), city administrators every center's;
workers sign themselves up; employers join a fair and bring their own gigs. Staff actions are audited.

Capacity: a sign-up locks the fair's or course's row (the lock order: the event before its sign-ups) and only
then counts its places, so two sign-ups for the last place cannot both succeed.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from audit.services import record_action, snapshot
from centers.models import ServiceCenter
from centers.selectors import may_manage_center
from jobs import rules
from jobs.exceptions import Conflict
from jobs.models import Category, Employer, Gig
from workers.models import WorkerProfile, WorkerTrade
from zero_gig.db import atomic_with_retry, locked
from zero_gig.timestamps import iso

from .models import (
    Channel,
    Course,
    CourseSession,
    Enrolment,
    FairEmployer,
    FairGig,
    FairRegistration,
    JobFair,
    SessionAttendance,
)
from .selectors import GIGS_FOR_FAIRS

FAIR_FIELDS = ("title", "description", "place", "capacity", "starts_at", "ends_at", "is_cancelled")
COURSE_FIELDS = ("title", "description", "place", "capacity", "trade", "is_cancelled")
# A gig in one of these states can still be brought to a fair.


def _active(actor) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_active)


def check_manager(actor, center_id: int) -> None:
    if not may_manage_center(actor, center_id):
        raise PermissionDenied(_("Only staff of this center and city administrators can do this."))


def is_staff(actor) -> bool:
    return _active(actor) and actor.role in (Role.CENTER_STAFF, Role.CITY_ADMIN)


def _worker_for(actor, event_center_id: int, worker: WorkerProfile | None) -> tuple[WorkerProfile, str]:
    """Who is signed up, and through which channel: a worker signs up themselves online; staff of the event's
    center sign up a worker at the counter."""
    if is_staff(actor):
        check_manager(actor, event_center_id)
        if worker is None:
            raise ValidationError({"worker": _("Choose the worker to sign up.")})
        return worker, Channel.COUNTER
    own = getattr(actor, "worker_profile", None) if _active(actor) and actor.role == Role.WORKER else None
    if own is None:
        raise PermissionDenied(_("Only workers sign themselves up; staff sign up workers at the counter."))
    if worker is not None and worker.pk != own.pk:
        raise PermissionDenied(_("Workers sign up only themselves."))
    return own, Channel.ONLINE


def _full(capacity: int) -> Conflict:
    return Conflict(_("No places left: all %(capacity)d places are taken.") % {"capacity": capacity}, code="full")


def _check_dates(starts_at: dt.datetime, ends_at: dt.datetime, *, field: str, longest: dt.timedelta,
                 too_long: str) -> None:
    """A fair or a session lies within MAX_DAYS_AHEAD days of today and lasts at most `longest`: a year typed
    as 9999 or 1900 is a slip of the keyboard, and an event there would count in no figures."""
    ahead = rules.rule("MAX_DAYS_AHEAD")
    if abs(starts_at - timezone.now()) > dt.timedelta(days=ahead):
        raise ValidationError({field: _("A fair or a training session is dated at most %(days)s days from today.")
                               % {"days": ahead}})
    if ends_at - starts_at > longest:
        raise ValidationError({field: too_long})


def _check_fair_dates(fair: JobFair) -> None:
    days = rules.rule("MAX_FAIR_DAYS")
    _check_dates(fair.starts_at, fair.ends_at, field="starts_at", longest=dt.timedelta(days=days),
                 too_long=_("A job fair lasts at most %(days)s days.") % {"days": days})


def _change(event, actor, fields: tuple[str, ...], changes: dict, *, signed_up, check=None) -> dict:
    """Apply staff's changes to a locked fair or course and save it; its fields as they were before. The
    capacity cannot drop below the places already taken; `check` is run on the changed event before it is."""
    check_manager(actor, event.center_id)
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    before = snapshot(event, *fields)
    for name, value in changes.items():
        setattr(event, name, value)
    event.full_clean()
    if check:
        check(event)
    taken = signed_up.count()
    if event.capacity < taken:
        raise ValidationError({"capacity": _("%(count)d workers have signed up already: the capacity cannot be "
                                             "less.") % {"count": taken}})
    event.save()
    return before


# --- Job fairs ---------------------------------------------------------------------------------------------

@atomic_with_retry
def create_fair(*, actor, center: ServiceCenter, title: str, place: str, starts_at: dt.datetime,
                ends_at: dt.datetime, capacity: int, description: str = "") -> JobFair:
    check_manager(actor, center.pk)
    fair = JobFair(center=center, title=title, place=place, starts_at=starts_at, ends_at=ends_at,
                   capacity=capacity, description=description, created_by=actor)
    fair.full_clean()
    _check_fair_dates(fair)
    fair.save()
    record_action(actor, "fair_created", fair, center=center, after=snapshot(fair, *FAIR_FIELDS))
    return fair


@atomic_with_retry
def update_fair(fair: JobFair, *, actor, **changes) -> JobFair:
    fair = locked(JobFair.objects.all(), fair.pk)
    moved = any(name in changes and changes[name] != getattr(fair, name) for name in ("starts_at", "ends_at"))
    before = _change(fair, actor, FAIR_FIELDS, changes, signed_up=fair.registrations,
                     check=_check_fair_dates if moved else None)
    record_action(actor, "fair_updated", fair, center=fair.center, before=before,
                  after=snapshot(fair, *FAIR_FIELDS))
    return fair


def _joinable(fair: JobFair, now: dt.datetime) -> None:
    if fair.is_cancelled:
        raise Conflict(_("This fair was cancelled."), code="cancelled")
    if fair.ends_at <= now:
        raise Conflict(_("This fair is over."), code="over")


@atomic_with_retry
def join_fair(fair: JobFair, *, actor, employer: Employer | None = None, now: dt.datetime | None = None
              ) -> FairEmployer:
    """An employer takes part in a fair: it joins itself, or staff of the fair's center add it."""
    now = now or timezone.now()
    fair = locked(JobFair.objects.select_related("center"), fair.pk)
    staff = is_staff(actor)
    if staff:
        check_manager(actor, fair.center_id)
        if employer is None:
            raise ValidationError({"employer": _("Choose the employer to add.")})
    else:
        own = getattr(actor, "employer", None) if _active(actor) and actor.role == Role.EMPLOYER else None
        if own is None:
            raise PermissionDenied(_("Only employers join a fair; staff add employers."))
        if employer is not None and employer.pk != own.pk:
            raise PermissionDenied(_("Employers sign up only themselves."))
        employer = own
    _joinable(fair, now)
    taking_part, created = FairEmployer.objects.get_or_create(fair=fair, employer=employer,
                                                              defaults={"added_by": actor})
    if created and staff:
        record_action(actor, "fair_employer_added", taking_part, center=fair.center, subject_id=employer.owner_id)
    return taking_part


@atomic_with_retry
def bring_gig(fair: JobFair, gig: Gig, *, actor, now: dt.datetime | None = None) -> FairGig:
    """An employer brings one of its own gigs to a fair it takes part in (joining it if need be); staff of the
    fair's center may add an employer's gig on its behalf."""
    now = now or timezone.now()
    fair = locked(JobFair.objects.select_related("center"), fair.pk)
    gig = Gig.objects.select_related("employer").get(pk=gig.pk)
    staff = is_staff(actor)
    if staff:
        check_manager(actor, fair.center_id)
    elif not (_active(actor) and actor.role == Role.EMPLOYER and getattr(actor, "employer", None)
              and actor.employer.pk == gig.employer_id):
        raise PermissionDenied(_("Employers bring only their own gigs."))
    _joinable(fair, now)
    if gig.status not in GIGS_FOR_FAIRS:
        raise Conflict(_("Only a gig that is not over or cancelled can be brought to a fair."), code="not_open")
    FairEmployer.objects.get_or_create(fair=fair, employer=gig.employer, defaults={"added_by": actor})
    brought, created = FairGig.objects.get_or_create(fair=fair, gig=gig)
    if created and staff:
        record_action(actor, "fair_gig_added", gig, center=fair.center, subject_id=gig.employer.owner_id,
                      after={"fair": fair.pk})
    return brought


@atomic_with_retry
def register_for_fair(fair: JobFair, *, actor, worker: WorkerProfile | None = None,
                      now: dt.datetime | None = None) -> FairRegistration:
    """A worker registers for a fair online, or staff register them at the counter. The fair's row is locked
    before its registrations are counted; a full fair refuses with the reason (409 `full`)."""
    now = now or timezone.now()
    fair = locked(JobFair.objects.select_related("center"), fair.pk)
    worker, channel = _worker_for(actor, fair.center_id, worker)
    _joinable(fair, now)
    existing = FairRegistration.objects.filter(fair=fair, worker=worker).first()
    if existing is not None:
        return existing  # registering twice is harmless
    if fair.registrations.count() >= fair.capacity:
        raise _full(fair.capacity)
    registration = FairRegistration.objects.create(fair=fair, worker=worker, channel=channel, signed_up_at=now,
                                                   signed_up_by=actor)
    if channel == Channel.COUNTER:
        record_action(actor, "fair_registered_at_counter", registration, center=fair.center,
                      subject_id=worker.user_id)
    return registration


@atomic_with_retry
def record_fair_attendance(fair: JobFair, worker: WorkerProfile, *, actor, now: dt.datetime | None = None
                           ) -> FairRegistration:
    """Staff record on the day that a worker came. A worker who did not register is registered at the counter
    first, within the capacity."""
    now = now or timezone.now()
    fair = locked(JobFair.objects.select_related("center"), fair.pk)
    check_manager(actor, fair.center_id)
    if fair.is_cancelled:
        raise Conflict(_("This fair was cancelled."), code="cancelled")
    if now < fair.starts_at - dt.timedelta(hours=12) or now > fair.ends_at + dt.timedelta(hours=12):
        raise Conflict(_("Attendance is recorded on the day of the fair."), code="not_today")
    registration = FairRegistration.objects.filter(fair=fair, worker=worker).first()
    if registration is None:
        if fair.registrations.count() >= fair.capacity:
            raise _full(fair.capacity)
        registration = FairRegistration.objects.create(fair=fair, worker=worker, channel=Channel.COUNTER,
                                                       signed_up_at=now, signed_up_by=actor)
    if registration.attended_at is None:
        registration.attended_at, registration.attendance_by = now, actor
        registration.save(update_fields=["attended_at", "attendance_by"])
        record_action(actor, "fair_attendance_recorded", registration, center=fair.center,
                      subject_id=worker.user_id)
    return registration


def _signed_up(rows, worker: WorkerProfile):
    found = rows.filter(worker=worker).first()
    if found is None:
        raise Conflict(_("%(name)s is not signed up.") % {"name": worker.display_name}, code="not_signed_up")
    return found


def _withdraw(actor, event, sign_up, channel: str, action: str) -> None:
    """Delete a sign-up (its place is free again); staff's cancellation at the counter goes to the audit log."""
    worker = sign_up.worker
    before = {"channel": sign_up.channel, "signed_up_at": iso(sign_up.signed_up_at)}
    sign_up.delete()
    if channel == Channel.COUNTER:
        record_action(actor, action, event, center=event.center, subject_id=worker.user_id, before=before,
                      after={"worker": worker.pk})


@atomic_with_retry
def cancel_fair_registration(fair: JobFair, *, actor, worker: WorkerProfile | None = None,
                             now: dt.datetime | None = None) -> None:
    """A worker cancels their registration online, or staff of the fair's center cancel one at the counter; the
    place is free again. Once the fair has started a registration stands (409 `started`): attendance and hires
    are counted on it."""
    now = now or timezone.now()
    fair = locked(JobFair.objects.select_related("center"), fair.pk)
    worker, channel = _worker_for(actor, fair.center_id, worker)
    if fair.starts_at <= now:
        raise Conflict(_("The fair started at %(start)s: a registration can no longer be cancelled.")
                       % {"start": timezone.localtime(fair.starts_at).strftime("%Y-%m-%d %H:%M")}, code="started")
    registration = _signed_up(fair.registrations.select_related("worker"), worker)
    _withdraw(actor, fair, registration, channel, "fair_registration_cancelled")


# --- Training courses -------------------------------------------------------------------------------------

def _check_sessions(sessions: list[tuple[dt.datetime, dt.datetime]]) -> None:
    if not sessions:
        raise ValidationError({"sessions": _("A course needs at least one session.")})
    hours = rules.rule("MAX_SESSION_HOURS")
    for starts_at, ends_at in sessions:
        if ends_at <= starts_at:
            raise ValidationError({"sessions": _("A session must end after it starts.")})
        _check_dates(starts_at, ends_at, field="sessions", longest=dt.timedelta(hours=hours),
                     too_long=_("A training session lasts at most %(hours)s hours.") % {"hours": hours})


@atomic_with_retry
def create_course(*, actor, center: ServiceCenter, trade: Category, title: str, place: str, capacity: int,
                  sessions: list[tuple[dt.datetime, dt.datetime]], description: str = "") -> Course:
    check_manager(actor, center.pk)
    if trade.parent_id is None:
        raise ValidationError({"trade": _("Choose a trade, not a group of trades.")})
    _check_sessions(sessions)
    course = Course(center=center, trade=trade, title=title, place=place, capacity=capacity,
                    description=description, created_by=actor)
    course.full_clean()
    course.save()
    CourseSession.objects.bulk_create([CourseSession(course=course, starts_at=s, ends_at=e)
                                       for s, e in sorted(sessions)])
    record_action(actor, "course_created", course, center=center,
                  after={**snapshot(course, *COURSE_FIELDS), "sessions": len(sessions)})
    return course


@atomic_with_retry
def update_course(course: Course, *, actor, sessions: list[tuple[dt.datetime, dt.datetime]] | None = None,
                  **changes) -> Course:
    course = locked(Course.objects.all(), course.pk)
    before = _change(course, actor, COURSE_FIELDS, changes, signed_up=course.enrolments)
    if sessions is not None:
        _check_sessions(sessions)
        if SessionAttendance.objects.filter(session__course=course).exists():
            raise Conflict(_("Attendance has been taken: the sessions can no longer be replaced."),
                           code="attendance_taken")
        course.sessions.all().delete()
        CourseSession.objects.bulk_create([CourseSession(course=course, starts_at=s, ends_at=e)
                                           for s, e in sorted(sessions)])
    record_action(actor, "course_updated", course, center=course.center, before=before,
                  after=snapshot(course, *COURSE_FIELDS))
    return course


@atomic_with_retry
def enrol(course: Course, *, actor, worker: WorkerProfile | None = None, now: dt.datetime | None = None
          ) -> Enrolment:
    """A worker signs up for a course online, or staff sign them up at the counter. The course's row is locked
    before its places are counted; a full course refuses with the reason (409 `full`)."""
    now = now or timezone.now()
    course = locked(Course.objects.select_related("center"), course.pk)
    worker, channel = _worker_for(actor, course.center_id, worker)
    if course.is_cancelled:
        raise Conflict(_("This course was cancelled."), code="cancelled")
    last = course.sessions.order_by("-ends_at").values_list("ends_at", flat=True).first()
    if last is None or last <= now:
        raise Conflict(_("This course is over."), code="over")
    existing = Enrolment.objects.filter(course=course, worker=worker).first()
    if existing is not None:
        return existing
    if course.enrolments.count() >= course.capacity:
        raise _full(course.capacity)
    enrolment = Enrolment.objects.create(course=course, worker=worker, channel=channel, signed_up_at=now,
                                         signed_up_by=actor)
    if channel == Channel.COUNTER:
        record_action(actor, "course_enrolled_at_counter", enrolment, center=course.center,
                      subject_id=worker.user_id)
    return enrolment


@atomic_with_retry
def cancel_enrolment(course: Course, *, actor, worker: WorkerProfile | None = None,
                     now: dt.datetime | None = None) -> None:
    """A worker cancels their sign-up online, or staff of the course's center cancel one at the counter; the
    place is free again. Once the first session has started the sign-up stands (409 `started`)."""
    now = now or timezone.now()
    course = locked(Course.objects.select_related("center"), course.pk)
    worker, channel = _worker_for(actor, course.center_id, worker)
    first = course.sessions.order_by("starts_at").values_list("starts_at", flat=True).first()
    if first is not None and first <= now:
        raise Conflict(_("The course started on %(start)s: a sign-up can no longer be cancelled.")
                       % {"start": timezone.localtime(first).strftime("%Y-%m-%d %H:%M")}, code="started")
    enrolment = _signed_up(course.enrolments.select_related("worker"), worker)
    if enrolment.completed_at is not None:
        raise Conflict(_("%(name)s has completed this course.") % {"name": worker.display_name}, code="completed")
    _withdraw(actor, course, enrolment, channel, "enrolment_cancelled")


@atomic_with_retry
def record_session_attendance(session: CourseSession, enrolment: Enrolment, *, actor,
                              now: dt.datetime | None = None) -> SessionAttendance:
    now = now or timezone.now()
    course = locked(Course.objects.select_related("center"), session.course_id)
    check_manager(actor, course.center_id)
    if enrolment.course_id != course.pk:
        raise ValidationError({"enrolment": _("This worker is not signed up for this course.")})
    attendance, created = SessionAttendance.objects.get_or_create(
        enrolment=enrolment, session=session, defaults={"recorded_at": now, "recorded_by": actor})
    if created:
        record_action(actor, "course_attendance_recorded", enrolment, center=course.center,
                      subject_id=enrolment.worker.user_id, after={"session": session.pk})
    return attendance


@atomic_with_retry
def mark_completed(enrolment: Enrolment, *, actor, now: dt.datetime | None = None) -> Enrolment:
    """Staff mark that a worker completed a course: the course's trade becomes a verified skill of the worker
    (added to their trades if it was not one), shown on their card and preferred by matching."""
    now = now or timezone.now()
    course = locked(Course.objects.select_related("center", "trade"), enrolment.course_id)
    check_manager(actor, course.center_id)
    enrolment = locked(Enrolment.objects.select_related("worker"), enrolment.pk)
    if enrolment.completed_at is not None:
        return enrolment
    enrolment.completed_at, enrolment.completed_by = now, actor
    enrolment.save(update_fields=["completed_at", "completed_by"])
    skill, _created = WorkerTrade.objects.get_or_create(worker=enrolment.worker, category=course.trade)
    before = snapshot(skill, "verified_at", "verified_by_course")
    skill.verified_at, skill.verified_by_course = now, course
    skill.save(update_fields=["verified_at", "verified_by_course"])
    record_action(actor, "course_completed", enrolment, center=course.center, subject_id=enrolment.worker.user_id,
                  before=before, after=snapshot(skill, "verified_at", "verified_by_course"))
    return enrolment
