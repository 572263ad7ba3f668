"""Service-center staff: the review queue (posts waiting for review), the employers waiting for verification and
the identity claims waiting for an in-person check of the card.

The services decide who may review or verify; these pages only read, parse a form and show the answer."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jobs import services as job_services
from jobs.exceptions import Conflict
from jobs.models import Employer, Gig, PayUnit, VerificationStatus
from jobs.selectors import SiteAccess, pending_reviews
from wages.selectors import fair_pay_of
from workers import services as worker_services
from workers.selectors import identity_claim, pending_identity_claims

from . import labels
from .forms import NfkcCharField


class ReviewForm(forms.Form):
    """Whether a reason is needed is the service's rule: the form only tidies the text."""

    reason = NfkcCharField(label=gettext_lazy("Reason (needed to reject; the employer sees it)"), required=False,
                           max_length=500)


class ClaimForm(forms.Form):
    note = NfkcCharField(label=gettext_lazy("Note (what you checked)"), required=False, max_length=500)


def employers_waiting(viewer) -> QuerySet[Employer]:
    """Employers not yet verified who have a post waiting at the viewer's centers (every center for the city)."""
    return (Employer.objects
            .filter(verification_status__in=(VerificationStatus.PENDING, VerificationStatus.UNVERIFIED),
                    gigs__in=pending_reviews(viewer))
            .distinct().order_by("created_at"))


def _login_first(request):
    return redirect(f"{reverse('login')}?next={reverse('staff_reviews')}")


QUEUE_SHOWN = 20  # of each list below: the oldest first; the next ones show as staff decide these


def _first(rows: QuerySet) -> tuple[list, int]:
    """The first QUEUE_SHOWN rows, and how many there are in all (counted only when there are more)."""
    shown = list(rows[:QUEUE_SHOWN + 1])
    if len(shown) <= QUEUE_SHOWN:
        return shown, len(shown)
    return shown[:QUEUE_SHOWN], rows.count()


def _queue(request, invalid: tuple[int, ReviewForm] | None = None, status: int = 200):
    gigs, gig_count = _first(pending_reviews(request.user).order_by("created_at", "pk"))
    site = SiteAccess(request.user)
    fair = fair_pay_of(gigs)
    items = [{"gig": gig, "trade": labels.trade_name(gig.category), "unit": labels.pay_unit_label(gig.pay_unit),
              "hours": labels.length_hours(gig), "exact": site.exact(gig), "fair": fair[gig.pk],
              "per_piece_or_job": gig.pay_unit in (PayUnit.PIECE, PayUnit.JOB),
              "form": invalid[1] if invalid and invalid[0] == gig.pk else ReviewForm(prefix=f"gig{gig.pk}")}
             for gig in gigs]
    pending_claims, claim_count = _first(pending_identity_claims(request.user))
    claims = [{"claim": claim, "form": ClaimForm(prefix=f"claim{claim.pk}")} for claim in pending_claims]
    employers, employer_count = _first(employers_waiting(request.user))
    context = {"items": items, "item_count": gig_count, "employers": employers, "employer_count": employer_count,
               "claims": claims, "claim_count": claim_count}
    return render(request, "frontend/staff/reviews.html", context, status=status)


def review_queue(request):
    if not request.user.is_authenticated:
        return _login_first(request)
    return _queue(request)  # PermissionDenied (workers, employers) becomes the plain 403 page


@require_POST
def review(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    gig = get_object_or_404(Gig, pk=pk)
    form = ReviewForm(request.POST, prefix=f"gig{pk}")
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        job_services.review_gig(gig, actor=request.user, approve=approve,
                                reason=form.cleaned_data.get("reason") or "")
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _queue(request, invalid=(gig.pk, form), status=400)
    except Conflict as refusal:
        messages.error(request, str(refusal.message), extra_tags=f"code-{refusal.code}")
    else:
        if approve:
            messages.success(request, _("The gig %(code)s is approved and open to workers.") % {"code": gig.code})
        else:
            messages.success(request, _("The gig %(code)s is sent back to the employer with your reason.")
                             % {"code": gig.code})
    return redirect("staff_reviews")


@require_POST
def verify(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    employer = get_object_or_404(employers_waiting(request.user), pk=pk)
    approve = request.POST.get("decision") == "approve"
    job_services.verify_employer(employer, actor=request.user, approve=approve)
    if approve:
        messages.success(request, _("%(name)s is verified: their posts go live without review.")
                         % {"name": employer.name})
    else:
        messages.success(request, _("%(name)s is marked as not verified: their posts keep waiting for review.")
                         % {"name": employer.name})
    return redirect("staff_reviews")


@require_POST
def resolve_claim(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    claim = identity_claim(pk)
    if claim is None:
        raise Http404
    form = ClaimForm(request.POST, prefix=f"claim{pk}")
    form.is_valid()
    try:
        claim = worker_services.resolve_identity_claim(claim, actor=request.user,
                                                       decision=request.POST.get("decision", ""),
                                                       note=form.cleaned_data.get("note") or "")
    except Conflict as refusal:
        messages.error(request, str(refusal.message), extra_tags=f"code-{refusal.code}")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The identity claim for %(number)s is settled: %(outcome)s.")
                         % {"number": claim.id_number_masked, "outcome": claim.get_status_display()})
    return redirect("staff_reviews")
