"""Reads about wage-arrears complaints: who may see which, a center's queue, what is overdue (worked out when
read, so a page never waits for the scheduler), the posting block and the money each side still owes or is owed.

Imports only models: jobs.services and jobs.selectors read the posting block and the unpaid wages from here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from centers.selectors import may_manage_center
from jobs.models import Assignment, AssignmentStatus, Compensation, PayStatus

from .models import UNRESOLVED, Complaint, ComplaintStatus, Evidence


def _active(viewer) -> bool:
    return bool(viewer and viewer.is_authenticated and viewer.is_active)


def complaints_visible_to(viewer) -> QuerySet[Complaint]:
    """The worker who filed, the employer it is against, the staff of its center and the city administrators."""
    complaints = Complaint.objects.select_related("assignment__gig__category", "assignment__worker__user",
                                                  "center", "employer")
    if not _active(viewer):
        return complaints.none()
    if viewer.role == Role.CITY_ADMIN:
        return complaints
    if viewer.role == Role.WORKER and hasattr(viewer, "worker_profile"):
        return complaints.filter(assignment__worker=viewer.worker_profile)
    if viewer.role == Role.EMPLOYER and hasattr(viewer, "employer"):
        return complaints.filter(employer=viewer.employer)
    if viewer.role == Role.CENTER_STAFF:
        return complaints.filter(center__staff__user=viewer)
    return complaints.none()


def may_handle(viewer, complaint: Complaint) -> bool:
    """Staff of the complaint's center, and the city administrators, take its steps."""
    return may_manage_center(viewer, complaint.center_id)


# --- Deadlines, worked out when read --------------------------------------------------------------------

def overdue(complaint: Complaint, now: dt.datetime | None = None) -> str | None:
    """"acknowledge" or "resolve": the deadline the complaint has missed now, or None."""
    now = now or timezone.now()
    if complaint.status == ComplaintStatus.FILED and now > complaint.acknowledge_by:
        return "acknowledge"
    if complaint.status in UNRESOLVED and now > complaint.resolve_by:
        return "resolve"
    return None


def overdue_filter(now: dt.datetime) -> Q:
    return (Q(status=ComplaintStatus.FILED, acknowledge_by__lt=now)
            | Q(status__in=UNRESOLVED, resolve_by__lt=now))


@dataclass(frozen=True)
class QueueItem:
    complaint: Complaint
    overdue: str | None
    next_deadline: dt.datetime | None


def complaint_queue(viewer, now: dt.datetime | None = None, *, include_done: bool = False) -> list[QueueItem]:
    """The complaints a center's staff (or the city) handle: overdue first, then by the next deadline."""
    if not _active(viewer) or viewer.role not in (Role.CENTER_STAFF, Role.CITY_ADMIN):
        raise PermissionDenied(_("Only service-center staff see the complaint queue."))
    now = now or timezone.now()
    complaints = complaints_visible_to(viewer)
    if not include_done:
        complaints = complaints.exclude(status=ComplaintStatus.CLOSED)
    items = []
    for complaint in complaints[:500]:
        late = overdue(complaint, now)
        deadline = (complaint.acknowledge_by if complaint.status == ComplaintStatus.FILED
                    else complaint.resolve_by if complaint.unresolved else None)
        items.append(QueueItem(complaint, late, deadline))
    far = now + dt.timedelta(days=36500)
    items.sort(key=lambda item: (item.overdue is None, item.next_deadline or far, item.complaint.pk))
    return items


# --- The employer's side: the posting block and unpaid wages ---------------------------------------------

def unresolved_against(employer) -> QuerySet[Complaint]:
    return Complaint.objects.filter(employer=employer, status__in=UNRESOLVED)


def posting_refusal(employer) -> str | None:
    """Why the employer may not post a gig now (an unresolved wage complaint), or None."""
    open_complaints = list(unresolved_against(employer).values_list("amount_claimed", flat=True))
    if not open_complaints:
        return None
    return _("A worker's wage complaint against you (%(amount)s yuan) is not resolved: pay the wages owed and "
             "settle it with the service center before posting new gigs.") % {"amount": sum(open_complaints)}


@dataclass(frozen=True)
class UnpaidWages:
    complaints: int  # unresolved complaints
    amount: Decimal  # claimed by unresolved complaints, and what resolved ones left unpaid


def unpaid_wages(employer) -> UnpaidWages:
    complaints = Complaint.objects.filter(employer=employer).exclude(status__in=UNRESOLVED).exclude(
        outcome="paid_in_full").only("amount_claimed", "amount_recovered", "outcome")
    left_unpaid = sum((complaint.unpaid for complaint in complaints), Decimal(0))
    open_ = unresolved_against(employer).aggregate(count=Count("id"), amount=Sum("amount_claimed"))
    amount = ((open_["amount"] or Decimal(0)) + left_unpaid).quantize(Decimal("0.01"))  # SQLite drops the cents
    return UnpaidWages(complaints=open_["count"] or 0, amount=amount)


# --- Filing: what a worker may complain about -------------------------------------------------------------

