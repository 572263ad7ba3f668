"""The employer's pages: post a gig, my gigs, one gig with its people, cancelling, the site code.

Thin like views.py: the form tidies input, selectors read, services decide and write."""

import re
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agreements.models import Party
from agreements.selectors import agreement_links
from jobs import rules
from jobs import services as job_services
from jobs.exceptions import Conflict
from jobs.models import SLOT_HOLDING, AssignmentStatus, GigStatus, PayUnit, VerificationStatus
from jobs.selectors import (
    contact_is_shared,
    gigs_of,
    people_on_gig,
    site_check_in_code,
    slip_on_gig,
    slip_on_site,
    trade_tree,
    worker_contact,
)
from wages.selectors import below_guide_warning, fair_pay_of, guide_hint
from zero_gig.ids import parse_id

from . import labels, reads
from .forms import ReasonForm
from .forms_employer import GigPostForm
from .views import _add_errors

PER_PIECE_OR_JOB = (PayUnit.PIECE, PayUnit.JOB)  # pay whose hourly rate the pages spell out

GIGS_PER_PAGE = 20
PAY_TYPED = re.compile(r"[0-9]{1,8}(\.[0-9]{1,2})?", re.ASCII)  # a pay typed on the form, ASCII digits only


def _employer(request):
    """Only employers have these pages (others get a plain 403)."""
    return job_services.employer_of(request.user)


def _my_gig(request, pk: int, progress: bool = False):
    _employer(request)
    gigs = gigs_of(request.user).filter(employer__owner=request.user)
    gig = get_object_or_404(gigs, pk=pk)
    return reads.with_progress([gig])[0] if progress else gig


def _say_refusal(request, refusal) -> None:
    if isinstance(refusal, Conflict):
        messages.error(request, str(refusal.message), extra_tags=f"code-{refusal.code}")
    elif isinstance(refusal, ValidationError):
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.error(request, str(refusal) or _("You may not do this."))


def _status_said(request, gig) -> None:
    if gig.status == GigStatus.PENDING_REVIEW:
        messages.info(request, _("Your post waits for a service center's review; workers see it once approved."))
    elif gig.status == GigStatus.OPEN:
        messages.success(request, _("Your gig is published: workers nearby can take it now."))
    else:
        messages.success(request, _("Saved as a draft. Publish it when it is ready."))


# --- Post a gig -----------------------------------------------------------------------------------

def _guide_hint(form, data):
    """The wage guide for the trade and unit chosen on the post form so far (None until both are), with where the
    pay typed stands against it: shown on the form, refreshed by htmx when they change, never a refusal."""
    trade = form.trades.get(parse_id(data.get("category")))
    unit = data.get("pay_unit")
    if trade is None or unit not in (trade.pay_units or []):
        return None
    pay = (data.get("pay_amount") or "").strip()
    return guide_hint(trade, unit, Decimal(pay) if PAY_TYPED.fullmatch(pay) else None)


@login_required
def post_gig(request):
    employer = _employer(request)
    if request.method == "GET" and request.GET.get("part") == "guide":
        form = GigPostForm(trades=trade_tree())
        return render(request, "frontend/employer/post.html#wage-guide", {"hint": _guide_hint(form, request.GET)})
    form = GigPostForm(request.POST or None, trades=trade_tree())
    if request.method == "POST" and form.is_valid():
        try:
            gig = job_services.create_gig(actor=request.user, publish=request.POST.get("action") == "publish",
                                          **form.gig_fields())
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as refusal:
            _say_refusal(request, refusal)
        else:
            _status_said(request, gig)
            warning = below_guide_warning(gig)
            if warning:
                messages.warning(request, warning, extra_tags="code-below_wage_guide")
            return redirect("employer_gig", pk=gig.pk)
    return render(request, "frontend/employer/post.html", {
        "form": form, "units_by_trade": form.units_by_trade(), "hint": _guide_hint(form, request.POST),
        "unverified": employer.verification_status != VerificationStatus.VERIFIED,
        "map_center": reads.city_center_point()})


# --- My gigs ----------------------------------------------------------------------------------------

