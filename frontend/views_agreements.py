"""A gig's written agreement (用工协议): read and print it (its two parties and the staff who mediate), accept it
(each party), and record a worker's acceptance at the counter (staff). Free for everyone; prints on one sheet.

Thin like views.py: agreements.selectors decide who may see, agreements.services who may accept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import selectors, services
from agreements.models import Party
from agreements.text import render_text
from jobs.exceptions import Conflict
from jobs.models import SLOT_HOLDING


@login_required
def agreement_page(request, pk: int):
    agreement = selectors.agreement_for(pk, viewer=request.user)
    party = selectors.party_of(request.user, agreement)
    accepted = {acceptance.party: acceptance for acceptance in agreement.acceptances.all()}
    open_to_accept = agreement.assignment.status in SLOT_HOLDING
    english = (get_language() or "").startswith("en")
    return render(request, "agreements/page.html", {
        "agreement": agreement, "intact": services.verify(agreement), "party": party,
        "worker_accepted": accepted.get(Party.WORKER), "employer_accepted": accepted.get(Party.EMPLOYER),
        "may_accept": party is not None and party not in accepted and open_to_accept,
        "may_record_at_counter": (party is None and Party.WORKER not in accepted and open_to_accept
                                  and selectors.counter_center(request.user, agreement) is not None),
        "translation": render_text(number=agreement.number, terms=agreement.terms, created_at=agreement.created_at,
                                   language="en") if english else None,
    })


def _accepting(request, pk: int, service, done: str):
    agreement = selectors.agreement_for(pk, viewer=request.user)
    try:
        service(agreement, actor=request.user, content_hash=request.POST.get("content_hash", ""),
                user_agent=request.META.get("HTTP_USER_AGENT", ""), ip_address=request.META.get("REMOTE_ADDR"))
    except Conflict as refusal:
        messages.error(request, str(refusal.message), extra_tags=f"code-{refusal.code}")
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    except PermissionDenied as refusal:
        messages.error(request, str(refusal) or _("You may not do this."))
    else:
        messages.success(request, done)
    return redirect("agreement", pk=agreement.pk)


@require_POST
@login_required
def accept(request, pk: int):
    return _accepting(request, pk, services.accept, _("You accepted the agreement. It stays here for you to read "
                                                      "and print at any time."))


@require_POST
@login_required
def accept_at_counter(request, pk: int):
    return _accepting(request, pk, services.accept_at_counter,
                      _("The worker's acceptance at the counter is recorded."))
