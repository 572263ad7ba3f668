"""Parts of pages that fetch themselves again when the person's socket brings an event (static/frontend/live.js).

Thin like the other views: the same selectors and permissions as the full pages, only a smaller template."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from jobs.matching import WITHDRAWN_BECAUSE
from jobs.models import AssignmentStatus, HiringMode, PayUnit
from jobs.selectors import assignments_visible_to
from notifications.models import Kind
from notifications.selectors import inbox
from wages.selectors import fair_pay_of

from . import labels
from .views_employer import _my_gig, gig_page_context


@require_GET
@login_required
def offer(request, seq: int):
    """The worker's offer (their inbox event `seq`) as a card with a take button; the same card says so once
    the offer is withdrawn. An offer no longer open is nothing to show (204): replays after a reconnect bring
    old ones."""
    event = get_object_or_404(inbox(request.user).filter(kind__in=[Kind.OFFER, Kind.WITHDRAWN]), seq=seq)
    payload = event.payload if isinstance(event.payload, dict) else {}
    assignment = get_object_or_404(assignments_visible_to(request.user).filter(worker__user=request.user),
                                   pk=payload.get("assignment") if isinstance(payload.get("assignment"), int) else 0)
    if event.kind == Kind.OFFER and assignment.status != AssignmentStatus.OFFERED:
        return HttpResponse(status=204)
    gig = assignment.gig
    return render(request, "frontend/live/_offer.html", {
        "assignment": assignment, "gig": gig, "trade": labels.trade_name(gig.category),
        "unit": labels.pay_unit_label(gig.pay_unit), "estimate": labels.day_estimate(gig),
        "hours": labels.length_hours(gig), "distance_km": payload.get("distance_km"),
        "instant": gig.hiring_mode == HiringMode.INSTANT, "fair": fair_pay_of([gig])[gig.pk],
        "per_piece_or_job": gig.pay_unit in (PayUnit.PIECE, PayUnit.JOB),
        "gone": WITHDRAWN_BECAUSE.get(payload.get("reason"), WITHDRAWN_BECAUSE["closed"])
        if event.kind == Kind.WITHDRAWN else None})


@require_GET
@login_required
def employer_gig(request, pk: int):
    """The employer's gig page's live part: fill progress and the people on it."""
    return render(request, "frontend/employer/_gig_live.html", gig_page_context(request, pk))


@require_GET
@login_required
def gig_progress(request, pk: int):
    """One gig's fill progress, for its card among the employer's gigs."""
    return render(request, "frontend/employer/_progress.html", {"gig": _my_gig(request, pk, progress=True)})
