"""Reads about workers for staff: identity claims waiting for an in-person check, and the counter's look-ups."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet

from accounts.identifiers import ascii_form
from accounts.phones import normalize_phone

from .models import WORKER_NUMBER_PREFIX, ClaimStatus, IdentityClaim, WorkerProfile, WorkerTrade
from .services import NOT_STAFF, check_serves_worker, is_city_admin, staff_center_ids

CARD_PREFIX = "zerogig:worker:"
_NUMBER = re.compile(rf"(?:{CARD_PREFIX})?{WORKER_NUMBER_PREFIX}([0-9]{{1,9}})", re.IGNORECASE | re.ASCII)
LOOKUP_LIMIT = 20  # the counter's look-up shows at most this many workers
NEWS_READ_OUT = 100  # the newest notifications staff read out for a worker without a smartphone


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


# --- The counter -----------------------------------------------------------------------------------

def card_payload(worker: WorkerProfile) -> str:
    """What the worker card's QR holds: a USB scanner types it into the look-up field like a keyboard."""
    return f"{CARD_PREFIX}{worker.number}"


def _check_staff(viewer) -> None:
    if not is_city_admin(viewer) and not staff_center_ids(viewer):
        raise PermissionDenied(NOT_STAFF)


def _with_trades(workers: QuerySet[WorkerProfile]) -> QuerySet[WorkerProfile]:
    return workers.select_related("user", "registered_at_center", "intake").prefetch_related(
        Prefetch("worker_trades", queryset=WorkerTrade.objects.select_related("category").order_by("id")))


def find_workers(text: str, *, viewer) -> list[WorkerProfile]:
    """Workers matching what staff typed or scanned: a card's QR or worker number, a phone number (in any form),
    else a part of the name. Any center's staff may look up any worker of the city (read-only)."""
    _check_staff(viewer)
    text = (text or "").strip()
    if not text:
        return []
    try:
        typed = ascii_form(text)
    except ValidationError:
        typed = text
    number = _NUMBER.fullmatch(typed)
    if number:
        return list(_with_trades(WorkerProfile.objects.filter(pk=int(number.group(1)))))
    try:
        phone = normalize_phone(text)
    except ValidationError:
        phone = None
    if phone:
        return list(_with_trades(WorkerProfile.objects.filter(user__phone=phone)))
    return list(_with_trades(WorkerProfile.objects.filter(display_name__icontains=text[:50]))
                .order_by("display_name", "id")[:LOOKUP_LIMIT])


def worker_for_staff(worker_id: int, *, viewer) -> WorkerProfile | None:
    """A worker as staff see them at the counter (read-only for any center's staff)."""
    _check_staff(viewer)
    return _with_trades(WorkerProfile.objects.filter(pk=worker_id)).first()


def worker_inbox_for_staff(worker: WorkerProfile, center, *, viewer):
    """A worker without a smartphone hears their news through the center: its staff (of the center they registered
    at or are waiting in today) read their inbox for them. None when the worker reads it on their own phone."""
    from notifications.selectors import inbox

    check_serves_worker(viewer, center, worker)
    if worker.has_smartphone and worker.user.phone:
        return None
    return inbox(worker.user).order_by("-seq")
