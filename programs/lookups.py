"""Finding the employer staff name at the counter: by mobile number or by its number (id). Workers are found
with the console's look-up, workers.selectors.find_workers."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jobs.models import Employer

from .services import is_staff


def _clean(query: str) -> str:
    return unicodedata.normalize("NFKC", query or "").strip().replace(" ", "")


def _by_phone_or_number(queryset, phone_field: str, query: str):
    """An 11-digit query is a mobile number; a shorter one the record's number (its id)."""
    query = _clean(query)
    if not (query.isascii() and query.isdigit()) or len(query) > 12:
        return None
    if len(query) == 11:
        return queryset.filter(**{phone_field: query}).first()
    return queryset.filter(pk=int(query)).first()


def find_employer(query: str, *, viewer) -> Employer | None:
    if not is_staff(viewer):
        raise PermissionDenied(_("Only center staff and city administrators look employers up."))
    return _by_phone_or_number(Employer.objects.all(), "owner__phone", query)
