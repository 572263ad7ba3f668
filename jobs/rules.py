"""The market's configurable rules (settings.GIG_RULES), read in one place.

DEFAULTS holds the rules of money and time that settings.GIG_RULES may leave out; any of them can be
overridden like the others (the GIG_RULES environment variable, a JSON object).
"""

import datetime as dt

from django.conf import settings

DEFAULTS = {
    # A gig's site must lie within this distance of an active service center: the area the platform serves.
    "SERVICE_AREA_KM": 80,
    # A gig lasts at most this many days, and is posted at most this many days before its start.
    "MAX_GIG_DAYS": 31,
    "MAX_DAYS_AHEAD": 365,
    # The most a gig may pay per unit, in yuan: far above any real gig in the city (a day's pay in the demo
    # ranges is 150–450 yuan), low enough to catch a slip of the keyboard.
    "MAX_PAY_PER_UNIT": {"hour": 500, "day": 3000, "piece": 500, "job": 50000},
}


def rule(name: str):
    return settings.GIG_RULES[name] if name in settings.GIG_RULES else DEFAULTS[name]


def minutes(name: str) -> dt.timedelta:
    return dt.timedelta(minutes=rule(name))


def hours(name: str) -> dt.timedelta:
    return dt.timedelta(hours=rule(name))


def days(name: str) -> dt.timedelta:
    return dt.timedelta(days=rule(name))
