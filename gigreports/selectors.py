"""Reads: the report queue of a center's staff, a worker's own reports, and who may see a report's photos."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role
from centers.selectors import may_manage_center
from jobs.selectors import staff_center_ids

from .models import Case, Report, ReportPhoto


def _staff_or_city(viewer) -> bool:
    return bool(viewer and viewer.is_authenticated and viewer.is_active
                and viewer.role in (Role.CENTER_STAFF, Role.CITY_ADMIN))


def _with_reports(cases: QuerySet[Case]) -> QuerySet[Case]:
    photos = ReportPhoto.objects.defer("data")
    # Each report names its gig (gig_code), the case's own gig: joined here, not read once a report.
    reports = Report.objects.select_related("worker", "gig").prefetch_related(Prefetch("photos", queryset=photos))
    return (cases.select_related("gig__category", "gig__employer", "gig__center", "decided_by")
            .prefetch_related(Prefetch("reports", queryset=reports)))


def cases_for(viewer) -> QuerySet[Case]:
    """Cases at the viewer's centers (every center for the city); others may not read them."""
    if not _staff_or_city(viewer):
        raise PermissionDenied(_("Only service-center staff and city administrators review reported gigs."))
    cases = _with_reports(Case.objects.all())
    if viewer.role == Role.CITY_ADMIN:
        return cases
    return cases.filter(gig__center_id__in=staff_center_ids(viewer))


QUEUE_LENGTH = 200


def report_queue(viewer) -> list[Case]:
    """Open cases: held gigs first (longest held first), then gigs reported but not held, oldest first."""
    cases = cases_for(viewer).filter(status=Case.Status.OPEN).order_by(
        F("held_at").asc(nulls_last=True), "opened_at", "pk")
    return list(cases[:QUEUE_LENGTH])


def case_for_staff(case_id: int, *, viewer) -> Case:
    """One case, for staff of its gig's center and the city (403 for anyone else, staff of other centers too)."""
    if not _staff_or_city(viewer):
        raise PermissionDenied(_("Only service-center staff and city administrators review reported gigs."))
    case = _with_reports(Case.objects.filter(pk=case_id)).first()
    if case is None:
        raise Http404
    if not may_manage_center(viewer, case.gig.center_id):
        raise PermissionDenied(_("Only staff of the gig's service center can review its reports."))
    return case


def reports_of(viewer) -> QuerySet[Report]:
    """A worker's own reports, newest first, with what became of each."""
    worker = getattr(viewer, "worker_profile", None) if viewer and viewer.is_authenticated else None
    if worker is None or viewer.role != Role.WORKER:
        raise PermissionDenied(_("Only workers report gigs."))
    return (Report.objects.filter(worker=worker).select_related("gig__category", "case")
            .prefetch_related(Prefetch("photos", queryset=ReportPhoto.objects.defer("data")))
            .order_by("-created_at", "-pk"))


def my_report_on(viewer, gig) -> Report | None:
    worker = getattr(viewer, "worker_profile", None) if viewer and viewer.is_authenticated else None
    if worker is None:
        return None
    return Report.objects.filter(worker=worker, gig=gig).select_related("case").first()


def photo_for(photo_id: int, *, viewer) -> ReportPhoto:
    """A report's photo for its reporter and the staff of the gig's center (and the city); never the employer."""
    photo = ReportPhoto.objects.select_related("report__worker", "report__gig").filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    report = photo.report
    own = viewer.is_authenticated and report.worker.user_id == viewer.pk
    if not (own or may_manage_center(viewer, report.gig.center_id)):
        raise PermissionDenied(_("Only the reporter and the gig's service center see this photo."))
    return photo


def open_case_count(viewer, center_id: int) -> int:
    """How many reported gigs of one center wait for its staff (the console's tile)."""
    return cases_for(viewer).filter(status=Case.Status.OPEN, gig__center_id=center_id).count()
