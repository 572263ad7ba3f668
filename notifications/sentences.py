"""The sentence each kind of notification reads as, in the reader's language: one place for the inbox page (and
any other page that lists notifications)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def sentence(kind: str, payload: dict) -> str:
    """What a notification says to its reader, in the active language."""
    gig = payload.get("gig") or {}
    values = {"trade": gig.get("trade", ""), "title": gig.get("title", ""), "amount": payload.get("amount_due"),
              "previous": payload.get("previous_amount"), "worker": payload.get("worker", ""),
              "reason": payload.get("reason") or "", "km": payload.get("distance_km")}
    if kind == "offer":
        return _("A gig near you (%(km)s km): %(trade)s, %(title)s.") % values
    if kind == "hired":
        return _("You are hired for %(trade)s, %(title)s. Be on time and check in at the site.") % values
    if kind == "cancelled":
        if payload.get("by") == "employer":
            return _("The employer cancelled %(trade)s, %(title)s.") % values
        return _("%(worker)s cancelled %(trade)s, %(title)s.") % values
    if kind == "withdrawn":
        return _("The offer of %(trade)s, %(title)s was withdrawn: it is no longer open to you.") % values
    if kind == "reminder":
        return _("Reminder: %(trade)s, %(title)s starts soon.") % values
    if kind == "checked_in":
        return _("%(worker)s checked in at %(trade)s, %(title)s.") % values
    if kind == "no_show":
        return _("No check-in was recorded for %(trade)s, %(title)s: a no-show.") % values
    if kind == "pay" and payload.get("complaint"):
        return complaint_sentence(payload, values)
    if kind == "pay" and payload.get("reminder") == "pay_unconfirmed":
        if payload.get("side") == "employer":
            return _("The pay for %(trade)s, %(title)s (%(worker)s) is not confirmed two days after the work: "
                     "record it and pay the worker.") % values
        return _("Has the pay for %(trade)s, %(title)s arrived? Confirm it, or file a wage complaint.") % values
    if kind == "pay":
        if payload.get("disputed"):
            return _("%(worker)s disputed the pay for %(trade)s, %(title)s.") % values
        if payload.get("corrected"):
            return _("The pay for %(trade)s, %(title)s was changed from %(previous)s to %(amount)s yuan.") % values
        return _("The employer recorded %(amount)s yuan for %(trade)s, %(title)s. Confirm when it arrives.") % values
    if kind == "wave":
        return ngettext("Your gig %(trade)s, %(title)s was offered to %(count)s worker nearby.",
                        "Your gig %(trade)s, %(title)s was offered to %(count)s workers nearby.",
                        payload.get("offered") or 0) % {**values, "count": payload.get("offered") or 0}
    if kind == "slots":
        return _("A slot is free again on %(trade)s, %(title)s: it is offered to other workers.") % values
    if kind == "answer":
        return _("%(center)s answered your question.") % {"center": (payload.get("center") or {}).get("name", "")}
    if kind == "applicant":
        return _("%(worker)s applied for %(trade)s, %(title)s.") % values
    if kind == "accepted":
        return _("%(worker)s took a slot on %(trade)s, %(title)s.") % values
    if kind == "hold":
        return _hold_sentence(payload, values)
    if kind == "agreement":
        if payload.get("to") == "employer":
            return _("The gig work agreement with %(worker)s for %(trade)s, %(title)s is ready: read it and accept "
                     "it.") % values
        return _("Your gig work agreement for %(trade)s, %(title)s is ready: read it and accept it. It is free "
                 "and you can print it any time.") % values
    if kind == "review":
        if payload.get("approved"):
            return _("Your post %(trade)s, %(title)s was approved.") % values
        return _("Your post %(trade)s, %(title)s was not approved.") % values
    return _("%(trade)s, %(title)s: an update.") % values


def _hold_sentence(payload: dict, values: dict) -> str:
    """A gig held after reports from workers (gigreports), released or taken down; each side reads its own."""
    event, to = payload.get("event"), payload.get("to")
    if event == "held":
        if to == "employer":
            if payload.get("cause") == "employer":
                return _("Your post %(trade)s, %(title)s is held for review because another post of yours was "
                         "taken down.") % values
            return _("Your post %(trade)s, %(title)s is held for review after reports from workers; the service "
                     "center will check it.") % values
        if to == "staff":
            return _("%(trade)s, %(title)s is held after reports: review it in the report queue.") % values
        return _("%(trade)s, %(title)s is held for review after reports from workers. Wait for the center's "
                 "word before you go.") % values
    if event == "released":
        return _("The service center checked %(trade)s, %(title)s and released it.") % values
    if event == "taken_down":
        if to == "employer":
            if payload.get("employer_action") == "suspend":
                return _("Your post %(trade)s, %(title)s was taken down: %(reason)s You cannot post gigs for "
                         "now.") % values
            return _("Your post %(trade)s, %(title)s was taken down: %(reason)s This is a warning.") % values
        return _("%(trade)s, %(title)s was taken down by the service center after reports from workers.") % values
def complaint_sentence(payload: dict, values: dict) -> str:
    """A step of a wage-arrears complaint (complaints.services), as its reader is told it."""
    event = payload.get("event")
    values = {**values, "claimed": payload.get("amount_claimed")}
    if event == "filed":
        return _("%(worker)s filed a wage complaint (%(claimed)s yuan) about %(trade)s, %(title)s.") % values
    if event == "acknowledged":
        return _("The service center acknowledged the wage complaint about %(trade)s, %(title)s.") % values
    if event == "mediating":
        return _("The service center is mediating the wage complaint about %(trade)s, %(title)s.") % values
    if event == "resolved":
        return _("The wage complaint about %(trade)s, %(title)s is resolved.") % values
    if event == "closed":
        return _("The wage complaint about %(trade)s, %(title)s is closed.") % values
    if event == "employer_responded":
        return _("The employer responded to the wage complaint about %(trade)s, %(title)s.") % values
    if event == "escalated":
        if payload.get("missed") == "acknowledge":
            return _("Overdue: the wage complaint about %(trade)s, %(title)s was not acknowledged in time.") % values
        return _("Overdue: the wage complaint about %(trade)s, %(title)s was not resolved in time.") % values
    return _("%(trade)s, %(title)s: an update.") % values
