"""Reads about trades and gigs."""

from django.db.models import Prefetch, QuerySet

from .models import Category, Gig, GigStatus


def trade_groups() -> QuerySet[Category]:
    """The two-level taxonomy: groups with their trades, in display order."""
    return Category.objects.filter(parent__isnull=True).prefetch_related(
        Prefetch("children", queryset=Category.objects.order_by("sort_order", "code"))
    )


def open_gig_count() -> int:
    return Gig.objects.filter(status=GigStatus.OPEN).count()
