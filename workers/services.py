"""Writes about workers: registration online or at a center's desk."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from zero_gig.geo import validate_point

from .models import WorkerProfile, WorkerTrade


@transaction.atomic
def register_worker(*, phone: str, display_name: str, latitude: float, longitude: float,
                    trades: dict | None = None, id_number: str | None = None, password: str | None = None,
                    center=None, **profile_fields) -> WorkerProfile:
    """Create the user and profile of a worker; `trades` maps Category → years of experience.

    Walk-in workers registered by staff pass `center` and may have no password: they are
    matched by hand at the center and can set a password later by SMS code.
    """
    user = get_user_model().objects.create_user(phone=phone, password=password, name=display_name, role=Role.WORKER)
    profile = WorkerProfile(user=user, display_name=display_name, latitude=latitude, longitude=longitude,
                            registered_at_center=center, **profile_fields)
    if id_number:
        profile.set_id_number(id_number)
    profile.full_clean()
    profile.save()
    for category, years in (trades or {}).items():
        trade = WorkerTrade(worker=profile, category=category, years_experience=years)
        trade.full_clean()
        trade.save()
    return profile


def report_location(user, latitude, longitude) -> None:
    """The worker's phone says where it is now; matching prefers it to home while it is fresh."""
    validate_point(latitude, longitude)
    WorkerProfile.objects.filter(user=user).update(current_latitude=float(latitude),
                                                   current_longitude=float(longitude), current_at=timezone.now())
