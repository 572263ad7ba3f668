"""What the market tells people when something happens to a gig: stored in the inbox, then pushed live.

Services call these after they change state, inside their transaction; the push goes out on commit.
"""

from __future__ import annotations

from django.utils import timezone

from centers.models import CenterStaff
from notifications.models import Kind
from notifications.services import notify_board, notify_each, notify_user
from zero_gig.timestamps import iso

from . import matching
from .models import Assignment, Gig, GigStatus, WageDispute


def gig_brief(gig: Gig) -> dict:
    return {"id": gig.pk, "code": gig.code, "title": gig.title, "trade": gig.category.name,
            "pay_amount": str(gig.pay_amount), "pay_unit": gig.pay_unit, "starts_at": iso(gig.starts_at),
            "ends_at": iso(gig.ends_at), "address": gig.address, "headcount": gig.headcount,
            "slots_left": gig.slots_left, "status": gig.status}


def _fresh(gig: Gig) -> Gig:
    gig.refresh_from_db(fields=["status", "accepted_count"])
    return gig


def _owner(gig: Gig) -> int:
    return gig.employer.owner_id


def board(gig: Gig, change: str) -> None:
    """A line on the center's live board: opened, slots, filled, closed."""
    notify_board(gig.center_id, Kind.BOARD, {"change": change, "gig": gig_brief(gig)})


def offers(gig: Gig, offered: list[tuple[Assignment, float]], wave: int) -> None:
    """Each worker of a wave gets the offer; the employer hears how many were asked (their live fill progress)."""
    brief = gig_brief(gig)
    notify_each(Kind.OFFER, [(a.worker.user_id, {"assignment": a.pk, "wave": wave, "distance_km": round(km, 2),
                                                 "gig": brief}) for a, km in offered])
    if offered:
        notify_user(_owner(gig), Kind.WAVE, {"gig": brief, "wave": wave, "offered": len(offered)})


def gig_opened(gig: Gig) -> None:
    board(gig, "opened")


def worker_took_slot(assignment: Assignment) -> None:
    """A worker accepted (instant) or was hired (application): tell the employer, the worker and the board. The
    gig is as the hire left it, under its lock (jobs.services._take_slot)."""
    gig = assignment.gig
    if gig.slots_left == 0:  # rows first, then notifications (their locks come last)
        matching.withdraw_pending_offers(gig, timezone.now(), "filled")
    payload = {"assignment": assignment.pk, "worker": assignment.worker.display_name, "gig": gig_brief(gig)}
    notify_user(_owner(gig), Kind.ACCEPTED, payload)
    notify_user(assignment.worker.user_id, Kind.HIRED, {"assignment": assignment.pk, "gig": gig_brief(gig)})
    board(gig, "filled" if gig.slots_left == 0 else "slots")


def applied(assignment: Assignment) -> None:
    gig = assignment.gig
    notify_user(_owner(gig), Kind.APPLICANT, {"assignment": assignment.pk, "worker": assignment.worker.display_name,
                                              "gig": gig_brief(gig)})


def slot_freed(assignment: Assignment) -> None:
    gig = _fresh(assignment.gig)
    if assignment.cancelled_by == "worker":
        notify_user(_owner(gig), Kind.CANCELLED, {"assignment": assignment.pk, "by": "worker",
                                                  "worker": assignment.worker.display_name, "gig": gig_brief(gig)})
    notify_user(_owner(gig), Kind.SLOTS, {"gig": gig_brief(gig)})
    board(gig, "slots")


def cancelled_by_employer(assignments: list[Assignment], gig: Gig) -> None:
    notify_each(Kind.CANCELLED, [
        (a.worker.user_id, {"assignment": a.pk, "by": "employer", "reason": a.cancel_reason,
                            "compensation": str(a.compensation.amount) if hasattr(a, "compensation") else None,
                            "gig": gig_brief(gig)}) for a in assignments])


def gig_closed(gig: Gig) -> None:
    """Cancelled or expired: off the board, and offers nobody answered are withdrawn."""
    gig = _fresh(gig)
    matching.withdraw_pending_offers(gig, timezone.now(), matching.withdrawal_reason(gig))
    board(gig, "closed")


def offers_withdrawn(gig: Gig, assignments: list[Assignment], reason: str) -> None:
    brief = gig_brief(gig)
    notify_each(Kind.WITHDRAWN, [(a.worker.user_id, {"assignment": a.pk, "reason": reason, "gig": brief})
                                 for a in assignments])


def checked_in(assignment: Assignment) -> None:
    payload = {"assignment": assignment.pk, "worker": assignment.worker.display_name,
               "method": assignment.check_in_method, "gig": gig_brief(assignment.gig)}
    notify_user(assignment.worker.user_id, Kind.CHECKED_IN, payload)
    notify_user(_owner(assignment.gig), Kind.CHECKED_IN, payload)


def no_show(assignment: Assignment) -> None:
    payload = {"assignment": assignment.pk, "worker": assignment.worker.display_name,
               "gig": gig_brief(_fresh(assignment.gig))}
    notify_user(_owner(assignment.gig), Kind.NO_SHOW, payload)
    notify_user(assignment.worker.user_id, Kind.NO_SHOW, payload)


def reminder(assignment: Assignment) -> None:
    notify_user(assignment.worker.user_id, Kind.REMINDER, {"assignment": assignment.pk,
                                                           "gig": gig_brief(assignment.gig)})


def pay_recorded(assignment: Assignment) -> None:
    notify_user(assignment.worker.user_id, Kind.PAY, {"assignment": assignment.pk,
                                                      "amount_due": str(assignment.amount_due),
                                                      "gig": gig_brief(assignment.gig)})


def reviewed(gig: Gig) -> None:
    notify_user(_owner(gig), Kind.REVIEW, {"approved": gig.status == GigStatus.OPEN, "note": gig.review_note,
                                           "gig": gig_brief(gig)})


def pay_corrected(assignment: Assignment, previous, reason: str) -> None:
    """The employer changed the pay recorded: the worker sees the old and new amounts and why."""
    notify_user(assignment.worker.user_id, Kind.PAY, {"assignment": assignment.pk, "corrected": True,
                                                      "previous_amount": str(previous),
                                                      "amount_due": str(assignment.amount_due), "reason": reason,
                                                      "gig": gig_brief(assignment.gig)})


def pay_disputed(dispute: WageDispute) -> None:
    """A wage dispute reaches the employer, each staff member of the gig's center and its board at once."""
    assignment = dispute.assignment
    gig = assignment.gig
    payload = {"assignment": assignment.pk, "dispute": dispute.pk, "disputed": True,
               "worker": assignment.worker.display_name, "amount_claimed": str(dispute.amount_claimed),
               "amount_due": None if assignment.amount_due is None else str(assignment.amount_due),
               "reason": dispute.reason, "gig": gig_brief(gig)}
    staff = CenterStaff.objects.filter(center_id=gig.center_id, user__is_active=True).values_list("user_id", flat=True)
    notify_each(Kind.PAY, [(user_id, payload) for user_id in (_owner(gig), *staff)])
    notify_board(gig.center_id, Kind.PAY, payload)
