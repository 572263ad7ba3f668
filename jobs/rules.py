"""The market's configurable rules (settings.GIG_RULES), read in one place."""

import datetime as dt

from django.conf import settings


def rule(name: str):
    return settings.GIG_RULES[name]


def minutes(name: str) -> dt.timedelta:
    return dt.timedelta(minutes=rule(name))


def hours(name: str) -> dt.timedelta:
    return dt.timedelta(hours=rule(name))


def days(name: str) -> dt.timedelta:
    return dt.timedelta(days=rule(name))
