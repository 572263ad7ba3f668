"""Reads for gig work agreements. An agreement is seen by its two parties, and by the staff who mediate: those
of the gig's center and of the center that sent the worker (and the city). Everyone else is refused (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role
from centers.models import ServiceCenter
from centers.selectors import may_manage_center
from workers.models import WorkerConsent

from .models import Agreement, Party

RELATED = ("assignment__gig__employer", "assignment__gig__center", "assignment__worker__user")


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def party_of(viewer, agreement: Agreement) -> str | None:
    """Party.WORKER or Party.EMPLOYER if the viewer is that side of the agreement, else None."""
    if not _active(viewer):
        return None
    assignment = agreement.assignment
    if viewer.role == Role.WORKER and getattr(viewer, "worker_profile", None) is not None \
            and viewer.worker_profile.pk == assignment.worker_id:
        return Party.WORKER
    if viewer.role == Role.EMPLOYER and assignment.gig.employer.owner_id == viewer.pk:
        return Party.EMPLOYER
    return None


def counter_center(viewer, agreement: Agreement) -> ServiceCenter | None:
    """The center at whose counter the viewer (staff) deals with this agreement: the one that sent the worker
    if they are its staff, else the gig's; None if they are staff of neither (the city: either)."""
    if not _active(viewer) or viewer.role not in (Role.CENTER_STAFF, Role.CITY_ADMIN):
        return None
    gig = agreement.assignment.gig
    sent_from = (WorkerConsent.objects.filter(assignment_id=agreement.assignment_id).select_related("center")
                 .first())
    if sent_from is not None and may_manage_center(viewer, sent_from.center_id):
        return sent_from.center
    if may_manage_center(viewer, gig.center_id):
        return gig.center
    return None


def may_see(viewer, agreement: Agreement) -> bool:
    return party_of(viewer, agreement) is not None or counter_center(viewer, agreement) is not None


def _shown(agreement: Agreement | None, viewer) -> Agreement:
    if agreement is None:
        raise Http404
    if not may_see(viewer, agreement):
        raise PermissionDenied(_("Only the worker and the employer of this gig, and the staff of its service "
                                 "center, see its agreement."))
    return agreement


def agreement_for(pk: int, *, viewer) -> Agreement:
    """One agreement with its acceptances (404 if there is none, 403 if it is not the viewer's to see)."""
    return _shown(Agreement.objects.select_related(*RELATED).prefetch_related("acceptances__center",
                                                                               "acceptances__accepted_by")
                  .filter(pk=pk).first(), viewer)


def agreement_of_assignment(assignment_id: int, *, viewer) -> Agreement:
    """The agreement of one assignment (404 if it has none: never hired)."""
    agreement = Agreement.objects.filter(assignment_id=assignment_id).values_list("pk", flat=True).first()
    if agreement is None:
        raise Http404
    return agreement_for(agreement, viewer=viewer)


def agreement_links(assignment_ids, party: str | None = None) -> dict[int, dict]:
    """assignment id → {"id": agreement id, "accepted": has `party` accepted it}, for pages that link each hire
    to its agreement."""
    rows = Agreement.objects.filter(assignment_id__in=list(assignment_ids))
    accepted = set()
    if party is not None:
        accepted = set(rows.filter(acceptances__party=party).values_list("pk", flat=True))
    return {assignment_id: {"id": pk, "accepted": pk in accepted}
            for assignment_id, pk in rows.values_list("assignment_id", "pk")}
