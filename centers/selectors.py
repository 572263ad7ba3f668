"""Reads about service centers."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from workers.models import WorkerTrade
from zero_gig.geo import Point, distance_km

from .models import HallVisit, ServiceCenter


def active_centers() -> QuerySet[ServiceCenter]:
    return ServiceCenter.objects.filter(is_active=True).select_related("parent")


def nearest_center(point: Point) -> ServiceCenter | None:
    """The active center closest to a point; there are few centers, so measure them all."""
    centers = list(active_centers())
    if not centers:
        return None
    return min(centers, key=lambda center: distance_km(point, center.point))


def may_manage_center(user, center_id: int | None) -> bool:
    """City administrators act for every center; staff only for the centers they belong to."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.role == Role.CITY_ADMIN:
        return True
    return (user.role == Role.CENTER_STAFF and center_id is not None
            and user.center_memberships.filter(center_id=center_id).exists())


# --- The console ------------------------------------------------------------------------------------

def consoled_centers(viewer) -> QuerySet[ServiceCenter]:
    """The centers whose console the viewer may open: a city administrator every active one, staff their own."""
    if not (viewer and viewer.is_authenticated and viewer.is_active):
        return ServiceCenter.objects.none()
    if viewer.role == Role.CITY_ADMIN:
        return active_centers()
    if viewer.role == Role.CENTER_STAFF:
        return active_centers().filter(staff__user=viewer)
    return ServiceCenter.objects.none()


def console_center(viewer, center_id) -> ServiceCenter:
    """The center whose console is asked for, or PermissionDenied (staff of another center, anyone else)."""
    center = ServiceCenter.objects.filter(pk=center_id).first() if str(center_id).isdigit() else None
    if center is None or not may_manage_center(viewer, center.pk):
        raise PermissionDenied(_("Only staff of this center or a city administrator can open its console."))
    return center


def waiting_in_hall(center: ServiceCenter, *, viewer, now=None):
    """Who is waiting in the center's hall today, longest waiting first, with their trades."""
    if not may_manage_center(viewer, center.pk):
        raise PermissionDenied
    day = timezone.localdate(now or timezone.now())
    return (HallVisit.objects.filter(center=center, day=day, checked_out_at__isnull=True)
            .select_related("worker__user")
            .prefetch_related(Prefetch("worker__worker_trades",
                                       queryset=WorkerTrade.objects.select_related("category")
                                       .order_by("category__sort_order", "id")))
            .order_by("checked_in_at", "id"))


def left_hall_today(center: ServiceCenter, *, viewer, now=None):
    if not may_manage_center(viewer, center.pk):
        raise PermissionDenied
    day = timezone.localdate(now or timezone.now())
    return (HallVisit.objects.filter(center=center, day=day, checked_out_at__isnull=False)
            .select_related("worker").order_by("-checked_out_at"))
