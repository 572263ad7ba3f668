"""The worker's own gigs: my gigs, one assignment and its actions, and the inbox. Thin like views.py."""

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agreements.models import Party
from agreements.selectors import agreement_links
from complaints.selectors import filing_refusal
from jobs import rules
from jobs import services as job_services
from jobs.exceptions import Conflict
from jobs.models import AssignmentStatus, PayStatus, Rating, Strike
from jobs.selectors import SiteAccess, assignments_visible_to, contact_is_shared
from notifications import selectors as inbox_selectors
from notifications import services as inbox_services
from notifications.sentences import sentence
from wages.selectors import fair_pay_of
from zero_gig.ids import parse_id

from . import labels
from .forms import NfkcCharField
from .gcj02 import amap_marker_url

signed_in = login_required(login_url="login")

# --- Reads this page needs (to move into jobs.selectors) --------------------------------------------

ENDED = {AssignmentStatus.COMPLETED, AssignmentStatus.DECLINED, AssignmentStatus.CANCELLED,
         AssignmentStatus.NO_SHOW, AssignmentStatus.WITHDRAWN}
STATUS_ICONS = {"offered": "✉", "applied": "⧗", "accepted": "✓", "checked_in": "⚑", "checked_out": "⏏",
                "completed": "★", "declined": "✕", "cancelled": "✕", "no_show": "⚠", "withdrawn": "✕"}


def my_assignments(user):
    """The worker's own rows only (an employer's or staff's view of others is on other pages)."""
    return assignments_visible_to(user).filter(worker__user=user)


def worker_standing(user, now: dt.datetime) -> dict:
    """Active strikes (each leaving the window at its end) and a running suspension."""
    profile = getattr(user, "worker_profile", None)
    if profile is None:
        return {"strikes": [], "suspended_until": None}
    window = rules.days("STRIKE_WINDOW_DAYS")
    strikes = [{"reason": strike.get_reason_display(), "given": strike.created_at, "ends": strike.created_at + window,
                "gig": strike.assignment.gig}
               for strike in Strike.objects.filter(worker=profile, cleared_at__isnull=True,
                                                   created_at__gt=now - window).select_related("assignment__gig")]
    suspended = profile.suspended_until if profile.suspended_until and profile.suspended_until > now else None
    return {"strikes": strikes, "suspended_until": suspended, "to_suspend": rules.rule("STRIKES_TO_SUSPEND")}


# --- Forms -------------------------------------------------------------------------------------------

class LocationForm(forms.Form):
    latitude = forms.FloatField(label=gettext_lazy("Latitude"), min_value=-90, max_value=90,
                                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    longitude = forms.FloatField(label=gettext_lazy("Longitude"), min_value=-180, max_value=180,
                                 widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    accuracy = forms.FloatField(required=False, min_value=0, max_value=100_000, widget=forms.HiddenInput)


class CodeForm(forms.Form):
    code = NfkcCharField(label=gettext_lazy("Code shown at the site"), max_length=6, min_length=6)
    code.widget.attrs.update(inputmode="numeric", pattern="[0-9]{6}", autocomplete="off")


class DisputeForm(forms.Form):
    reason = NfkcCharField(label=gettext_lazy("What happened"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}))
    amount_claimed = forms.DecimalField(label=gettext_lazy("Amount you are owed (yuan)"), min_value=0,
                                        max_digits=10, decimal_places=2, required=False,
                                        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))


