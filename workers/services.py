"""Writes about workers: registration online or at a center's desk."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from zero_gig.geo import validate_point

from .models import RealNameStatus, WorkerProfile, WorkerTrade


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


# --- A worker edits their own profile ----------------------------------------------------------
WORKER_PROFILE_FIELDS = {"display_name", "availability", "latitude", "longitude", "has_smartphone"}
ID_NUMBER_TAKEN = _("This ID number is already registered.")
DUPLICATE_TRADE = _("Each trade can be listed once.")
NOT_A_TRADE = _("Choose a trade, not a group of trades.")


@transaction.atomic
def update_worker_profile(profile: WorkerProfile, *, trades: list[tuple] | None = None,
                          id_number: str | None = None, **fields) -> WorkerProfile:
    """Edit a worker's own profile. `trades` (Category, years) pairs replace the current set.

    A new ID number is kept only as its hash and mask, and puts the real-name status back to
    pending until staff check it.
    """
    unknown = set(fields) - WORKER_PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(profile, name, value)
    if id_number is not None:
        previous = profile.id_number_hash
        profile.set_id_number(id_number)
        if profile.id_number_hash != previous:
            profile.real_name_status = RealNameStatus.PENDING
    profile.full_clean()
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        raise ValidationError({"id_number": ID_NUMBER_TAKEN}) from None
    if "display_name" in fields and profile.user.name != profile.display_name:
        profile.user.name = profile.display_name
        profile.user.save(update_fields=["name"])
    if trades is not None:
        _replace_trades(profile, trades)
    return profile


def _replace_trades(profile: WorkerProfile, trades: list[tuple]) -> None:
    categories = [category for category, _years in trades]
    if len({c.pk for c in categories}) != len(categories):
        raise ValidationError({"trades": DUPLICATE_TRADE})
    if any(c.is_group for c in categories):
        raise ValidationError({"trades": NOT_A_TRADE})
    new = [WorkerTrade(worker=profile, category=category, years_experience=years) for category, years in trades]
    for trade in new:
        try:
            trade.clean_fields(exclude=["worker"])
        except ValidationError as error:
            raise ValidationError({"trades": error.messages}) from None
    WorkerTrade.objects.filter(worker=profile).delete()
    WorkerTrade.objects.bulk_create(new)
