"""Writes about a center's hall: staff check workers in when they come to wait for work, and out when they leave.

Staff act only for their own centers (city administrators for all); any worker of the city can be checked in,
wherever they registered: a walk-in registered in 宜君县 may wait in 王益区's hall.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import record_action, snapshot
from zero_gig.db import atomic_with_retry, locked

from .models import HallVisit, ServiceCenter
from .selectors import may_manage_center

NOT_YOUR_CENTER = _("Only staff of %(center)s or a city administrator can do this.")
ALREADY_LEFT = _("%(worker)s has already left the hall.")


def check_manages(actor, center: ServiceCenter) -> None:
    if not may_manage_center(actor, center.pk):
        raise PermissionDenied(NOT_YOUR_CENTER % {"center": center.name})


@atomic_with_retry
def check_in_to_hall(worker, *, actor, center: ServiceCenter, now: dt.datetime | None = None) -> HallVisit:
    """The worker is waiting in the center's hall today; checking in twice is harmless (the first visit stands)."""
    from workers.models import WorkerProfile

    check_manages(actor, center)
    now = now or timezone.now()
    locked(WorkerProfile.objects, worker.pk)  # two desks scanning the same card queue here
    # The worker is at the center now: matching (the board's suggestions, the waves of offers) measures from here.
    WorkerProfile.objects.filter(pk=worker.pk).update(current_latitude=center.latitude,
                                                      current_longitude=center.longitude, current_at=now)
    day = timezone.localdate(now)
    visit = HallVisit.objects.filter(center=center, worker_id=worker.pk, day=day, checked_out_at__isnull=True).first()
    if visit is not None:
        return visit
    # One person waits in one hall: an open visit at another center ends when they turn up here.
    for elsewhere in _open_visits(worker_id=worker.pk):
        _check_out(elsewhere, actor, now, reason="checked_in_elsewhere")
    try:
        with transaction.atomic():
            visit = HallVisit.objects.create(center=center, worker_id=worker.pk, day=day, checked_in_at=now,
                                             checked_in_by=actor)
    except IntegrityError:  # pragma: no cover - the profile lock makes this a race of a dead transaction
        return HallVisit.objects.get(center=center, worker_id=worker.pk, day=day, checked_out_at__isnull=True)
    record_action(actor, "hall_check_in", visit, center=center, subject_id=worker.user_id,
                  after=snapshot(visit, "day", "checked_in_at"), now=now)
    return visit


def _open_visits(**where) -> list[HallVisit]:
    """Open visits, locked (their rows only), read with the center and worker that checking them out logs: a
    dispatch checks the worker out while it holds the gig's lock, so no more round trips are made then."""
    return list(HallVisit.objects.select_for_update(of=("self",)).select_related("center", "worker")
                .filter(checked_out_at__isnull=True, **where))


def _check_out(visit: HallVisit, actor, now: dt.datetime, reason: str = "left") -> HallVisit:
    """End a visit (its row locked) and log it: `reason` is left, dispatched or checked_in_elsewhere."""
    visit.checked_out_at, visit.checked_out_by = now, actor
    visit.save(update_fields=["checked_out_at", "checked_out_by"])
    record_action(actor, "hall_check_out", visit, center=visit.center, subject_id=visit.worker.user_id,
                  before={"checked_out_at": None}, after={**snapshot(visit, "checked_out_at"), "reason": reason},
                  now=now)
    return visit


@atomic_with_retry
def check_out_of_hall(visit: HallVisit, *, actor, now: dt.datetime | None = None) -> HallVisit:
    """The worker leaves the hall (for the day, or for a gig)."""
    check_manages(actor, visit.center)
    now = now or timezone.now()
    visit = locked(HallVisit.objects.select_related("center", "worker"), visit.pk)
    if visit.checked_out_at is not None:
        return visit
    return _check_out(visit, actor, now)


def leave_for_gig(worker_id: int, center: ServiceCenter, *, actor, now: dt.datetime) -> int:
    """Inside a dispatch (jobs.services.assign_for_worker): the worker leaves today's hall for the gig."""
    visits = _open_visits(center=center, worker_id=worker_id, day=timezone.localdate(now))
    for visit in visits:
        _check_out(visit, actor, now, reason="dispatched")
    return len(visits)
