"""After the work, the employer's side: record each worker's pay, see whether they confirmed it or disputed it,
rate them, keep them as favourites; and the list of favourites.

Thin like views.py: the forms tidy input, selectors read, the services decide (the pay's bounds, who may act)
and write. Every form posts and redirects; a form the service refused comes back with the error beside its field.
"""

import unicodedata

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jobs import services as job_services
from jobs.exceptions import Conflict
from jobs.models import AssignmentStatus, PayStatus, PayUnit, Rating
from jobs.selectors import favourite_workers, people_on_gig, worker_reliabilities

from . import labels
from .forms import NfkcCharField
from .templatetags.gigs import yuan
from .views import _add_errors
from .views_employer import _my_gig, _say_refusal

WORKED = (AssignmentStatus.CHECKED_IN, AssignmentStatus.CHECKED_OUT, AssignmentStatus.COMPLETED)
QUANTITY_LABELS = {PayUnit.HOUR: gettext_lazy("Hours to pay"), PayUnit.DAY: gettext_lazy("Days to pay"),
                   PayUnit.PIECE: gettext_lazy("Pieces to pay"), PayUnit.JOB: gettext_lazy("Jobs to pay")}


# --- Forms -------------------------------------------------------------------------------------------

class NfkcDecimalField(forms.DecimalField):
    """A number typed on a Chinese keyboard (full-width digits and point) reads as the plain one."""

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip()
        return super().to_python(value)