def filing_refusal(assignment: Assignment) -> str | None:
    """Why this assignment cannot take a wage complaint now, or None. The work must be done (or a late
    cancellation owe show-up pay) and the worker must not have confirmed the money arrived."""
    compensation = getattr(assignment, "compensation", None)
    owed_show_up = (assignment.status == AssignmentStatus.CANCELLED and compensation is not None
                    and compensation.settled_at is None)
    if assignment.status not in (AssignmentStatus.CHECKED_OUT, AssignmentStatus.COMPLETED) and not owed_show_up:
        return _("A wage complaint is filed once the work is done.")
    if assignment.pay_status == PayStatus.CONFIRMED and not owed_show_up:
        return _("You confirmed this pay arrived.")
    if Complaint.objects.filter(assignment=assignment, status__in=UNRESOLVED).exists():
        return _("A complaint about this gig is already with the service center.")
    return None


def amount_owed_on(assignment: Assignment) -> Decimal | None:
    """What the worker is owed on this assignment by the record: the pay recorded, or show-up pay."""
    compensation = getattr(assignment, "compensation", None)
    if assignment.status == AssignmentStatus.CANCELLED and compensation is not None:
        return compensation.amount
    return assignment.amount_due


# --- Money owed, for the worker's and the employer's pages ------------------------------------------------

@dataclass(frozen=True)
class Owed:
    assignment: Assignment
    kind: str  # "pay" (recorded, not confirmed), "show_up" (a late cancellation), "unrecorded" (work done)
    amount: Decimal | None
    since: dt.datetime | None
    compensation: Compensation | None = None


OWED_SHOWN = 50  # rows of each kind (pay, show-up pay) a page lists, the oldest first; owed_in_all counts them all


def _unpaid(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.filter(Q(status=AssignmentStatus.COMPLETED, pay_status__in=(PayStatus.RECORDED,
                                                                                  PayStatus.DISPUTED))
                              | Q(status=AssignmentStatus.CHECKED_OUT))


def _unsettled(assignments: QuerySet[Assignment]) -> QuerySet[Compensation]:
    return Compensation.objects.filter(assignment__in=assignments, settled_at__isnull=True)


def _owed(assignments: QuerySet[Assignment], limit: int) -> list[Owed]:
    rows = []
    unpaid = _unpaid(assignments).select_related("gig__category", "gig__employer", "worker").order_by(
        "checked_out_at", "pk")
    for assignment in unpaid[:limit]:
        kind = "pay" if assignment.status == AssignmentStatus.COMPLETED else "unrecorded"
        rows.append(Owed(assignment, kind, assignment.amount_due, assignment.checked_out_at))
    show_up = _unsettled(assignments).select_related(
        "assignment__gig__category", "assignment__gig__employer", "assignment__worker")
    rows += [Owed(c.assignment, "show_up", c.amount, c.created_at, c)
             for c in show_up.order_by("created_at", "pk")[:limit]]
    return rows


@dataclass(frozen=True)
class OwedInAll:
    count: int
    total: Decimal


def _in_all(assignments: QuerySet[Assignment]) -> OwedInAll:
    """How many rows are owed and their sum, listed or not (two reads, whatever the rows)."""
    pay = _unpaid(assignments).aggregate(n=Count("pk"), total=Sum("amount_due"))
    show_up = _unsettled(assignments).aggregate(n=Count("pk"), total=Sum("amount"))
    return OwedInAll(pay["n"] + show_up["n"], (pay["total"] or Decimal(0)) + (show_up["total"] or Decimal(0)))


@dataclass(frozen=True)
class MoneyOwed:
    side: str  # "worker": what they are owed; "employer": what they owe
    rows: list[Owed]  # the oldest OWED_SHOWN of pay and of show-up pay
    in_all: OwedInAll  # every row, listed or not


def money_owed(*, viewer) -> MoneyOwed:
    """What a worker has not confirmed receiving (pay recorded, work not yet recorded, show-up pay), or the same
    rows on an employer's gigs: the viewer's own, and nobody else's."""
    if viewer.is_authenticated and viewer.role == Role.WORKER and hasattr(viewer, "worker_profile"):
        side, theirs = "worker", Assignment.objects.filter(worker=viewer.worker_profile)
    elif viewer.is_authenticated and viewer.role == Role.EMPLOYER and hasattr(viewer, "employer"):
        side, theirs = "employer", Assignment.objects.filter(gig__employer=viewer.employer)
    else:
        raise PermissionDenied(_("Money owed is a worker's or an employer's own."))
    return MoneyOwed(side, _owed(theirs, OWED_SHOWN), _in_all(theirs))


# --- Evidence photos --------------------------------------------------------------------------------------

def evidence_for(viewer, evidence_id: int) -> Evidence | None:
    """The photo, if the viewer may see its complaint; None otherwise (the caller answers 404)."""
    visible = complaints_visible_to(viewer).values("pk")
    return Evidence.objects.filter(pk=evidence_id, complaint__in=visible).first()