@login_required
def my_gigs(request):
    _employer(request)
    gigs = gigs_of(request.user).filter(employer__owner=request.user).order_by("-created_at", "-pk")
    page = Paginator(gigs, GIGS_PER_PAGE).get_page(request.GET.get("page"))
    shown = reads.with_progress(list(page))
    fair = fair_pay_of(shown)
    rows = [{"gig": gig, "trade": labels.trade_name(gig.category), "unit": labels.pay_unit_label(gig.pay_unit),
             "fair": fair[gig.pk], "per_piece_or_job": gig.pay_unit in PER_PIECE_OR_JOB} for gig in shown]
    return render(request, "frontend/employer/gigs.html", {"page": page, "rows": rows})


def _person(assignment) -> dict:
    shared = contact_is_shared(assignment)
    contact = worker_contact(assignment) if shared else None
    return {"assignment": assignment, "worker": assignment.worker, "shared": shared,
            "phone": contact.phone if contact else assignment.worker.user.masked_phone,
            "via_center": contact.via_center if contact else "",
            "applied": assignment.status == AssignmentStatus.APPLIED}


PEOPLE_PER_PAGE = 50  # a gig may want many hands, and draw more applicants than that


def gig_page_context(request, pk: int) -> dict:
    """One of the employer's gigs with its fill progress and its people, a page at a time in the order they came
    (the page, and its live part: the live part is asked for with the page's number)."""
    gig = _my_gig(request, pk, progress=True)
    page = Paginator(people_on_gig(gig, viewer=request.user)
                     .select_related("worker__user", "worker__registered_at_center").order_by("pk"),
                     PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    people = list(page)
    agreements = agreement_links([a.pk for a in people], Party.EMPLOYER)
    return {"gig": gig, "trade": labels.trade_name(gig.category), "unit": labels.pay_unit_label(gig.pay_unit),
            "people": [{**_person(a), "agreement": agreements.get(a.pk)} for a in people], "people_page": page,
            "draft": gig.status == GigStatus.DRAFT,
            "fair": fair_pay_of([gig])[gig.pk], "per_piece_or_job": gig.pay_unit in PER_PIECE_OR_JOB,
            "may_cancel": gig.can_become(GigStatus.CANCELLED)}


@login_required
def employer_gig(request, pk: int):
    return render(request, "frontend/employer/gig.html", gig_page_context(request, pk))


def _act_on_person(request, pk: int, assignment_id: int, act) -> None:
    gig = _my_gig(request, pk)
    assignment = get_object_or_404(people_on_gig(gig, viewer=request.user), pk=assignment_id)
    try:
        act(assignment, actor=request.user)
    except (Conflict, PermissionDenied, ValidationError) as refusal:
        _say_refusal(request, refusal)
        return False
    return True


@require_POST
@login_required
def hire(request, pk: int, assignment_id: int):
    if _act_on_person(request, pk, assignment_id, job_services.hire_applicant):
        messages.success(request, _("Hired: the worker is told, and you can now see their phone number."))
    return redirect("employer_gig", pk=pk)


@require_POST
@login_required
def decline(request, pk: int, assignment_id: int):
    if _act_on_person(request, pk, assignment_id, job_services.decline_applicant):
        messages.success(request, _("Declined: the worker is told."))
    return redirect("employer_gig", pk=pk)


@require_POST
@login_required
def publish(request, pk: int):
    gig = _my_gig(request, pk)
    try:
        gig = job_services.publish_gig(gig, actor=request.user)
    except (Conflict, PermissionDenied, ValidationError) as refusal:
        _say_refusal(request, refusal)
    else:
        _status_said(request, gig)
    return redirect("employer_gig", pk=pk)


def _cancel_cost(gig, now) -> dict:
    """What cancelling now costs: show-up pay to each worker holding a slot when the start is near."""
    holders = gig.assignments.filter(status__in=SLOT_HOLDING).count()
    late = gig.starts_at - now < rules.hours("EMPLOYER_LATE_CANCEL_HOURS")
    each = job_services.show_up_pay(gig) if late and holders else None
    return {"holders": holders, "late": late, "each": each, "total": each * holders if each else None,
            "late_hours": rules.rule("EMPLOYER_LATE_CANCEL_HOURS"), "pay_hours": rules.rule("SHOW_UP_PAY_HOURS")}


@login_required
def cancel(request, pk: int):
    """GET shows what cancelling costs; the confirm form POSTs."""
    gig = _my_gig(request, pk)
    if request.method == "POST":
        reason = ReasonForm(request.POST)
        try:
            if not reason.is_valid():
                raise ValidationError(reason.errors["reason"])
            job_services.cancel_gig(gig, actor=request.user, reason=reason.cleaned_data["reason"])
        except (Conflict, PermissionDenied, ValidationError) as refusal:
            _say_refusal(request, refusal)
        else:
            messages.success(request, _("The gig is cancelled; the workers on it are told."))
        return redirect("employer_gig", pk=pk)
    return render(request, "frontend/employer/cancel.html", {
        "gig": gig, "trade": labels.trade_name(gig.category), "cost": _cancel_cost(gig, timezone.now()),
        "form": ReasonForm()})


# --- On the day: the site code and who has checked in ----------------------------------------------

CODE_REFRESH_SECONDS = 30  # without scripts the page reloads itself; with them, htmx swaps the part below
CODE_POLL_SECONDS = 15


def _check_in_url(request, gig, code: str) -> str:
    """What the QR holds: a link to our own check-in page for this gig with the code, so the phone's camera
    app opens it too. The link only fills in the form: the service checks the code when the worker sends it."""
    return request.build_absolute_uri(reverse("my_check_in_link", args=[gig.code]) + "?" + urlencode({"code": code}))


@never_cache
@login_required
def site_code(request, pk: int):
    """The rotating check-in code, big, with its QR drawn here, and who has checked in so far."""
    import segno

    gig = _my_gig(request, pk)
    code, valid_until = site_check_in_code(gig, viewer=request.user, now=timezone.now())
    link = _check_in_url(request, gig, code)
    on_site = (people_on_gig(gig, viewer=request.user).filter(status__in=SLOT_HOLDING + (AssignmentStatus.NO_SHOW,))
               .select_related("worker").order_by(F("checked_in_at").asc(nulls_last=True), "pk"))
    people = list(on_site)
    template = "frontend/employer/code.html#live" if request.htmx else "frontend/employer/code.html"
    return render(request, template, {
        "gig": gig, "trade": labels.trade_name(gig.category), "code": code, "valid_until": valid_until,
        "link": link, "qr": segno.make(link, error="m").svg_inline(
            scale=6, border=2, omitsize=True, title=_("QR code for checking in")),
        "people": people, "checked_in": sum(1 for a in people if a.checked_in_at),
        "refresh": CODE_REFRESH_SECONDS, "poll": CODE_POLL_SECONDS})


# --- A worker without a phone: their dispatch slip (派工单) -------------------------------------------

@require_POST
@login_required
def slip_code_check_in(request, pk: int):
    """The employer types the code printed on a worker's dispatch slip (when the QR will not scan)."""
    gig = _my_gig(request, pk)
    assignment = slip_on_gig(gig, request.POST.get("slip_code", ""))
    if assignment is None:
        messages.error(request, _("No worker on this gig has a dispatch slip with this code."))
    else:
        _check_in_from_slip(request, assignment, request.POST.get("slip_code", ""))
    return redirect("employer_site_code", pk=pk)


def _check_in_from_slip(request, assignment, code: str) -> None:
    try:
        job_services.check_in_by_slip(assignment, actor=request.user, code=code)
    except (Conflict, PermissionDenied, ValidationError) as refusal:
        _say_refusal(request, refusal)
    else:
        messages.success(request, _("%(name)s is checked in.") % {"name": assignment.worker.display_name})


@never_cache
@login_required
def slip_check_in(request, assignment_id: int, code: str):
    """Where the dispatch slip's QR leads: the gig's employer (or center staff) at the site sees whom the slip is
    for and checks them in with one tap. Anyone else gets 403; a wrong code 404."""
    assignment = slip_on_site(assignment_id, code, viewer=request.user)
    if request.method == "POST":
        _check_in_from_slip(request, assignment, code)
        return redirect("slip_check_in", assignment_id=assignment_id, code=code)
    gig = assignment.gig
    return render(request, "frontend/slip_check_in.html", {
        "a": assignment, "gig": gig, "trade": labels.trade_name(gig.category),
        "too_early": timezone.now() < gig.starts_at - rules.minutes("CHECK_IN_OPENS_MINUTES"),
        "opens_minutes": rules.rule("CHECK_IN_OPENS_MINUTES")})
