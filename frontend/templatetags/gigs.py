from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """180.00 → 180, 0.08 → 0.08: pay as people write it."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text
