"""One way to write a moment in every payload: the REST API's, sockets', check-in codes' and the inbox's.

The moment is written as DRF writes a DateTimeField (ISO 8601 in the site's time zone, e.g. +08:00), by DRF's
own field, so a client comparing a gig's `starts_at` from REST with the same gig in a socket frame sees the
same string.
"""

import datetime as dt

from rest_framework.fields import DateTimeField
from rest_framework.utils.encoders import JSONEncoder as DRFJSONEncoder

_FIELD = DateTimeField()


def iso(moment: dt.datetime) -> str:
    return _FIELD.to_representation(moment)


class JSONEncoder(DRFJSONEncoder):
    """DRF's encoder (decimals, dates, UUIDs …), but a datetime in a plain dict is written by `iso` too: DRF's
    own writes it as UTC with a `Z`, so the same moment would read two ways in one answer."""

    def default(self, obj):
        if isinstance(obj, dt.datetime):
            return iso(obj)
        return super().default(obj)
