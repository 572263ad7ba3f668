"""The API's JSON parser: DRF's, refusing with a 400 what would otherwise reach Python or the database as an error.

- Nesting deeper than Python's recursion limit makes `json.loads` raise RecursionError (a 500 before): no field
  of the API nests more than a few levels, so such a body is refused as malformed.
- A NUL character (`\\u0000`) is legal JSON but no text column takes it (PostgreSQL refuses it in text and jsonb);
  DRF's CharField refuses it by field, but free-form JSON would carry it to the database. Refused here, once.
- A lone surrogate (`\\ud800`) is legal JSON too, but not a character: no UTF-8 text holds it, so saving it, or
  answering with it, failed with UnicodeEncodeError.
- A number too large for a float (`1e309`) parses to infinity, which no field or column takes: int() of it raised
  OverflowError where an id or a count was read (DRF refuses the literals NaN and Infinity, not this).

Then every text of the body is NFKC-normalised, names and values, before any field validates it (as the pages'
forms do, frontend.forms.NfkcCharField): full-width letters and digits, ideographic spaces and the like arrive in
one spelling. Passwords are left exactly as typed, as the admin's login (Django's) compares them.
"""

import math
import re
import unicodedata

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

SURROGATE = re.compile("[\ud800-\udfff]")
AS_TYPED = frozenset({"password", "new_password"})


class UnreadableBody(ParseError):
    """A body refused for a reason of ours: its text is kept (DRF's own parse errors quote Python's decoder)."""


def _text(value: str, as_typed: bool = False) -> str:
    if "\x00" in value:
        raise UnreadableBody(_("Text may not contain the NUL character (\\u0000)."))
    if SURROGATE.search(value):
        raise UnreadableBody(_("Text may not contain a lone surrogate (\\ud800–\\udfff): it is not a character."))
    return value if as_typed else unicodedata.normalize("NFKC", value)


def _cleaned(parsed):
    """The body with its texts NFKC-normalised (containers changed in place), or UnreadableBody for the first
    thing no field could take. One walk with a list of its own, not recursion: a body nested a few hundred levels
    parses, and must not overflow Python's stack here."""
    holder = [parsed]  # so that a bare value is walked as an item like any other
    waiting = [holder]
    while waiting:
        container = waiting.pop()
        if isinstance(container, dict):
            items = list(container.items())
            container.clear()
            entries = [(_text(key), value, key in AS_TYPED) for key, value in items]
        else:
            entries = [(index, value, False) for index, value in enumerate(container)]
        for place, value, as_typed in entries:
            if isinstance(value, str):
                value = _text(value, as_typed)
            elif isinstance(value, float) and not math.isfinite(value):
                raise UnreadableBody(_("A number is too large."))
            elif isinstance(value, dict | list):
                waiting.append(value)
            container[place] = value
    return holder[0]


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise UnreadableBody(_("The JSON is nested too deeply.")) from None
        return _cleaned(data)
