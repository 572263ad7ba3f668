"""Finding the worker or employer staff name at the counter: by mobile number or by their number (id)."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jobs.models import Employer
from workers.models import WorkerProfile

from .services import is_staff


def _clean(query: str) -> str:
    return unicodedata.normalize("NFKC", query or "").strip().replace(" ", "")


def find_worker(query: str, *, viewer) -> WorkerProfile | None:
    """A worker by mobile number or worker number, for staff (workers are shared city-wide)."""
    if not is_staff(viewer):
        raise PermissionDenied(_("Only center staff and city administrators look workers up."))
    query = _clean(query)
    if not query.isdigit():
        return None
    if len(query) == 11:
        return WorkerProfile.objects.filter(user__phone=query).first()
    return WorkerProfile.objects.filter(pk=int(query)).first() if len(query) <= 12 else None


def find_employer(query: str, *, viewer) -> Employer | None:
    if not is_staff(viewer):
        raise PermissionDenied(_("Only center staff and city administrators look employers up."))
    query = _clean(query)
    if not query.isdigit():
        return None
    if len(query) == 11:
        return Employer.objects.filter(owner__phone=query).first()
    return Employer.objects.filter(pk=int(query)).first() if len(query) <= 12 else None
