"""Wage-arrears complaint pages (欠薪投诉): the worker files one from the assignment page and follows each step;
the employer sees it and responds; the center's staff work through their queue. Money each side still owes or
is owed is listed on the worker's and the employer's "money" pages. Thin: services and selectors decide."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from complaints import services
from complaints.models import Complaint, ComplaintStatus, Outcome
from complaints.rules import rule
from complaints.selectors import (
    amount_owed_on,
    complaint_queue,
    complaints_visible_to,
    evidence_for,
    filing_refusal,
    may_handle,
    money_owed,
    overdue,
)
from jobs.exceptions import Conflict
from jobs.models import Compensation

from . import labels
from .forms import NfkcCharField
from .views_myjobs import my_assignments

signed_in = login_required(login_url="login")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one field; the service checks each by its content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                                             "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in files]


class FileForm(forms.Form):
    statement = NfkcCharField(label=gettext_lazy("What happened"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=gettext_lazy("When you worked, what was agreed, what you were paid."))
    amount_claimed = forms.DecimalField(label=gettext_lazy("Amount you are owed (yuan)"), min_value=0.01,
                                        max_digits=10, decimal_places=2,
                                        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))
    photos = PhotosField(label=gettext_lazy("Photos as evidence (optional)"), required=False,
                         help_text=gettext_lazy("Chat screenshots, a pay slip, the site: JPEG, PNG or WebP."))


class NoteForm(forms.Form):
    note = NfkcCharField(label=gettext_lazy("Note for the worker and the employer (optional)"), max_length=2000,
                         required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(NoteForm):
    outcome = forms.ChoiceField(label=gettext_lazy("How it ended"), choices=Outcome.choices,
                                widget=forms.RadioSelect)
    amount_recovered = forms.DecimalField(label=gettext_lazy("Amount paid to the worker (yuan)"), required=False,
                                          min_value=0.01, max_digits=10, decimal_places=2,
                                          help_text=gettext_lazy("Needed when partly paid."),
                                          widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))


class RespondForm(forms.Form):
    response = NfkcCharField(label=gettext_lazy("Your response"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("E.g. when and how you paid; the worker and the center see it."))


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- The worker files a complaint from the assignment page -------------------------------------------------

@signed_in
def file_complaint(request, pk: int):
    assignment = get_object_or_404(my_assignments(request.user), pk=pk)
    refusal = filing_refusal(assignment)
    status = 200
    if request.method == "POST" and not refusal:
        form = FileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                complaint = services.file_complaint(
                    assignment, actor=request.user, statement=form.cleaned_data["statement"],
                    amount_claimed=form.cleaned_data["amount_claimed"], photos=form.cleaned_data["photos"])
            except ValidationError as error:
                _add_errors(form, error)
            except Conflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, _("Your complaint is with %(center)s. You can follow each step here.")
                                 % {"center": complaint.center.name})
                return redirect("complaint", complaint.pk)
        status = 400
    else:
        form = FileForm(initial={"amount_claimed": amount_owed_on(assignment)})
    return render(request, "frontend/complaints/file.html", {
        "a": assignment, "gig": assignment.gig, "trade": labels.trade_name(assignment.gig.category),
        "form": form, "refusal": refusal, "max_photos": rule("MAX_PHOTOS"),
        "max_mb": rule("MAX_PHOTO_BYTES") // (1024 * 1024)}, status=status)


# --- One complaint: everyone who may see it ------------------------------------------------------------------

def _visible_or_404(request, pk: int) -> Complaint:
    return get_object_or_404(complaints_visible_to(request.user).prefetch_related("steps__actor", "evidence"),
                             pk=pk)


NEXT_STEP = {  # what staff may do next, by status
    ComplaintStatus.FILED: ("acknowledge",),
    ComplaintStatus.ACKNOWLEDGED: ("mediate", "resolve"),
    ComplaintStatus.MEDIATING: ("resolve",),
    ComplaintStatus.RESOLVED: ("close",),
    ComplaintStatus.CLOSED: (),
}


@signed_in
def complaint_page(request, pk: int, bound: dict | None = None, status: int = 200):
    complaint = _visible_or_404(request, pk)
    user = request.user
    handles = may_handle(user, complaint)
    bound = bound or {}
    return render(request, "frontend/complaints/complaint.html", {
        "c": complaint, "gig": complaint.assignment.gig, "trade": labels.trade_name(complaint.assignment.gig.category),
        "overdue": overdue(complaint, timezone.now()), "steps": complaint.steps.all(),
        "evidence": complaint.evidence.all(), "is_worker": complaint.assignment.worker.user_id == user.pk,
        "is_employer": user.role == Role.EMPLOYER and complaint.employer.owner_id == user.pk,
        "handles": handles, "next": NEXT_STEP[ComplaintStatus(complaint.status)] if handles else (),
        "note_form": bound.get("note") or NoteForm(), "resolve_form": bound.get("resolve") or ResolveForm(),
        "respond_form": bound.get("respond") or RespondForm(),
    }, status=status)


STAFF_STEPS = {
    "acknowledge": (services.acknowledge, gettext_lazy("Acknowledged. The worker and the employer are told.")),
    "mediate": (services.start_mediation, gettext_lazy("Mediation started. The worker and the employer are told.")),
    "close": (services.close, gettext_lazy("Closed.")),
}


@signed_in
@require_POST
def staff_step(request, pk: int, step: str):
    complaint = _visible_or_404(request, pk)
    if step == "resolve":
        form, name = ResolveForm(request.POST), "resolve"
    elif step in STAFF_STEPS:
        form, name = NoteForm(request.POST), "note"
    else:
        raise Http404
    if not form.is_valid():
        return complaint_page(request, pk, bound={name: form}, status=400)
    try:
        if step == "resolve":
            services.resolve(complaint, actor=request.user, **form.cleaned_data)
            done = _("Resolved: %(outcome)s.") % {"outcome": Outcome(form.cleaned_data["outcome"]).label}
        else:
            service, done = STAFF_STEPS[step]
            service(complaint, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        _add_errors(form, error)
        return complaint_page(request, pk, bound={name: form}, status=400)
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return redirect("complaint", pk)
    messages.success(request, done)
    return redirect("complaint", pk)


@signed_in
@require_POST
def respond(request, pk: int):
    complaint = _visible_or_404(request, pk)
    form = RespondForm(request.POST)
    if not form.is_valid():
        return complaint_page(request, pk, bound={"respond": form}, status=400)
    try:
        services.respond(complaint, actor=request.user, response=form.cleaned_data["response"])
    except ValidationError as error:
        _add_errors(form, error)
        return complaint_page(request, pk, bound={"respond": form}, status=400)
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return redirect("complaint", pk)
    messages.success(request, _("Your response is sent to the worker and the service center."))
    return redirect("complaint", pk)


@signed_in
def evidence_photo(request, pk: int):
    """A photo of a complaint, for the worker, the employer and the center's staff only; never cached by others."""
    evidence = evidence_for(request.user, pk)
    if evidence is None:
        raise Http404
    try:
        opened = evidence.photo.open("rb")
    except FileNotFoundError:  # lost from the disk (a restore without the private files): say so, not a 500
        raise Http404 from None
    response = FileResponse(opened, content_type=evidence.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


# --- The staff queue -------------------------------------------------------------------------------------------

@signed_in
def staff_queue(request):
    try:
        items = complaint_queue(request.user, timezone.now())
    except PermissionDenied:
        return redirect("my_money")
    rows = [{"item": item, "trade": labels.trade_name(item.complaint.assignment.gig.category)} for item in items]
    return render(request, "frontend/complaints/queue.html", {
        "rows": rows, "overdue_count": sum(1 for item in items if item.overdue)})


# --- Money owed, and one's complaints ------------------------------------------------------------------------

@signed_in
def my_money(request):
    """The worker's money not confirmed yet and their complaints; an employer's money owed and the complaints
    against it."""
    user = request.user
    if user.role in (Role.CENTER_STAFF, Role.CITY_ADMIN):
        return redirect("staff_complaints")  # their money page is the center's complaints
    try:
        owed = money_owed(viewer=user)
    except PermissionDenied:
        raise Http404 from None
    rows = [{"owed": row, "trade": labels.trade_name(row.assignment.gig.category)} for row in owed.rows]
    complaints = complaints_visible_to(user).order_by("-filed_at")[:50]
    return render(request, "frontend/complaints/money.html", {
        "rows": rows, "side": owed.side, "complaints": complaints, "total": owed.in_all.total,
        "count": owed.in_all.count})


@signed_in
@require_POST
def confirm_show_up_pay(request, pk: int):
    owed = get_object_or_404(Compensation, pk=pk, assignment__worker__user=request.user)
    try:
        services.confirm_show_up_pay(owed, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Noted: the show-up pay of ¥%(amount)s arrived.") % {"amount": owed.amount})
    return redirect(reverse("my_money"))
