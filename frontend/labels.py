"""How domain values read on a page, in the current language."""

from decimal import Decimal

from django.utils.translation import get_language

from jobs.models import PayUnit


def trade_name(category) -> str:
    english = (get_language() or "").startswith("en")
    return (category.name_en or category.name) if english else category.name


def pay_unit_label(unit: str) -> str:
    return PayUnit(unit).label


def day_estimate(gig) -> Decimal | None:
    """What an hourly gig pays in all, so it compares with day rates; None for other units."""
    if gig.pay_unit != PayUnit.HOUR:
        return None
    hours = Decimal((gig.ends_at - gig.starts_at).total_seconds()) / 3600
    return (gig.pay_amount * hours).quantize(Decimal("1"))


def length_hours(gig) -> float:
    return round((gig.ends_at - gig.starts_at).total_seconds() / 3600, 1)


