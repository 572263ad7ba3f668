"""Reads for job fairs and training courses. Fairs and courses are public (not cancelled ones); who signed up
is for the event's center staff and the city, and each worker sees their own sign-ups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from centers.selectors import may_manage_center
from jobs.models import SLOT_HOLDING, Assignment, Gig, GigStatus

from .models import Course, CourseSession, Enrolment, FairRegistration, JobFair, SessionAttendance


def _managed_center_ids(viewer) -> set[int] | None:
    """The centers whose events the viewer manages: None for every center (the city), empty for the public."""
    if not (viewer and viewer.is_authenticated and viewer.is_active):
        return set()
    if viewer.role == Role.CITY_ADMIN:
        return None
    if viewer.role == Role.CENTER_STAFF:
        return set(viewer.center_memberships.values_list("center_id", flat=True))
    return set()


def _visible(viewer) -> Q:
    """Events not cancelled, and the cancelled ones of the centers the viewer manages (all for the city)."""
    managed = _managed_center_ids(viewer)
    if managed is None:
        return Q()
    return Q(is_cancelled=False) | Q(center_id__in=managed)


def _only_managed(viewer, rows: QuerySet, refusal) -> QuerySet:
    managed = _managed_center_ids(viewer)
    if managed is not None and not managed:
        raise PermissionDenied(refusal)
    return rows if managed is None else rows.filter(center_id__in=managed)


def may_manage(viewer, event) -> bool:
    return may_manage_center(viewer, event.center_id)


# Gigs an employer may bring to a fair: not yet under way or over.
GIGS_FOR_FAIRS = (GigStatus.DRAFT, GigStatus.PENDING_REVIEW, GigStatus.OPEN, GigStatus.FILLED)


def _worker(viewer):
    if viewer and viewer.is_authenticated and viewer.role == Role.WORKER:
        return getattr(viewer, "worker_profile", None)
    return None


# --- Job fairs ---------------------------------------------------------------------------------------------

def fairs(viewer, *, center: int | None = None, upcoming_from: dt.datetime | None = None) -> QuerySet[JobFair]:
    """Fairs not cancelled (and, for staff, their centers' cancelled ones), soonest first, with how many places
    are taken; `upcoming_from` leaves out fairs already over."""
    rows = (JobFair.objects.filter(_visible(viewer)).select_related("center")
            .annotate(registered=Count("registrations", distinct=True)))
    if center is not None:
        rows = rows.filter(center_id=center)
    if upcoming_from is not None:
        rows = rows.filter(ends_at__gt=upcoming_from)
    return rows.order_by("starts_at", "id")


def managed_fairs(viewer) -> QuerySet[JobFair]:
    return _only_managed(viewer, fairs(viewer), _("Only center staff and city administrators manage fairs."))


def fair_hires(fair: JobFair) -> QuerySet[Assignment]:
    """Hires that came of a fair: a worker registered for (or attending) the fair took a slot on a gig brought
    to it, in the fair's window."""
    return Assignment.objects.filter(
        gig__fairs__fair=fair, status__in=SLOT_HOLDING, accepted_at__gte=fair.starts_at,
        accepted_at__lte=fair.ends_at,
        worker__in=FairRegistration.objects.filter(fair=fair).values("worker_id")).distinct()


@dataclass(frozen=True)
class FairCounts:
    registered: int
    attended: int
    hires: int


def fair_counts(fair: JobFair) -> FairCounts:
    registrations = fair.registrations.aggregate(registered=Count("id"),
                                                 attended=Count("id", filter=Q(attended_at__isnull=False)))
    return FairCounts(registrations["registered"], registrations["attended"], fair_hires(fair).count())


def fair(fair_id: int, *, viewer) -> JobFair:
    found = fairs(viewer).filter(pk=fair_id).first()
    if found is None:
        raise Http404(_("No such job fair."))
    return found


def fair_detail(fair_id: int, *, viewer) -> dict:
    """A fair with its employers and gigs; its counts; the viewer's own registration; and, for the fair's
    managers, who registered."""
    found = fair(fair_id, viewer=viewer)
    worker = _worker(viewer)
    manages = may_manage(viewer, found)
    return {
        "fair": found,
        "employers": [row.employer for row in found.employers.select_related("employer")],
        "gigs": [row.gig for row in found.fair_gigs.select_related("gig__category", "gig__employer")],
        "counts": fair_counts(found),
        "places_left": max(found.capacity - found.registered, 0),
        "mine": found.registrations.filter(worker=worker).first() if worker else None,
        "manages": manages,
        "registrations": list(found.registrations.select_related("worker").order_by("signed_up_at", "id"))
        if manages else None,
        "started": found.starts_at <= timezone.now(),
        **_employers_part(viewer, found),
    }


def _employers_part(viewer, fair: JobFair) -> dict:
    """For an employer: whether it takes part, and its gigs it could still bring (the 50 soonest)."""
    employer = getattr(viewer, "employer", None) if viewer.is_authenticated and viewer.role == Role.EMPLOYER else None
    if employer is None:
        return {}
    return {"taking_part": fair.employers.filter(employer=employer).exists(),
            "my_gigs": list(Gig.objects.filter(employer=employer, status__in=GIGS_FOR_FAIRS)
                            .exclude(pk__in=fair.fair_gigs.values("gig_id")).order_by("starts_at")[:50])}


# --- Training courses -------------------------------------------------------------------------------------

def courses(viewer, *, center: int | None = None, trade: int | None = None,
            upcoming_from: dt.datetime | None = None) -> QuerySet[Course]:
    """Courses not cancelled (and, for staff, their centers' cancelled ones), by their first session, with how
    many places are taken."""
    rows = (Course.objects.filter(_visible(viewer)).select_related("center", "trade")
            .annotate(enrolled=Count("enrolments", distinct=True), first_session=Min("sessions__starts_at")))
    if center is not None:
        rows = rows.filter(center_id=center)
    if trade is not None:
        rows = rows.filter(trade_id=trade)
    if upcoming_from is not None:
        rows = rows.filter(Exists(CourseSession.objects.filter(
            course=OuterRef("pk"), ends_at__gt=upcoming_from)))
    return rows.order_by("first_session", "id")


def managed_courses(viewer) -> QuerySet[Course]:
    return _only_managed(viewer, courses(viewer), _("Only center staff and city administrators manage courses."))


def course(course_id: int, *, viewer) -> Course:
    found = courses(viewer).filter(pk=course_id).first()
    if found is None:
        raise Http404(_("No such course."))
    return found


def course_detail(course_id: int, *, viewer) -> dict:
    found = course(course_id, viewer=viewer)
    worker = _worker(viewer)
    manages = may_manage(viewer, found)
    sessions = list(found.sessions.all())
    enrolments = None
    if manages:
        attended = set(SessionAttendance.objects.filter(session__course=found)
                       .values_list("enrolment_id", "session_id"))
        enrolments = [{"enrolment": e, "attended": [(s, (e.pk, s.pk) in attended) for s in sessions]}
                      for e in found.enrolments.select_related("worker").order_by("signed_up_at", "id")]
    return {
        "course": found,
        "sessions": sessions,
        "places_left": max(found.capacity - found.enrolled, 0),
        "completed": found.enrolments.filter(completed_at__isnull=False).count(),
        "mine": found.enrolments.filter(worker=worker).first() if worker else None,
        "manages": manages,
        "enrolments": enrolments,
        "now": timezone.now(),
        "started": bool(sessions) and sessions[0].starts_at <= timezone.now(),
    }


def my_training(*, viewer) -> dict:
    """A worker's fairs and courses, and their card with the skills a course verified."""
    from jobs.selectors import worker_card

    worker = _worker(viewer)
    if worker is None:
        raise PermissionDenied(_("Only workers have training of their own."))
    return {"fairs": list(FairRegistration.objects.filter(worker=worker).select_related("fair")),
            "courses": list(Enrolment.objects.filter(worker=worker).select_related("course")),
            "card": worker_card(worker.pk, viewer=viewer)}
