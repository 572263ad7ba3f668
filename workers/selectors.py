"""Reads about workers for staff: identity claims waiting for an in-person check."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from .models import ClaimStatus, IdentityClaim
from .services import NOT_STAFF, is_city_admin, staff_center_ids


def pending_identity_claims(viewer) -> QuerySet[IdentityClaim]:
    """Claims still to check: a city administrator sees all, staff those of their own centers."""
    claims = (IdentityClaim.objects.filter(status=ClaimStatus.PENDING)
              .select_related("center", "claimant__user", "holder__user").order_by("created_at", "pk"))
    if is_city_admin(viewer):
        return claims
    centers = staff_center_ids(viewer)
    if not centers:
        raise PermissionDenied(NOT_STAFF)
    return claims.filter(center_id__in=centers)


def identity_claim(claim_id: int) -> IdentityClaim | None:
    """A claim with the accounts on both sides; the services decide who may act on it."""
    return IdentityClaim.objects.select_related("center", "claimant__user", "holder__user").filter(pk=claim_id).first()
