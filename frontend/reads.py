"""Small reads the pages need that no selector offers yet (to move into the apps' selectors)."""

from django.conf import settings
from django.db.models import Count, Q

from centers.models import CenterLevel, ServiceCenter
from jobs.models import Assignment, AssignmentStatus

from .models import DisplayPreference


def worker_home_point(user) -> tuple[float, float] | None:
    """The worker's home point, if the user is a worker who gave one."""
    profile = getattr(user, "worker_profile", None) if user.is_authenticated else None
    if profile is None or profile.latitude is None or profile.longitude is None:
        return None
    return profile.latitude, profile.longitude


def city_center_point() -> tuple[float, float]:
    """Where to search when nothing is known of the person: the city center, else the map's default."""
    center = (ServiceCenter.objects.filter(is_active=True, level=CenterLevel.CITY).order_by("pk")
              .values_list("latitude", "longitude").first())
    return center or settings.MAP_DEFAULT_CENTER


def my_assignment(user, gig) -> Assignment | None:
    """The worker's own assignment on the gig, if any."""
    profile = getattr(user, "worker_profile", None) if user.is_authenticated else None
    if profile is None:
        return None
    return Assignment.objects.filter(gig=gig, worker=profile).first()


def senior_preference(user) -> bool | None:
    if not user.is_authenticated:
        return None
    return DisplayPreference.objects.filter(user=user).values_list("senior_mode", flat=True).first()


def save_senior_preference(user, on: bool) -> None:
    DisplayPreference.objects.update_or_create(user=user, defaults={"senior_mode": on})


def with_progress(gigs: list) -> list:
    """Each gig with how it fills: offers still unanswered (`offers_out`) and applicants waiting (`applicants`);
    slots taken are the gig's own `accepted_count`. Counts only: who was offered stays hidden from employers.

    For gigs already read (a page of them): one grouped read of their assignments. Counted over an employer's
    whole list before paging, it grouped every assignment of thousands of gigs to show twenty (70 ms a page for a
    busy employer on the benchmark's million gigs)."""
    counts = {row["gig_id"]: row for row in Assignment.objects.filter(gig_id__in=[gig.pk for gig in gigs])
              .values("gig_id").order_by()
              .annotate(applicants=Count("pk", filter=Q(status=AssignmentStatus.APPLIED)),
                        offers_out=Count("pk", filter=Q(status=AssignmentStatus.OFFERED)))}
    for gig in gigs:
        row = counts.get(gig.pk, {})
        gig.applicants, gig.offers_out = row.get("applicants", 0), row.get("offers_out", 0)
    return gigs
