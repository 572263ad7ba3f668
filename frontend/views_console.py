"""The staff console (/staff/): a center's counter on a desktop or tablet. Walk-in registration, the worker card,
today's hall, the matching board and the dispatch slip (派工单).

Who may see or do what is decided by the selectors and services (centers, workers, jobs); these pages read a
form, call them and show the answer. Pages work without script: every action is a form that posts, then
redirects.
"""

from functools import wraps
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements.selectors import agreement_links
from centers import services as center_services
from centers.models import HallVisit
from centers.selectors import console_center, consoled_centers, longest_waiting, waiting_in_hall
from gigreports.selectors import open_case_count
from jobs import services as job_services
from jobs.exceptions import Conflict
from jobs.models import Gig, PayUnit
from jobs.selectors import (
    board_gigs,
    dispatch_slip,
    dispatches_today,
    hall_counts,
    suspicious_check_in_for_staff,
    suspicious_check_ins,
)
from notifications.sentences import sentence
from policy import services as policy_services
from wages.selectors import fair_pay_of
from workers import consents
from workers import services as worker_services
from workers.selectors import card_payload, find_workers, worker_for_staff, worker_inbox_for_staff
from zero_gig.ids import parse_id

from . import labels
from .forms_console import AssignForm, LookupForm, WalkInForm, WalkInUpdateForm
from .views_policy import AskForm


def _login_first(request):
    return redirect(f"{reverse('login')}?next={request.get_full_path()}")


def console_page(view):
    """Anonymous visitors log in first; the center in the URL must be one the user may manage (else 403)."""

    @wraps(view)
    def run(request, center_id: int, *args, **kwargs):
        if not request.user.is_authenticated:
            return _login_first(request)
        return view(request, console_center(request.user, center_id), *args, **kwargs)

    return run


def _qr(text: str, title: str) -> str:
    return segno.make(text, error="m").svg_inline(scale=6, border=2, omitsize=True, title=title)


def _refusal(request, error: Exception) -> None:
    if isinstance(error, Conflict):
        messages.error(request, str(error.message), extra_tags=f"code-{error.code}")
    elif isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, str(error))


def _trades(worker) -> str:
    return "、".join(labels.trade_name(t.category) for t in worker.worker_trades.all())


# --- Home ---------------------------------------------------------------------------------------

def console_home(request):
    """The console of one center: the one the staff member works at, or the one picked (?center=)."""
    if not request.user.is_authenticated:
        return _login_first(request)
    centers = list(consoled_centers(request.user))
    if not centers:
        raise PermissionDenied(_("Only service-center staff or a city administrator can open the console."))
    chosen = request.GET.get("center")
    center = console_center(request.user, chosen) if chosen else centers[0]
    now = timezone.now()
    context = {
        "center": center, "centers": centers,
        "waiting": waiting_in_hall(center, viewer=request.user, now=now).count(),
        "dispatched": dispatches_today(center, viewer=request.user, now=now).count(),
        "open_gigs": hall_counts(center.pk, now)["open_gigs"],
        "reported": open_case_count(request.user, center.pk),
    }
    return render(request, "frontend/console/home.html", {**context, "section": "home"})


# --- Walk-in registration and the worker's page ----------------------------------------------------

def _apply_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@console_page
def walk_in(request, center):
    form = WalkInForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        try:
            result = worker_services.register_walk_in(actor=request.user, center=center, **form.service_fields())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if result.created:
                messages.success(request, _("%(name)s is registered as worker %(number)s. Print the card.")
                                 % {"name": result.profile.display_name, "number": result.profile.number})
                if result.claim is not None:
                    messages.info(request, _("Another account holds this ID number: a claim to check the card "
                                             "is open in the review queue."))
                return redirect("console_worker", center_id=center.pk, worker_id=result.profile.pk)
            found = {"worker": worker_for_staff(result.profile.pk, viewer=request.user),
                     "by": result.matched_by}
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "frontend/console/walk_in.html", {
        "center": center, "section": "walk_in", "form": form, "found": found,
        "consent_text": consents.REGISTRATION.text,
        "consent_version": consents.REGISTRATION.version, "found_trades": _trades(found["worker"]) if found else ""},
        status=status)


def _notifications(worker, center, user):
    try:
        rows = worker_inbox_for_staff(worker, center, viewer=user)
    except PermissionDenied:
        return None, False
    if rows is None:
        return None, True
    return [{"n": n, "text": sentence(n.kind, n.payload or {})} for n in rows[:20]], True


@console_page
def worker_page(request, center, worker_id: int, form=None, status=200):
    worker = worker_for_staff(worker_id, viewer=request.user)
    if worker is None:
        raise Http404
    notifications, serves = _notifications(worker, center, request.user)
    intake = getattr(worker, "intake", None)
    if form is None:
        initial = {"display_name": worker.display_name, "availability": worker.availability,
                   "trades": [t.category_id for t in worker.worker_trades.all()]}
        if intake is not None:
            initial.update({name: getattr(intake, name) for name in worker_services.INTAKE_FIELDS})
        form = WalkInUpdateForm(initial=initial)
    day = timezone.localdate()
    return render(request, "frontend/console/worker.html", {
        "center": center, "worker": worker, "intake": intake, "trades": _trades(worker), "form": form,
        "serves": serves, "notifications": notifications,
        "waiting_here": HallVisit.objects.filter(center=center, worker=worker, day=day,
                                                 checked_out_at__isnull=True).exists(),
        "ask_form": AskForm(prefix="ask"),
        "dispatches": worker.assignments.filter(dispatch_consent__isnull=False)
        .select_related("gig__category").order_by("-id")[:10],
    }, status=status)


