from decimal import ROUND_HALF_UP, Decimal

from django import template

from jobs import selectors

register = template.Library()


@register.filter
def pay_figure(value) -> str:
    """A figure of a summary as people read it: whole yuan from 10 up (162.25 → 162), as yuan() below that
    (0.085 stays 0.085)."""
    if value is None:
        return ""
    value = Decimal(value)
    if value >= 10:
        return yuan(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return yuan(value)


@register.filter
def yuan(value) -> str:
    """180.00 → 180, 0.08 → 0.08: pay as people write it."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text


@register.filter
def public_place(gig) -> str:
    """A household's gig in words for those who may not see its site (jobs.selectors.public_place)."""
    return selectors.public_place(gig)
