"""The configurable rules of wage-arrears complaints (settings.COMPLAINT_RULES), read in one place."""

from django.conf import settings

DEFAULTS = {
    # Deadlines, in the working time of the gig's center (its opening hours on the days it is open; public
    # holidays and the weekend days worked in their place come from chinese_calendar).
    "ACKNOWLEDGE_WORKING_HOURS": 1,
    "RESOLVE_WORKING_DAYS": 3,
    # A center that gave no opening times counts these hours on national working days.
    "DEFAULT_WORKING_HOURS": ("09:00", "17:00"),
    # Evidence photos: how many, and how big each may be when sent.
    "MAX_PHOTOS": 5,
    "MAX_PHOTO_BYTES": 5 * 1024 * 1024,
    "MAX_PHOTO_PIXELS": 40_000_000,
    # Both sides are reminded this many days after the work ended without a pay confirmation (once).
    "PAY_REMINDER_DAYS": 2,
}


def rule(name: str):
    configured = getattr(settings, "COMPLAINT_RULES", {})
    return configured[name] if name in configured else DEFAULTS[name]