@require_POST
@console_page
def update_worker(request, center, worker_id: int):
    worker = worker_for_staff(worker_id, viewer=request.user)
    if worker is None:
        raise Http404
    form = WalkInUpdateForm(request.POST)
    if form.is_valid():
        fields = {k: v for k, v in form.service_fields().items() if v not in (None, "", [])}
        if not fields.get("trades"):
            fields.pop("trades", None)
        try:
            worker_services.update_walk_in(worker, actor=request.user, center=center, **fields)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s's details are updated.") % {"name": worker.display_name})
            return redirect("console_worker", center_id=center.pk, worker_id=worker.pk)
    return worker_page.__wrapped__(request, center, worker_id, form=form, status=400)


@require_POST
@console_page
def verify_identity(request, center, worker_id: int):
    """Staff have looked at the worker's ID card at the counter: their real name is verified (audited)."""
    worker = worker_for_staff(worker_id, viewer=request.user)
    if worker is None:
        raise Http404
    try:
        worker_services.verify_worker_identity(worker, actor=request.user)
    except Conflict as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("%(name)s's real name is verified.") % {"name": worker.display_name})
    return redirect("console_worker", center_id=center.pk, worker_id=worker.pk)


@require_POST
@console_page
def counter_question(request, center, worker_id: int):
    """A walk-in asks a policy question at the counter: staff write it down for them; it is answered in the
    staff's question queue and reaches the worker through the center (their inbox, read out at the counter)."""
    worker = worker_for_staff(worker_id, viewer=request.user)
    if worker is None:
        raise Http404
    form = AskForm(request.POST, prefix="ask")
    if form.is_valid():
        try:
            policy_services.ask_question(actor=request.user, text=form.cleaned_data["text"],
                                         topic=form.cleaned_data["topic"], center=center,
                                         on_behalf_of=worker.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except Conflict as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("The question is written down; answer it in the question queue."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("console_worker", center_id=center.pk, worker_id=worker.pk)


@console_page
def worker_card(request, center, worker_id: int):
    """The printable worker card: name, number, trades, the center, and the QR staff scan next time."""
    worker = worker_for_staff(worker_id, viewer=request.user)
    if worker is None:
        raise Http404
    return render(request, "frontend/console/card.html", {
        "center": center, "worker": worker, "trades": _trades(worker),
        "qr": _qr(card_payload(worker), _("QR code of worker %(number)s") % {"number": worker.number})})


# --- Today's hall ----------------------------------------------------------------------------------

@console_page
def hall(request, center):
    now = timezone.now()
    lookup = LookupForm(request.GET or None)
    found = None
    if lookup.is_valid():
        found = [{"worker": w, "trades": _trades(w)} for w in find_workers(lookup.cleaned_data["q"],
                                                                            viewer=request.user)]
    waiting, count = longest_waiting(center, viewer=request.user, now=now)
    visits = [{"visit": v, "trades": _trades(v.worker)} for v in waiting]
    return render(request, "frontend/console/hall.html", {
        "center": center, "section": "hall", "lookup": lookup, "found": found, "visits": visits, "now": now,
        "waiting_count": count,
        "scan": LookupForm(auto_id="scan_%s")})


@require_POST
@console_page
def hall_check_in(request, center):
    """Check a worker in: by id (a button of the look-up), or by what the scanner typed (one match checks in)."""
    worker_id = parse_id(request.POST.get("worker"))
    lookup = LookupForm(request.POST)
    refusal, query = None, ""
    if worker_id:
        worker = worker_for_staff(worker_id, viewer=request.user)
        matches = [worker] if worker else []
    elif lookup.is_valid():
        query = lookup.cleaned_data["q"]
        matches = find_workers(query, viewer=request.user)
    else:  # e.g. a scanner that kept typing: the rule is said, what was typed is not echoed back
        refusal, matches = lookup.errors["q"][0], []
    if len(matches) != 1:
        if refusal:
            messages.error(request, refusal)
        elif not matches:
            messages.error(request, _("No worker matches “%(q)s”.") % {"q": query})
        return redirect(f"{reverse('console_hall', args=[center.pk])}?{urlencode({'q': query})}")
    worker = matches[0]
    center_services.check_in_to_hall(worker, actor=request.user, center=center)
    messages.success(request, _("%(name)s (%(number)s) is waiting in the hall.")
                     % {"name": worker.display_name, "number": worker.number})
    return redirect("console_board" if request.POST.get("back") == "board" else "console_hall", center_id=center.pk)


@require_POST
@console_page
def hall_check_out(request, center, visit_id: int):
    visit = HallVisit.objects.filter(pk=visit_id, center=center).select_related("center", "worker").first()
    if visit is None:
        raise Http404
    center_services.check_out_of_hall(visit, actor=request.user)
    messages.success(request, _("%(name)s has left the hall.") % {"name": visit.worker.display_name})
    return redirect("console_hall", center_id=center.pk)


# --- The matching board and the dispatch slip ------------------------------------------------------

@console_page
def board(request, center):
    now = timezone.now()
    visits, count = longest_waiting(center, viewer=request.user, now=now)
    workers = [v.worker for v in visits]
    by_id = {w.pk: w for w in workers}
    items = []
    rows = list(board_gigs(center, viewer=request.user, waiting_ids=list(by_id), now=now))
    fair = fair_pay_of([item.gig for item in rows])  # one book for the whole board
    for item in rows:
        gig = item.gig
        items.append({
            "fair": fair[gig.pk], "per_piece_or_job": gig.pay_unit in (PayUnit.PIECE, PayUnit.JOB),
            "gig": gig, "km": item.distance_km, "trade": labels.trade_name(gig.category),
            "unit": labels.pay_unit_label(gig.pay_unit), "hours": labels.length_hours(gig),
            "suggestions": [{"worker": by_id[c.worker_id], "candidate": c} for c in item.suggestions],
            "others": [w for w in workers if w.pk not in {c.worker_id for c in item.suggestions}],
            "form": AssignForm(initial={"gig": gig.pk}, workers=workers, auto_id=f"gig{gig.pk}_%s"),
        })
    return render(request, "frontend/console/board.html", {
        "center": center, "section": "board", "items": items,
        "visits": [{"visit": v, "trades": _trades(v.worker)} for v in visits], "waiting_count": count,
        "consent_text": consents.DISPATCH.text, "dispatched": dispatches_today(center, viewer=request.user, now=now)})


@require_POST
@console_page
def board_assign(request, center):
    gig = Gig.objects.filter(pk=parse_id(request.POST.get("gig"))).first()
    worker_id = parse_id(request.POST.get("worker"))
    worker = worker_for_staff(worker_id, viewer=request.user) if worker_id else None
    if gig is None or worker is None:
        messages.error(request, _("Choose a gig and a worker waiting in the hall."))
        return redirect("console_board", center_id=center.pk)
    try:
        assignment = job_services.assign_for_worker(gig, worker, actor=request.user, center=center,
                                                    consent=request.POST.get("consent") == "on")
    except (Conflict, ValidationError, PermissionDenied) as error:
        _refusal(request, error)
        return redirect("console_board", center_id=center.pk)
    messages.success(request, _("%(name)s is hired for %(code)s. Print the dispatch slip.")
                     % {"name": worker.display_name, "code": gig.code})
    return redirect("console_slip", center_id=center.pk, assignment_id=assignment.pk)


@console_page
def slip(request, center, assignment_id: int):
    """The dispatch slip (派工单): what the worker takes to the site, and a QR (and its code, to type) with which
    the employer checks the worker in there: a worker without a phone cannot open a link themselves."""
    assignment = dispatch_slip(assignment_id, viewer=request.user)
    gig = assignment.gig
    code = job_services.slip_code(assignment)
    check_in_url = request.build_absolute_uri(reverse("slip_check_in", args=[assignment.pk, code]))
    return render(request, "frontend/console/slip.html", {
        "center": center, "a": assignment, "gig": gig, "trade": labels.trade_name(gig.category),
        "unit": labels.pay_unit_label(gig.pay_unit), "hours": labels.length_hours(gig),
        "consent": assignment.dispatch_consent, "check_in_url": check_in_url, "slip_code": code,
        "fair": fair_pay_of([gig])[gig.pk], "per_piece_or_job": gig.pay_unit in (PayUnit.PIECE, PayUnit.JOB),
        "agreement": agreement_links([assignment.pk]).get(assignment.pk),
        "qr": _qr(check_in_url, _("QR code for the employer to check this worker in at the site"))})




# --- Suspicious check-ins ----------------------------------------------------------------------------

@console_page
def suspicious(request, center):
    """Location check-ins at this center's gigs that did not look like a reading at the site: who, which gig, how
    far from the site, how exact the phone said it was, and why. Staff mark one reviewed once they have looked."""
    reviewed = request.GET.get("reviewed") == "1"
    return render(request, "frontend/console/suspicious.html", {
        "center": center, "section": "suspicious", "reviewed": reviewed,
        "flags": suspicious_check_ins(center, viewer=request.user, reviewed=reviewed)[:200]})


@require_POST
@console_page
def suspicious_reviewed(request, center, flag_id: int):
    flag = suspicious_check_in_for_staff(flag_id, viewer=request.user)
    if flag.assignment.gig.center_id != center.pk:
        raise Http404
    job_services.review_suspicious_check_in(flag, actor=request.user)
    messages.success(request, _("Marked reviewed: %(name)s at %(code)s.")
                     % {"name": flag.assignment.worker.display_name, "code": flag.assignment.gig.code})
    return redirect("console_suspicious", center_id=center.pk)
