"""Reads about service centers."""

from django.db.models import QuerySet

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
