"""Write the audit log. Services that act for center staff or city administrators call `record_action` inside
their transaction, so an action and its entry commit or roll back together."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils import timezone

from zero_gig.timestamps import iso

from .models import AuditEntry


def snapshot(instance: models.Model, *fields: str) -> dict:
    """The named fields of a record as JSON values (a foreign key as its id), for `before` and `after`. Callers
    name the fields: phone numbers, ID numbers and home locations are never logged."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        if isinstance(value, dt.datetime):
            value = iso(value)  # as every answer writes a moment
        elif isinstance(value, dt.date | dt.time):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        values[name] = value
    return values


def record_action(actor, action: str, target: models.Model, *, center=None, subject_id: int | None = None,
                  before: dict | None = None, after: dict | None = None,
                  now: dt.datetime | None = None) -> AuditEntry:
    """Who did what to which record, when, and what it was before and after. `subject_id` is the user the
    record is about (a worker's or an employer's), so the log can be read per person."""
    return AuditEntry.objects.create(
        at=now or timezone.now(), actor=actor if actor and actor.pk else None,
        actor_role=getattr(actor, "role", "") or "", center=center,
        action=action, target_type=target._meta.label_lower, target_id=str(target.pk),
        target_label=str(target)[:120], subject_id=subject_id, before=before, after=after)
