"""Job fairs and skills training: the public pages (list, detail, sign up), the worker's own sign-ups and
verified skills, and the staff pages (create, edit, register walk-ins, take attendance, mark completion).

Thin like views.py: the services in programs/ decide who may do what; these pages parse forms and say what
happened."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from centers.models import ServiceCenter
from jobs.exceptions import Conflict
from jobs.models import Category, Gig
from programs import lookups, selectors, services
from programs.models import MAX_CAPACITY, Course, CourseSession, Enrolment, JobFair
from workers.selectors import find_workers
from zero_gig.ids import parse_id

from .forms import DayField, NfkcCharField

SESSION_ROWS = 4  # a course form offers this many sessions; more can be added by editing again


def _login(request, next_url: str):
    return redirect(f"{reverse('login')}?next={next_url}")


def _act(request, action, done: str) -> bool:
    """Run a service call; say what happened (or why not) as a message. True when it was done."""
    try:
        action()
    except Conflict as refusal:
        messages.error(request, str(refusal.message), extra_tags=f"code-{refusal.code}")
        return False
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return False
    except PermissionDenied as refusal:
        messages.error(request, str(refusal) or _("You may not do this."))
        return False
    messages.success(request, done)
    return True


def _posts_back(page: str, load):
    """A form that acts on one fair or course and comes back to `page` (its URL name): anonymous visitors log in
    first, `load(request, pk)` finds the event (404, or 403 for staff of another center), the view acts and says
    what happened in a message."""

    def wrap(view):
        @require_POST
        @wraps(view)
        def run(request, pk: int, *args, **kwargs):
            back = reverse(page, args=[pk])
            if not request.user.is_authenticated:
                return _login(request, back)
            view(request, load(request, pk), *args, **kwargs)
            return redirect(back)

        return run

    return wrap


def _own(page: str, selector, service, done):
    """A worker's one-tap form on a fair's or course's public page: `service` acts for the logged-in user."""

    @_posts_back(page, _public(selector))
    def view(request, event):
        _act(request, lambda: service(event, actor=request.user), done)

    return view


def _public(selector):
    """Load an event as the public pages show it (cancelled ones only to their managers)."""
    return lambda request, pk: selector(pk, viewer=request.user)


def _staff(model):
    """Load an event the user manages."""
    return lambda request, pk: _managed(request, model, pk)


# --- Public: fairs ----------------------------------------------------------------------------------------

def fair_list(request):
    rows = selectors.fairs(request.user, upcoming_from=timezone.now())[:100]
    return render(request, "programs/fairs.html", {"fairs": rows})


def fair_page(request, pk: int):
    return render(request, "programs/fair.html", selectors.fair_detail(pk, viewer=request.user))


fair_register = _own("fair", selectors.fair, services.register_for_fair,
                      gettext_lazy("You are registered for this job fair. Come on the day and bring your ID card."))
fair_cancel = _own("fair", selectors.fair, services.cancel_fair_registration,
                    gettext_lazy("Your registration is cancelled; your place goes to someone else."))


@_posts_back("fair", _public(selectors.fair))
def fair_join(request, fair):
    gig_id = parse_id(request.POST.get("gig"))
    if gig_id:
        gig = get_object_or_404(Gig, pk=gig_id)
        _act(request, lambda: services.bring_gig(fair, gig, actor=request.user),
             _("Your gig is listed at the fair."))
    else:
        _act(request, lambda: services.join_fair(fair, actor=request.user), _("You take part in this fair."))


# --- Public: courses --------------------------------------------------------------------------------------

def course_list(request):
    rows = selectors.courses(request.user, upcoming_from=timezone.now()).prefetch_related("sessions")[:100]
    return render(request, "programs/courses.html", {"courses": rows})


def course_page(request, pk: int):
    return render(request, "programs/course.html", selectors.course_detail(pk, viewer=request.user))