class RateForm(forms.Form):
    score = forms.TypedChoiceField(label=gettext_lazy("Your rating of the employer"), coerce=int,
                                   widget=forms.RadioSelect, choices=[(n, "★" * n) for n in range(5, 0, -1)])
    comment = NfkcCharField(label=gettext_lazy("Comment (optional)"), max_length=500, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


# --- My gigs -----------------------------------------------------------------------------------------

def _row(assignment) -> dict:
    gig = assignment.gig
    return {"a": assignment, "gig": gig, "trade": labels.trade_name(gig.category),
            "unit": labels.pay_unit_label(gig.pay_unit), "icon": STATUS_ICONS.get(assignment.status, "•"),
            "contact": contact_is_shared(assignment)}


PAST_PER_PAGE = 20
CURRENT_SHOWN = 50  # today and upcoming: the soonest 50 (offers may pile up), and how many more there are


@signed_in
def my_gigs(request):
    """Today and upcoming, the soonest CURRENT_SHOWN of them (a worker holds few at once, but offers may pile up;
    the rest are counted, and show as these pass); the past, which only grows, a page at a time."""
    now = timezone.now()
    today_end = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    mine = my_assignments(request.user)
    over = Q(status__in=ENDED) | Q(gig__ends_at__lt=now) & ~Q(status=AssignmentStatus.CHECKED_IN)
    past = Paginator(mine.filter(over).order_by("-gig__starts_at", "-pk"), PAST_PER_PAGE).get_page(
        request.GET.get("page"))
    groups = [("past", _("Past"), [_row(assignment) for assignment in past])]
    later = 0
    if past.number == 1:  # later pages are the older past only
        ahead = mine.exclude(over).order_by("gig__starts_at", "pk")
        current = [_row(assignment) for assignment in ahead[:CURRENT_SHOWN + 1]]
        if len(current) > CURRENT_SHOWN:
            current, later = current[:CURRENT_SHOWN], ahead.count() - CURRENT_SHOWN
        groups[:0] = [("today", _("Today"), [row for row in current if row["gig"].starts_at < today_end]),
                      ("upcoming", _("Upcoming"), [row for row in current if row["gig"].starts_at >= today_end])]
    rows = [row for _key, _title, group in groups for row in group]
    fair = fair_pay_of([row["gig"] for row in rows])  # one book for the whole list
    for row in rows:
        row["fair"] = fair[row["gig"].pk]
    return render(request, "frontend/myjobs/my_gigs.html", {
        "groups": groups, "past": past, "later": later, "standing": worker_standing(request.user, now)})


# --- One assignment ----------------------------------------------------------------------------------

def _mine_or_404(request, pk: int):
    return get_object_or_404(my_assignments(request.user), pk=pk)


@signed_in
def assignment_page(request, pk: int, forms_with_errors: dict | None = None):
    assignment = _mine_or_404(request, pk)
    gig = assignment.gig
    now = timezone.now()
    exact = SiteAccess(request.user).exact(gig)
    place = gig.site_point if exact else gig.point
    status = assignment.status
    bound = forms_with_errors or {}
    rated = Rating.objects.filter(assignment=assignment, direction=Rating.Direction.OF_EMPLOYER).exists()
    scanned = _scanned_code(request) if status == AssignmentStatus.ACCEPTED and not bound else None
    context = {
        "row": _row(assignment), "a": assignment, "gig": gig, "exact": exact,
        "agreement": agreement_links([assignment.pk], Party.WORKER).get(assignment.pk),
        "amap_url": amap_marker_url(place.lat, place.lng, labels.trade_name(gig.category)),
        "can_check_in": status == AssignmentStatus.ACCEPTED,
        "can_check_out": status == AssignmentStatus.CHECKED_IN,
        "can_confirm": status in (AssignmentStatus.CHECKED_OUT, AssignmentStatus.COMPLETED)
        and assignment.pay_status in (PayStatus.RECORDED, PayStatus.DISPUTED),
        "can_dispute": status in (AssignmentStatus.CHECKED_OUT, AssignmentStatus.COMPLETED)
        and assignment.pay_status not in (PayStatus.CONFIRMED, PayStatus.DISPUTED),
        "can_rate": status == AssignmentStatus.COMPLETED and not rated, "rated": rated,
        "can_cancel": status in (AssignmentStatus.ACCEPTED, AssignmentStatus.OFFERED, AssignmentStatus.APPLIED),
        "cancel_strike": (status == AssignmentStatus.ACCEPTED
                          and job_services.worker_cancel_costs_strike(assignment, now)),
        "free_minutes": rules.rule("FREE_CANCEL_MINUTES"), "late_hours": rules.rule("LATE_CANCEL_HOURS"),
        "location_form": bound.get("location") or LocationForm(),
        "code_form": bound.get("code") or CodeForm(initial={"code": scanned}),
        "scanned": scanned,
        "dispute_form": bound.get("dispute") or DisputeForm(initial={"amount_claimed": assignment.amount_due}),
        "rate_form": bound.get("rate") or RateForm(),
        "can_complain": filing_refusal(assignment) is None, "complaints": assignment.complaints.order_by("-pk"),
    }
    return render(request, "frontend/myjobs/assignment.html", context, status=400 if bound else 200)


def _scanned_code(request) -> str | None:
    """A code the site's QR link carried (?code=), tidied like a typed one; junk is ignored."""
    form = CodeForm({"code": request.GET.get("code", "")[:20]})
    return form.cleaned_data["code"] if form.is_valid() else None


GIG_CODE = re.compile(r"[0-9A-Z]{1,20}")  # Gig.code: G and 7 letters or digits (tests use others)


@signed_in
def check_in_link(request, gig_code: str):
    """Where the site's QR leads (from our scanner or the phone's own camera app): the worker's own assignment on
    that gig, with the code filled in and one tap left to check in. Nothing is checked in by opening a link; the
    service checks the code when the form is sent."""
    gig_code = unicodedata.normalize("NFKC", gig_code).upper()
    mine = my_assignments(request.user).filter(gig__code=gig_code) if GIG_CODE.fullmatch(gig_code) else None
    assignment = mine.order_by("-pk").first() if mine is not None else None
    if assignment is None:
        raise Http404(_("You hold no place on this gig: open it from My gigs."))
    code = _scanned_code(request)
    if code and assignment.status == AssignmentStatus.ACCEPTED:
        messages.info(request, _("The site code is filled in: tap “Check in with the code”."))
    return redirect(reverse("my_assignment", args=[assignment.pk]) + (f"?{urlencode({'code': code})}" if code else ""))


def _act(request, pk: int, form_name: str | None, form_class, act, done: str):
    """Parse the form, call the service as the person, and say plainly what happened."""
    assignment = _mine_or_404(request, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return assignment_page(request, pk, forms_with_errors={form_name: form})
    try:
        act(assignment, form.cleaned_data if form else {})
    except ValidationError as error:
        if form is None or not hasattr(error, "error_dict"):
            messages.error(request, " ".join(error.messages))
        else:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            messages.error(request, " ".join(m for errors in error.message_dict.values() for m in errors))
            return assignment_page(request, pk, forms_with_errors={form_name: form})
    except Conflict as refusal:
        messages.error(request, str(refusal.message), extra_tags=f"code-{refusal.code}")
    except PermissionDenied as refusal:
        messages.error(request, str(refusal) or _("You may not do this."))
    else:
        messages.success(request, done)
    return redirect("my_assignment", pk=pk)


@require_POST
@signed_in
def check_in_by_location(request, pk: int):
    return _act(request, pk, "location", LocationForm, lambda a, data: job_services.check_in(
        a, actor=request.user, latitude=data["latitude"], longitude=data["longitude"], accuracy=data["accuracy"]),
        _("You are checked in. Check out when the work is done."))


@require_POST
@signed_in
def check_in_by_code(request, pk: int):
    return _act(request, pk, "code", CodeForm, lambda a, data: job_services.check_in(
        a, actor=request.user, code=data["code"]), _("You are checked in. Check out when the work is done."))


@require_POST
@signed_in
def check_out(request, pk: int):
    return _act(request, pk, None, None, lambda a, data: job_services.check_out(a, actor=request.user),
                _("You are checked out. The employer records your pay next."))


@require_POST
@signed_in
def confirm_pay(request, pk: int):
    def confirm(assignment, data):
        try:
            amount = Decimal(request.POST.get("amount_due", ""))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():  # NaN, sNaN, Infinity: no amount (sNaN raised on comparing)
            raise ValidationError(_("Reload the page and check the amount before confirming."))
        job_services.confirm_paid(assignment, actor=request.user, amount_due=amount)
    return _act(request, pk, None, None, confirm, _("You confirmed the pay arrived. Thank you."))


@require_POST
@signed_in
def dispute_pay(request, pk: int):
    return _act(request, pk, "dispute", DisputeForm, lambda a, data: job_services.dispute_pay(
        a, actor=request.user, reason=data["reason"], amount_claimed=data["amount_claimed"]),
        _("Your pay dispute is recorded. The service center will contact you."))


@require_POST
@signed_in
def rate_employer(request, pk: int):
    return _act(request, pk, "rate", RateForm, lambda a, data: job_services.rate(
        a, actor=request.user, score=data["score"], comment=data["comment"]), _("Thank you for your rating."))


@require_POST
@signed_in
def cancel(request, pk: int):
    return _act(request, pk, None, None, lambda a, data: job_services.cancel_assignment(a, actor=request.user),
                _("You cancelled this gig."))  # the page asks no reason (the API takes one)


# --- Inbox -------------------------------------------------------------------------------------------

def _link(kind: str, payload: dict, mine: set[int]) -> str | None:
    if kind == "agreement" and isinstance(payload.get("agreement"), int):  # its page checks who may see it
        return reverse("agreement", args=[payload["agreement"]])
    if isinstance(payload.get("complaint"), int):  # a wage complaint's step: its page checks who may see it
        return reverse("complaint", args=[payload["complaint"]])
    if payload.get("assignment") in mine and kind not in ("offer", "withdrawn"):
        return reverse("my_assignment", args=[payload["assignment"]])
    gig = (payload.get("gig") or {}).get("id")
    return reverse("gig", args=[gig]) if gig else None


@signed_in
def inbox(request):
    rows = inbox_selectors.inbox(request.user).order_by("-seq")
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    ids = {n.payload.get("assignment") for n in page if isinstance(n.payload, dict)}
    mine = set(my_assignments(request.user).filter(pk__in=[i for i in ids if isinstance(i, int)])
               .values_list("pk", flat=True))
    items = [{"n": n, "text": sentence(n.kind, n.payload or {}), "url": _link(n.kind, n.payload or {}, mine)}
             for n in page]
    unread = inbox_selectors.inbox(request.user, unread_only=True).exists()
    template = "frontend/myjobs/inbox.html#items" if request.htmx else "frontend/myjobs/inbox.html"  # live.js
    response = render(request, template, {"page": page, "items": items, "unread": unread})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@signed_in
def mark_read(request):
    ids = [number for number in map(parse_id, request.POST.getlist("id")) if number]
    count = inbox_services.mark_read(request.user, ids=ids or None)
    messages.success(request, _("Marked as read.") if count else _("Nothing new to mark."))
    page = parse_id(request.POST.get("page"))
    return redirect(reverse("inbox") + (f"?page={page}" if page else ""))