class PayForm(forms.Form):
    quantity = NfkcDecimalField(max_digits=10, decimal_places=2,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    reason = NfkcCharField(label=gettext_lazy("Why you correct the pay (the worker is shown it)"), max_length=200,
                           required=False)

    def __init__(self, *args, unit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].label = QUANTITY_LABELS[unit]


class RateWorkerForm(forms.Form):
    score = forms.TypedChoiceField(label=gettext_lazy("Your rating of the worker"), coerce=int,
                                   widget=forms.RadioSelect, choices=[(n, "★" * n) for n in range(5, 0, -1)])
    comment = NfkcCharField(label=gettext_lazy("Comment (optional)"), max_length=500, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


def _auto_id(assignment_id: int) -> str:
    """Each worker's forms get their own ids, so labels and errors stay tied to the right field."""
    return f"id_%s_{assignment_id}"


# --- The page: everyone who worked, with their pay and rating ------------------------------------------

def _quantity_help(assignment) -> str:
    """The rate and the most that may be recorded (the service checks it; this only says it in advance)."""
    gig, limit = assignment.gig, assignment.max_pay_quantity
    rate = {"rate": yuan(gig.pay_amount), "unit": labels.pay_unit_label(gig.pay_unit)}
    if limit is not None:
        return _("¥%(rate)s %(unit)s; at most %(limit)s for this worker.") % dict(rate, limit=yuan(limit))
    if gig.pay_unit == PayUnit.HOUR:
        return _("¥%(rate)s %(unit)s; at most the time worked, rounded up to the quarter hour. Recording the pay "
                 "checks the worker out.") % rate
    return _("¥%(rate)s %(unit)s.") % rate


def _row(assignment, given: dict, favourites: set, bound: dict, reliability: dict) -> dict:
    gig = assignment.gig
    recorded = assignment.pay_recorded_at is not None
    pay_form = bound.get((assignment.pk, "pay")) or PayForm(
        unit=gig.pay_unit, auto_id=_auto_id(assignment.pk),
        initial={"quantity": assignment.pay_quantity or assignment.max_pay_quantity})
    pay_form.fields["quantity"].help_text = _quantity_help(assignment)
    return {
        "a": assignment, "worker": assignment.worker, "reliability": reliability.get(assignment.worker_id),
        "worked": divmod(assignment.minutes_worked or 0, 60), "correcting": recorded,
        "may_record": assignment.pay_status != PayStatus.CONFIRMED
        and (recorded or assignment.status in (AssignmentStatus.CHECKED_IN, AssignmentStatus.CHECKED_OUT)),
        "pay_form": pay_form,
        "dispute": getattr(assignment, "wage_dispute", None),
        "rating": given.get(assignment.pk),
        "may_rate": assignment.status == AssignmentStatus.COMPLETED and assignment.pk not in given,
        "rate_form": bound.get((assignment.pk, "rate")) or RateWorkerForm(auto_id=_auto_id(assignment.pk)),
        "favourite": assignment.worker_id in favourites,
    }


@login_required
def gig_pay(request, pk: int, bound: dict | None = None):
    gig = _my_gig(request, pk)
    people = list(people_on_gig(gig, viewer=request.user).filter(status__in=WORKED)
                  .select_related("worker", "wage_dispute").order_by("pk"))
    given = {rating.assignment_id: rating for rating in Rating.objects.filter(
        assignment__in=people, direction=Rating.Direction.OF_WORKER)}
    favourites = set(favourite_workers(viewer=request.user).values_list("worker_id", flat=True))
    reliability = worker_reliabilities([a.worker for a in people])
    bound = bound or {}
    return render(request, "frontend/employer/pay.html", {
        "gig": gig, "trade": labels.trade_name(gig.category), "unit": labels.pay_unit_label(gig.pay_unit),
        "rows": [_row(a, given, favourites, bound, reliability) for a in people],
        "waiting": people_on_gig(gig, viewer=request.user).filter(status=AssignmentStatus.ACCEPTED).count(),
    }, status=400 if bound else 200)


def _person(request, pk: int, assignment_id: int):
    gig = _my_gig(request, pk)
    return get_object_or_404(people_on_gig(gig, viewer=request.user).select_related("worker"), pk=assignment_id)


def _back(pk: int, assignment_id: int):
    return redirect(reverse("employer_pay", args=[pk]) + f"#person-{assignment_id}")


def _submit(request, pk: int, assignment, name: str, form, act, said):
    """Send a worker's form to its service: done, say so and go back to the page (PRG); refused by a rule, say why;
    a field refused, show the page again with the error beside it."""
    if form.is_valid():
        try:
            result = act(form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        except (Conflict, PermissionDenied) as refusal:
            _say_refusal(request, refusal)
            return _back(pk, assignment.pk)
        else:
            messages.success(request, said(result))
            return _back(pk, assignment.pk)
    return gig_pay(request, pk, bound={(assignment.pk, name): form})


@require_POST
@login_required
def record_pay(request, pk: int, assignment_id: int):
    assignment = _person(request, pk, assignment_id)
    return _submit(
        request, pk, assignment, "pay",
        PayForm(request.POST, unit=assignment.gig.pay_unit, auto_id=_auto_id(assignment.pk)),
        lambda data: job_services.record_pay(assignment, actor=request.user, quantity=data["quantity"],
                                             reason=data["reason"]),
        lambda done: _("Pay recorded: ¥%(amount)s for %(worker)s. They are told, and confirm when the money "
                       "arrives.") % {"amount": yuan(done.amount_due), "worker": assignment.worker.display_name})


@require_POST
@login_required
def rate_worker(request, pk: int, assignment_id: int):
    assignment = _person(request, pk, assignment_id)
    return _submit(
        request, pk, assignment, "rate", RateWorkerForm(request.POST, auto_id=_auto_id(assignment.pk)),
        lambda data: job_services.rate(assignment, actor=request.user, score=data["score"], comment=data["comment"]),
        lambda rating: _("Thank you for your rating."))


@require_POST
@login_required
def favourite(request, pk: int, assignment_id: int):
    """Add (or, with remove, take off) the worker of this assignment to the employer's favourites."""
    assignment = _person(request, pk, assignment_id)
    named = {"worker": assignment.worker.display_name}
    if request.POST.get("action") == "remove":
        job_services.remove_favourite(assignment.worker_id, actor=request.user)
        messages.success(request, _("%(worker)s is no longer a favourite.") % named)
    else:
        job_services.add_favourite(assignment.worker, actor=request.user)
        messages.success(request, _("%(worker)s is a favourite: they get your new gigs first.") % named)
    return _back(pk, assignment_id)


# --- Favourites ---------------------------------------------------------------------------------------

@login_required
def favourites(request):
    rows = list(favourite_workers(viewer=request.user))
    reliability = worker_reliabilities([row.worker for row in rows])
    return render(request, "frontend/employer/favourites.html", {
        "rows": [{"favourite": row, "worker": row.worker, "reliability": reliability[row.worker_id],
                  "trades": [labels.trade_name(t.category) for t in row.worker.worker_trades.all()]}
                 for row in rows]})


@require_POST
@login_required
def unfavourite(request, worker_id: int):
    favourite = get_object_or_404(favourite_workers(viewer=request.user), worker_id=worker_id)
    job_services.remove_favourite(favourite.worker_id, actor=request.user)
    messages.success(request, _("%(worker)s is no longer a favourite.") % {"worker": favourite.worker.display_name})
    return redirect("employer_favourites")
