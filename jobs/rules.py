"""The market's configurable rules (settings.GIG_RULES), read in one place.

DEFAULTS holds the rules of money and time that settings.GIG_RULES may leave out; any of them can be
overridden like the others (the GIG_RULES environment variable, a JSON object).
"""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULTS = {
    # A gig's site must lie within this distance of an active service center: the area the platform serves.
    "SERVICE_AREA_KM": 80,
    # A gig lasts at most this many days, and is posted at most this many days before its start.
    "MAX_GIG_DAYS": 31,
    "MAX_DAYS_AHEAD": 365,
    # A job fair lasts at most this many days and a training session this many hours; a fair or a session is
    # dated at most MAX_DAYS_AHEAD days from today, before or after (a course held last month may be entered).
    "MAX_FAIR_DAYS": 14,
    "MAX_SESSION_HOURS": 12,
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


CANCELLATION_RULES = ("FREE_CANCEL_MINUTES", "LATE_CANCEL_HOURS", "NO_SHOW_AFTER_MINUTES", "STRIKES_TO_SUSPEND",
                      "STRIKE_WINDOW_DAYS", "SUSPENSION_DAYS", "EMPLOYER_LATE_CANCEL_HOURS", "SHOW_UP_PAY_HOURS")


def cancellation_rules() -> dict:
    """The rules of cancellation, no-shows and show-up pay in force now, by lower-case name."""
    return {name.lower(): rule(name) for name in CANCELLATION_RULES}


def cancellation_sentences(values: dict | None = None) -> list[str]:
    """The rules as the gig page says them to the worker (and as each written agreement records them), in the
    active language; `values` are those of cancellation_rules(), by default the ones in force now."""
    v = values or cancellation_rules()
    return [
        _("You may cancel free within %(m)s minutes of taking the gig.") % {"m": v["free_cancel_minutes"]},
        _("Cancelling later, and less than %(h)s hours before the start, gives you a strike.")
        % {"h": v["late_cancel_hours"]},
        _("Not checking in within %(m)s minutes of the start is a no-show, and a strike.")
        % {"m": v["no_show_after_minutes"]},
        _("%(n)s strikes in %(w)s days stop you taking gigs for %(d)s days.")
        % {"n": v["strikes_to_suspend"], "w": v["strike_window_days"], "d": v["suspension_days"]},
        _("If the employer cancels less than %(h)s hours before the start, they owe you %(p)s hours' pay.")
        % {"h": v["employer_late_cancel_hours"], "p": v["show_up_pay_hours"]},
    ]
