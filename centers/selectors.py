"""Reads about service centers."""

from django.db.models import QuerySet

from accounts.models import Role
from zero_gig.geo import Point, distance_km

from .models import ServiceCenter


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
