"""The texts a walk-in worker agrees to at a center's counter. Staff read them out (or show them); the service
records which version was agreed to, by whom and when. A changed text gets a new version: never edit one in place.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import ConsentPurpose


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    version: str
    text: str


REGISTRATION = ConsentText(
    ConsentPurpose.REGISTRATION, "registration-2026-11",
    _("I agree that this service center keeps my name, phone number, trades and the other facts on this form "
      "to find me work; that staff may offer me gigs and act for me at the center; and that my ID number, if I "
      "give it, is kept only as the law allows. The service is free: no one may ask me for money for it."))
DISPATCH = ConsentText(
    ConsentPurpose.DISPATCH, "dispatch-2026-11",
    _("I agree to take this gig at the time, place and pay shown, and that the center takes it for me now. The "
      "employer will see my name and how to reach me. If I cannot go, I tell the center at once."))

BY_PURPOSE = {text.purpose: text for text in (REGISTRATION, DISPATCH)}
