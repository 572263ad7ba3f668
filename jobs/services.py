"""Writes about trades, employers and gigs. Every rule about a gig is enforced here or on the model."""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role
from centers.selectors import nearest_center
from zero_gig.geo import Point, validate_point

from .models import Category, Employer, Gig, GigStatus, WageFloor
from .taxonomy import TAXONOMY
from .wage_floors import AREA_CLASSES, EFFECTIVE_FROM, SOURCE, TONGCHUAN_REGIONS

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: codes are read out over the phone


def new_gig_code() -> str:
    return "G" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(7))


@transaction.atomic
def sync_taxonomy() -> int:
    """Make the trade table match TAXONOMY; returns how many rows were created. Safe to rerun."""
    created = 0
    for group_order, (group_code, group_name, group_en, trades) in enumerate(TAXONOMY):
        group, was_created = Category.objects.update_or_create(
            code=group_code, defaults={"name": group_name, "name_en": group_en, "parent": None,
                                       "pay_units": [], "sort_order": group_order},
        )
        created += was_created
        for order, (code, name, name_en, units, piece_label, _ranges) in enumerate(trades):
            _trade, was_created = Category.objects.update_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "parent": group, "pay_units": units,
                                     "piece_label": piece_label, "sort_order": order},
            )
            created += was_created
    return created


@transaction.atomic
def load_wage_floors() -> int:
    """Load the minimum-wage data for Tongchuan; returns rows created. Safe to rerun."""
    created = 0
    for region_code, area_class in TONGCHUAN_REGIONS.items():
        hourly, monthly = AREA_CLASSES[area_class]
        _floor, was_created = WageFloor.objects.update_or_create(
            region_code=region_code, effective_from=EFFECTIVE_FROM,
            defaults={"area_class": area_class, "hourly_minimum": hourly, "monthly_minimum": monthly,
                      "source": SOURCE},
        )
        created += was_created
    return created


@transaction.atomic
def register_employer(*, phone: str, name: str, contact_name: str, kind: str = Employer.Kind.INDIVIDUAL,
                      credit_code: str | None = None, password: str | None = None, **fields) -> Employer:
    user = get_user_model().objects.create_user(phone=phone, password=password, name=contact_name,
                                                role=Role.EMPLOYER)
    employer = Employer(owner=user, name=name, kind=kind, credit_code=credit_code, contact_name=contact_name,
                        contact_phone=fields.pop("contact_phone", user.phone), **fields)
    employer.full_clean()
    employer.save()
    return employer


def create_gig(*, employer: Employer, status: str = GigStatus.DRAFT, code: str | None = None, **fields) -> Gig:
    """Create a gig after every model rule; the nearest center takes it unless one is chosen."""
    gig = Gig(employer=employer, status=status, code=code or new_gig_code(), **fields)
    if gig.center_id is None:
        try:
            validate_point(gig.latitude, gig.longitude)
            gig.center = nearest_center(Point(float(gig.latitude), float(gig.longitude)))
        except ValidationError:
            pass  # full_clean below names the bad coordinates with every other error
    gig.full_clean()
    gig.save()
    return gig
