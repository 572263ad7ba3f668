"""The figures computed the slow, obvious way: every raw row, one at a time, in Python — to check the
pre-aggregates against (figures.services defines the figures; this reads those definitions again)."""

import statistics
from collections import defaultdict

from django.utils import timezone

from centers.models import HallVisit
from figures.periods import KINDS, start_of
from jobs.models import SLOT_HOLDING, Assignment, Gig, GigStatus
from programs.models import Enrolment, JobFair
from programs.selectors import fair_hires

FIELDS = ("seekers", "openings", "slots_taken", "placements", "gigs_filled", "median_fill_seconds", "walk_ins",
          "completions", "fair_hires")


def day(moment):
    return timezone.localtime(moment).date()


def brute_figures() -> dict:
    """{(center id or None, kind, first day): {field: value}} for every period with any fact."""
    counts = defaultdict(lambda: defaultdict(int))
    seekers = defaultdict(set)
    fills = defaultdict(list)

    def keys(center_id, on):
        for kind in KINDS:
            yield center_id, kind, start_of(kind, on)
            yield None, kind, start_of(kind, on)

    for gig in Gig.objects.all():
        if gig.status in (GigStatus.DRAFT, GigStatus.PENDING_REVIEW):
            continue
        published = gig.reviewed_at or gig.created_at
        for key in keys(gig.center_id, day(published)):
            counts[key]["openings"] += gig.headcount
            counts[key]["slots_taken"] += gig.accepted_count
        taken = [a.accepted_at for a in gig.assignments.all() if a.status in SLOT_HOLDING and a.accepted_at]
        if gig.accepted_count >= gig.headcount and taken:
            filled = max(taken)
            for key in keys(gig.center_id, day(filled)):
                fills[key].append(max(0, round((filled - published).total_seconds())))
    for a in Assignment.objects.select_related("gig"):
        if a.checked_in_at:
            for key in keys(a.gig.center_id, day(a.checked_in_at)):
                counts[key]["placements"] += 1
        if a.offered_at is None:
            for key in keys(a.gig.center_id, day(a.created_at)):
                seekers[key].add(a.worker_id)
        if a.accepted_at:
            for key in keys(a.gig.center_id, day(a.accepted_at)):
                seekers[key].add(a.worker_id)
    for visit in HallVisit.objects.all():
        for key in keys(visit.center_id, visit.day):
            counts[key]["walk_ins"] += 1
            seekers[key].add(visit.worker_id)
    for enrolment in Enrolment.objects.select_related("course"):
        if enrolment.completed_at:
            for key in keys(enrolment.course.center_id, day(enrolment.completed_at)):
                counts[key]["completions"] += 1
    for fair in JobFair.objects.all():
        for hire in fair_hires(fair):
            for key in keys(fair.center_id, day(hire.accepted_at)):
                counts[key]["fair_hires"] += 1
    result = {}
    for key in set(counts) | set(seekers) | set(fills):
        row = dict.fromkeys(FIELDS, 0)
        row.update(counts.get(key, {}))
        row["seekers"] = len(seekers.get(key, ()))
        row["gigs_filled"] = len(fills.get(key, ()))
        row["median_fill_seconds"] = round(statistics.median(fills[key])) if fills.get(key) else None
        result[key] = row
    return result


def stored_figures() -> dict:
    from figures.models import Figure

    return {(f["center_id"], f["kind"], f["start"]): {name: f[name] for name in FIELDS}
            for f in Figure.objects.values("center_id", "kind", "start", *FIELDS)}
