"""Marking the days whose figures changed, after the change commits.

Signals on the models that carry counted facts (rather than calls in each service) so that every path that
saves them — the services, the admin, the console — marks its days; the marking runs on commit (outside the
service's transaction, so it adds no lock to an accept), and a rolled-back change marks nothing. Bulk UPDATEs
send no signal: the only ones that touch counted facts move a gig's status (expiry and the like) or its slot
count alongside a saved assignment (which marks the days); the scheduler's periodic `refresh_recent_figures`
recomputes the recent quarters to catch the rest, and `rebuild_figures` everything.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete

MAX_EVENT_DAYS = 31


def _day(moment):
    from .services import local_day

    return local_day(moment) if moment else None


def _later(days) -> None:
    from .services import mark_dirty

    days = {day for day in days if day is not None}
    if days:
        transaction.on_commit(lambda: mark_dirty(days))


def _gig_days(gig_id: int) -> set:
    """The days a gig's figures lie on: posted, reviewed, and every day one of its slots was taken."""
    from jobs.models import Assignment, Gig

    days = set()
    for created_at, reviewed_at in Gig.objects.filter(pk=gig_id).values_list("created_at", "reviewed_at"):
        days |= {_day(created_at), _day(reviewed_at)}
    for moment in Assignment.objects.filter(gig_id=gig_id, accepted_at__isnull=False).values_list("accepted_at",
                                                                                                    flat=True):
        days.add(_day(moment))
    return days


def gig_changed(sender, instance, **kwargs):
    _later({_day(instance.created_at), _day(instance.reviewed_at)})


def assignment_changed(sender, instance, **kwargs):
    from .services import mark_dirty

    own = {_day(instance.created_at), _day(instance.accepted_at), _day(instance.checked_in_at)}
    gig_id = instance.gig_id

    def mark():
        mark_dirty(own | _gig_days(gig_id))

    transaction.on_commit(mark)


def visit_changed(sender, instance, **kwargs):
    _later({instance.day})


def enrolment_changed(sender, instance, **kwargs):
    _later({_day(instance.completed_at)})


def fair_changed(sender, instance, **kwargs):
    """A registration or a gig brought to a fair changes the fair's hires on the days of its window."""
    from programs.models import JobFair

    fair = JobFair.objects.filter(pk=instance.fair_id).only("starts_at", "ends_at").first()
    if fair is not None:  # else the fair itself is being deleted, and fair_itself_changed marked its days
        _fair_days(fair)


def fair_itself_changed(sender, instance, **kwargs):
    """A fair saved (its window may have moved: its new days are marked; the scheduler's look back over the
    recent quarters catches the old ones) or deleted."""
    _fair_days(instance)


def _fair_days(fair) -> None:
    first, last = _day(fair.starts_at), _day(fair.ends_at)
    if first and last:
        span = min((last - first).days, MAX_EVENT_DAYS)
        _later({first + dt.timedelta(days=n) for n in range(span + 1)})


def connect() -> None:
    from centers.models import HallVisit
    from jobs.models import Assignment, Gig
    from programs.models import Enrolment, FairGig, FairRegistration, JobFair

    for model, handler in ((Gig, gig_changed), (Assignment, assignment_changed), (HallVisit, visit_changed),
                           (Enrolment, enrolment_changed), (FairRegistration, fair_changed),
                           (FairGig, fair_changed)):
        post_save.connect(handler, sender=model, dispatch_uid=f"figures-{model.__name__}-save")
        post_delete.connect(handler, sender=model, dispatch_uid=f"figures-{model.__name__}-delete")
    post_save.connect(fair_itself_changed, sender=JobFair, dispatch_uid="figures-JobFair-save")
    pre_delete.connect(fair_itself_changed, sender=JobFair, dispatch_uid="figures-JobFair-delete")