course_enrol = _own("course", selectors.course, services.enrol, gettext_lazy(
    "You are signed up for this course. Come to every session; staff mark your completion."))
course_cancel = _own("course", selectors.course, services.cancel_enrolment,
                      gettext_lazy("Your sign-up is cancelled; your place goes to someone else."))


def my_training(request):
    """The worker's fairs and courses, and their card with the skills a course verified."""
    if not request.user.is_authenticated:
        return _login(request, reverse("my_training"))
    return render(request, "programs/mine.html", selectors.my_training(viewer=request.user))


# --- Staff: forms -----------------------------------------------------------------------------------------

def _date(label):
    return DayField(label=label)


def _time(label, required=True):
    return forms.TimeField(label=label, required=required, widget=forms.TimeInput(attrs={"type": "time"}))


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class EventForm(forms.Form):
    center = forms.ModelChoiceField(label=gettext_lazy("Service center"), queryset=ServiceCenter.objects.none())
    title = NfkcCharField(label=gettext_lazy("Title"), max_length=100)
    place = NfkcCharField(label=gettext_lazy("Place"), max_length=200,
                          help_text=gettext_lazy("Where at or near the center, e.g. 一楼大厅."))
    capacity = forms.IntegerField(label=gettext_lazy("Places"), min_value=1, max_value=MAX_CAPACITY)
    description = NfkcCharField(label=gettext_lazy("Description"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    is_cancelled = forms.BooleanField(label=gettext_lazy("Cancelled"), required=False)

    def __init__(self, *args, viewer, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        managed = selectors._managed_center_ids(viewer)
        self.fields["center"].queryset = (ServiceCenter.objects.filter(is_active=True) if managed is None
                                          else ServiceCenter.objects.filter(pk__in=managed))
        if editing:
            del self.fields["center"]
        else:
            del self.fields["is_cancelled"]


class FairForm(EventForm):
    day = _date(gettext_lazy("Day"))
    starts = _time(gettext_lazy("From"))
    ends = _time(gettext_lazy("Until"))

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("The fair must end after it starts."))
        return data


class CourseForm(EventForm):
    trade = forms.ModelChoiceField(label=gettext_lazy("Trade it verifies"),
                                   queryset=Category.objects.filter(parent__isnull=False).order_by("sort_order", "pk"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, SESSION_ROWS + 1):
            required = n == 1
            self.fields[f"day_{n}"] = DayField(label=_("Session %(n)d: day") % {"n": n}, required=required)
            self.fields[f"starts_{n}"] = _time(_("Session %(n)d: from") % {"n": n}, required)
            self.fields[f"ends_{n}"] = _time(_("Session %(n)d: until") % {"n": n}, required)

    def clean(self):
        data = super().clean()
        sessions = []
        for n in range(1, SESSION_ROWS + 1):
            day, starts, ends = data.get(f"day_{n}"), data.get(f"starts_{n}"), data.get(f"ends_{n}")
            if not (day or starts or ends):
                continue
            if not (day and starts and ends):
                self.add_error(f"day_{n}", _("Give the day, the start and the end of the session."))
            elif ends <= starts:
                self.add_error(f"ends_{n}", _("A session must end after it starts."))
            else:
                sessions.append((_aware(day, starts), _aware(day, ends)))
        data["sessions"] = sessions
        return data


def _fields_of(form) -> dict:
    data = {name: form.cleaned_data[name] for name in ("title", "place", "capacity", "description")}
    if "is_cancelled" in form.cleaned_data:
        data["is_cancelled"] = form.cleaned_data["is_cancelled"]
    return data


def _show_errors(form, refusal: ValidationError) -> None:
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal.messages)


def _event_to_edit(request, model, pk: int | None, refusal: str):
    """The fair or course to edit (None for a new one), once the viewer may manage it."""
    if pk is None:
        if not services.is_staff(request.user):
            raise PermissionDenied(refusal)
        return None
    return _managed(request, model, pk)


def _managed(request, model, pk: int):
    event = get_object_or_404(model, pk=pk)
    services.check_manager(request.user, event.center_id)
    return event


def _initial(event) -> dict:
    return {name: getattr(event, name) for name in ("title", "place", "capacity", "description", "is_cancelled")}


# --- Staff: the list ----------------------------------------------------------------------------------------

def staff_programs(request):
    if not request.user.is_authenticated:
        return _login(request, reverse("staff_programs"))
    context = {"fairs": selectors.managed_fairs(request.user)[:100],
               "courses": selectors.managed_courses(request.user).prefetch_related("sessions")[:100]}
    return render(request, "programs/staff/list.html", context)


# --- Staff: fairs -------------------------------------------------------------------------------------------

def fair_form(request, pk: int | None = None):
    next_url = reverse("staff_fair_edit", args=[pk]) if pk else reverse("staff_fair_new")
    if not request.user.is_authenticated:
        return _login(request, next_url)
    fair = _event_to_edit(request, JobFair, pk, _("Only center staff and city administrators create fairs."))
    initial = {}
    if fair is not None:
        local_start, local_end = timezone.localtime(fair.starts_at), timezone.localtime(fair.ends_at)
        initial = {**_initial(fair), "day": local_start.date(), "starts": local_start.time(),
                   "ends": local_end.time()}
    form = FairForm(request.POST or None, initial=initial, viewer=request.user, editing=fair is not None)
    if request.method == "POST" and form.is_valid():
        data = _fields_of(form)
        data["starts_at"] = _aware(form.cleaned_data["day"], form.cleaned_data["starts"])
        data["ends_at"] = _aware(form.cleaned_data["day"], form.cleaned_data["ends"])
        try:
            if fair is None:
                fair = services.create_fair(actor=request.user, center=form.cleaned_data["center"], **data)
            else:
                services.update_fair(fair, actor=request.user, **data)
        except ValidationError as refusal:
            _show_errors(form, refusal)
        else:
            messages.success(request, _("The job fair is saved."))
            return redirect("staff_fair", fair.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/staff/form.html",
                  {"form": form, "event": fair, "kind": "fair"}, status=status)


def staff_fair(request, pk: int):
    if not request.user.is_authenticated:
        return _login(request, reverse("staff_fair", args=[pk]))
    _managed(request, JobFair, pk)
    detail = selectors.fair_detail(pk, viewer=request.user)
    return render(request, "programs/staff/fair.html", detail)


def _worker_from(request):
    """The worker staff named: a scanned card or a worker number, a mobile number, or a name only one worker has
    (the counter's one look-up, workers.selectors.find_workers)."""
    found = find_workers(request.POST.get("worker", ""), viewer=request.user)
    if len(found) == 1:
        return found[0]
    if found:
        messages.error(request, _("Several workers have this name: give the worker number or mobile number."))
    else:
        messages.error(request, _("No worker has this worker number, mobile number or name."))
    return None


FAIR_ACTIONS = {
    "register": (services.register_for_fair, gettext_lazy("%(name)s is registered.")),
    "attendance": (lambda fair, *, actor, worker: services.record_fair_attendance(fair, worker, actor=actor),
                   gettext_lazy("%(name)s is marked as attending.")),
    "unregister": (services.cancel_fair_registration, gettext_lazy("%(name)s's registration is cancelled.")),
}


@_posts_back("staff_fair", _staff(JobFair))
def staff_fair_action(request, fair, what: str):
    if what == "employer":
        employer = lookups.find_employer(request.POST.get("employer", ""), viewer=request.user)
        if employer is None:
            messages.error(request, _("No employer has this mobile number or employer number."))
        else:
            _act(request, lambda: services.join_fair(fair, actor=request.user, employer=employer),
                 _("%(name)s takes part in the fair.") % {"name": employer.name})
        return
    if what not in FAIR_ACTIONS:
        raise Http404
    service, done = FAIR_ACTIONS[what]
    worker = _worker_from(request)
    if worker is not None:
        _act(request, lambda: service(fair, actor=request.user, worker=worker), done % {"name": worker.display_name})


# --- Staff: courses -----------------------------------------------------------------------------------------

def course_form(request, pk: int | None = None):
    next_url = reverse("staff_course_edit", args=[pk]) if pk else reverse("staff_course_new")
    if not request.user.is_authenticated:
        return _login(request, next_url)
    course = _event_to_edit(request, Course, pk, _("Only center staff and city administrators create courses."))
    initial = {}
    if course is not None:
        initial = {**_initial(course), "trade": course.trade_id}
        for n, session in enumerate(course.sessions.all()[:SESSION_ROWS], start=1):
            start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
            initial |= {f"day_{n}": start.date(), f"starts_{n}": start.time(), f"ends_{n}": end.time()}
    form = CourseForm(request.POST or None, initial=initial, viewer=request.user, editing=course is not None)
    if request.method == "POST" and form.is_valid():
        data = _fields_of(form)
        data["trade"] = form.cleaned_data["trade"]
        sessions = form.cleaned_data["sessions"]
        try:
            if course is None:
                course = services.create_course(actor=request.user, center=form.cleaned_data["center"],
                                                sessions=sessions, **data)
            else:
                unchanged = [(s.starts_at, s.ends_at) for s in course.sessions.all()] == sorted(sessions)
                services.update_course(course, actor=request.user, sessions=None if unchanged else sessions, **data)
        except ValidationError as refusal:
            _show_errors(form, refusal)
        except Conflict as refusal:
            form.add_error(None, str(refusal.message))
        else:
            messages.success(request, _("The course is saved."))
            return redirect("staff_course", course.pk)
    status = 400 if request.method == "POST" else 200
    sessions = [[form[f"{part}_{n}"] for part in ("day", "starts", "ends")] for n in range(1, SESSION_ROWS + 1)]
    return render(request, "programs/staff/form.html",
                  {"form": form, "event": course, "kind": "course", "sessions": sessions}, status=status)


def staff_course(request, pk: int):
    if not request.user.is_authenticated:
        return _login(request, reverse("staff_course", args=[pk]))
    _managed(request, Course, pk)
    return render(request, "programs/staff/course.html", selectors.course_detail(pk, viewer=request.user))


@_posts_back("staff_course", _staff(Course))
def staff_course_enrol(request, course):
    worker = _worker_from(request)
    if worker is not None:
        _act(request, lambda: services.enrol(course, actor=request.user, worker=worker),
             _("%(name)s is signed up.") % {"name": worker.display_name})


@_posts_back("staff_course", _staff(Course))
def staff_enrolment_action(request, course, enrolment_id: int, what: str):
    if what not in ("attendance", "complete", "cancel"):
        raise Http404
    enrolment = get_object_or_404(Enrolment.objects.select_related("worker"), pk=enrolment_id, course=course)
    name = enrolment.worker.display_name
    if what == "complete":
        _act(request, lambda: services.mark_completed(enrolment, actor=request.user),
             _("%(name)s completed the course: %(trade)s is now a verified skill.")
             % {"name": name, "trade": course.trade.name})
    elif what == "cancel":
        _act(request, lambda: services.cancel_enrolment(course, actor=request.user, worker=enrolment.worker),
             _("%(name)s's sign-up is cancelled.") % {"name": name})
    else:
        session_id = parse_id(request.POST.get("session"))
        session = get_object_or_404(CourseSession, pk=session_id, course=course) if session_id else None
        if session is None:
            messages.error(request, _("Choose the session."))
        else:
            _act(request, lambda: services.record_session_attendance(session, enrolment, actor=request.user),
                 _("%(name)s is marked as attending.") % {"name": name})
