"""Read the audit log: city administrators read all of it; staff read their own centers' entries."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .models import AuditEntry


def audit_log(viewer, *, person: int | None = None, center: int | None = None,
              day: dt.date | None = None) -> QuerySet[AuditEntry]:
    """Entries newest first, filtered by a person (who acted, or whom it concerned), a center and a day
    (in the city's time zone)."""
    if not (viewer and viewer.is_authenticated and viewer.is_active
            and viewer.role in (Role.CITY_ADMIN, Role.CENTER_STAFF)):
        raise PermissionDenied(_("Only city administrators and center staff read the audit log."))
    entries = AuditEntry.objects.select_related("actor", "center", "subject")
    if viewer.role != Role.CITY_ADMIN:
        entries = entries.filter(center__in=viewer.center_memberships.values("center"))
    if person is not None:
        entries = entries.filter(Q(actor_id=person) | Q(subject_id=person))
    if center is not None:
        entries = entries.filter(center_id=center)
    if day is not None:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        entries = entries.filter(at__gte=start, at__lt=start + dt.timedelta(days=1))
    return entries.order_by("-at", "-id")
