"""Reports of fake or unfair gigs (gigreports): the worker's report form and their own reports; for the staff of a
gig's center, the queue of reported and held gigs with release and take-down; a report's photo, for those who may
see it. The services decide who may do what; these pages read a form, call them and show the answer."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gigreports import services
from gigreports.models import Case, Reason
from gigreports.selectors import case_for_staff, my_report_on, photo_for, report_queue, reports_of
from jobs.exceptions import Conflict
from jobs.models import GigStatus
from jobs.selectors import gigs_visible_to
from jobs.services import worker_of

from . import labels
from .forms import NfkcCharField


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of files in one field; the service checks each one's content and size."""

    widget = PhotosInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in files if item]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("What is wrong with this gig?"), choices=Reason.choices,
                               widget=forms.RadioSelect)
    text = NfkcCharField(label=gettext_lazy("What happened (needed for “Something else”)"), required=False,
                         max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))
    photos = PhotosField(label=gettext_lazy("Photos (optional): a screenshot of a message, the site"),
                         required=False, widget=PhotosInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
                         help_text=gettext_lazy("Up to 3 pictures, 5 MB each. Only the service center sees them."))


class ReleaseForm(forms.Form):
    note = NfkcCharField(label=gettext_lazy("What you checked (optional)"), required=False, max_length=500)


class TakeDownForm(forms.Form):
    employer_action = forms.ChoiceField(label=gettext_lazy("And the employer"), choices=Case.EmployerAction.choices,
                                        widget=forms.RadioSelect, initial=Case.EmployerAction.WARN)
    note = NfkcCharField(label=gettext_lazy("Why the post is taken down (the employer is shown it)"),
                         max_length=500, required=False)


def _login_first(request):
    return redirect(f"{reverse('login')}?next={request.get_full_path()}")


def _add_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- The worker ---------------------------------------------------------------------------------------

def report_gig(request, pk: int):
    """The report form of a gig the worker can see; a gig is reported once."""
    if not request.user.is_authenticated:
        return _login_first(request)
    gig = get_object_or_404(gigs_visible_to(request.user), pk=pk)
    worker_of(request.user)  # others get the plain 403 page
    mine = my_report_on(request.user, gig)
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and mine is None:
        if form.is_valid():
            try:
                services.report_gig(gig, actor=request.user, reason=form.cleaned_data["reason"],
                                    text=form.cleaned_data["text"] or "", photos=form.cleaned_data["photos"])
            except ValidationError as error:
                _add_errors(form, error)
            except Conflict as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Thank you. The service center will check this gig; the employer is "
                                            "not told who reported it."))
                return redirect("my_reports")
        status = 400 if form.errors else 200
    return render(request, "gigreports/report.html", {
        "gig": gig, "trade": labels.trade_name(gig.category), "form": form, "mine": mine}, status=status)


def my_reports(request):
    if not request.user.is_authenticated:
        return _login_first(request)
    return render(request, "gigreports/mine.html", {"reports": reports_of(request.user)[:100]})


# --- The staff of the gig's center ---------------------------------------------------------------------

def _queue(request, invalid: tuple[int, str, forms.Form] | None = None, status: int = 200):
    items = []
    for case in report_queue(request.user):
        forms_ = {"release": ReleaseForm(prefix=f"r{case.pk}"), "take_down": TakeDownForm(prefix=f"t{case.pk}")}
        if invalid and invalid[0] == case.pk:
            forms_[invalid[1]] = invalid[2]
        items.append({"case": case, "gig": case.gig, "trade": labels.trade_name(case.gig.category),
                      "unit": labels.pay_unit_label(case.gig.pay_unit), "held": case.gig.status == GigStatus.HELD,
                      "reports": list(case.reports.all()), **forms_})
    return render(request, "gigreports/queue.html", {"items": items}, status=status)


def staff_queue(request):
    if not request.user.is_authenticated:
        return _login_first(request)
    return _queue(request)


@require_POST
def release(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    case = case_for_staff(pk, viewer=request.user)
    form = ReleaseForm(request.POST, prefix=f"r{pk}")
    if not form.is_valid():
        return _queue(request, invalid=(pk, "release", form), status=400)
    try:
        services.release(case, actor=request.user, note=form.cleaned_data["note"] or "")
    except Conflict as refusal:
        messages.error(request, str(refusal.message), extra_tags=f"code-{refusal.code}")
    else:
        messages.success(request, _("%(code)s is released: workers see it again and the reporters are told.")
                         % {"code": case.gig.code})
    return redirect("staff_reports")


@require_POST
def take_down(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    case = case_for_staff(pk, viewer=request.user)
    form = TakeDownForm(request.POST, prefix=f"t{pk}")
    if form.is_valid():
        try:
            services.take_down(case, actor=request.user, employer_action=form.cleaned_data["employer_action"],
                               note=form.cleaned_data["note"] or "")
        except ValidationError as error:
            _add_errors(form, error)
        except Conflict as refusal:
            messages.error(request, str(refusal.message), extra_tags=f"code-{refusal.code}")
            return redirect("staff_reports")
        else:
            messages.success(request, _("%(code)s is taken down; the employer's other open posts are held for "
                                        "review.") % {"code": case.gig.code})
            return redirect("staff_reports")
    return _queue(request, invalid=(pk, "take_down", form), status=400)


def report_photo(request, pk: int):
    """A report's photo, for the reporter and the gig's center staff (403 for anyone else); never cached by a
    shared cache, never sniffed as anything but the image it was checked to be."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    photo = photo_for(pk, viewer=request.user)
    response = HttpResponse(bytes(photo.data), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
