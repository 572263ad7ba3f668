"""Job fairs, courses and their sign-ups in the city's admin (city administrators only, see zero_gig.admin).

What has rules goes through programs.services, as the logged-in administrator, so it is checked and audited as
at the counter: a fair is created and edited by create_fair/update_fair (a capacity below the places taken is
refused on the form), a course edited by update_course (courses are created where their sessions are entered:
the staff pages or the API). Sign-ups, attendance and completions are read here and changed only through the
actions (record attendance, mark completed, cancel a sign-up), which refuse what the services refuse, row by row.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from jobs.admin import ServicesOnly
from jobs.exceptions import Conflict
from zero_gig.admin import run_service_action

from . import services
from .models import (
    Course,
    CourseSession,
    Enrolment,
    FairEmployer,
    FairGig,
    FairRegistration,
    JobFair,
    SessionAttendance,
)


class ThroughServiceForm(forms.ModelForm):
    """A form whose save is a service call, made when the form is cleaned so that a refusal shows on the form
    (the admin's change view runs in one transaction: nothing is kept unless the whole page saves)."""

    service_fields: tuple[str, ...] = ()
    request = None  # set by the admin

    def call_service(self, changes: dict):
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        changes = {name: data[name] for name in self.service_fields
                   if name in data and (self.instance.pk is None or name in self.changed_data)}
        try:
            self.instance = self.call_service(changes)
        except ValidationError as refusal:
            if hasattr(refusal, "error_dict"):
                for field, errors in refusal.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, refusal.messages)
        except (Conflict, PermissionDenied) as refusal:
            self.add_error(None, str(getattr(refusal, "message", None) or refusal))
        return data


class SavedByService:
    """The form's service call saved the row: the admin only logs it."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        pass


class FairForm(ThroughServiceForm):
    service_fields = ("title", "description", "place", "capacity", "starts_at", "ends_at")

    class Meta:
        model = JobFair
        fields = ("center", "title", "description", "place", "capacity", "starts_at", "ends_at")

    def call_service(self, changes):
        if self.instance.pk is None:
            return services.create_fair(actor=self.request.user, center=self.cleaned_data["center"], **changes)
        return services.update_fair(self.instance, actor=self.request.user, **changes) if changes else self.instance


class CourseForm(ThroughServiceForm):
    service_fields = ("title", "description", "place", "capacity", "trade")

    class Meta:
        model = Course
        fields = ("title", "description", "place", "capacity", "trade")

    def call_service(self, changes):
        return services.update_course(self.instance, actor=self.request.user, **changes) if changes else self.instance


class ReadOnlyInline(ServicesOnly, admin.TabularInline):
    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields


def _read_only(model, *fields):
    """A read-only inline of `model`'s rows showing `fields`."""
    return type(f"{model.__name__}Inline", (ReadOnlyInline,), {"model": model, "fields": fields})


class EventAdmin(SavedByService, admin.ModelAdmin):
    """What the fairs and the courses share: the places taken, and cancelling an event (or holding it after all)
    through its update service, which checks and audits it."""

    update = None  # the service that changes the event
    taken = ""  # the relation of its sign-ups
    actions = ["cancel_events", "hold_events"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(taken=Count(self.taken))

    @admin.display(description=_("places taken"), ordering="taken")
    def places_taken(self, event):
        return event.taken

    def _set_cancelled(self, request, queryset, cancelled: bool):
        update = type(self).update
        run_service_action(self, request, queryset,
                           lambda event, *, actor: update(event, actor=actor, is_cancelled=cancelled))

    @admin.action(description=_("Cancel the selected %(verbose_name_plural)s"))
    def cancel_events(self, request, queryset):
        self._set_cancelled(request, queryset, True)

    @admin.action(description=_("Hold the selected cancelled %(verbose_name_plural)s after all"))
    def hold_events(self, request, queryset):
        self._set_cancelled(request, queryset, False)


@admin.register(JobFair)
class JobFairAdmin(EventAdmin):
    form = FairForm
    update = staticmethod(services.update_fair)
    taken = "registrations"
    list_display = ("title", "center", "starts_at", "capacity", "places_taken", "is_cancelled")
    list_filter = ("is_cancelled", "center")
    search_fields = ("title", "place", "center__name")
    date_hierarchy = "starts_at"
    list_select_related = ("center",)
    readonly_fields = ("is_cancelled", "created_by", "created_at", "updated_at")
    inlines = [_read_only(FairEmployer, "employer", "added_by", "added_at"), _read_only(FairGig, "gig", "added_at"),
               _read_only(FairRegistration, "worker", "channel", "signed_up_at", "attended_at")]

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "center") if obj else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj else []


@admin.register(Course)
class CourseAdmin(EventAdmin):
    form = CourseForm
    update = staticmethod(services.update_course)
    taken = "enrolments"
    list_display = ("title", "center", "trade", "capacity", "places_taken", "is_cancelled")
    list_filter = ("is_cancelled", "center", "trade__parent")
    search_fields = ("title", "place", "center__name", "trade__name")
    list_select_related = ("center", "trade")
    readonly_fields = ("center", "is_cancelled", "created_by", "created_at", "updated_at")
    inlines = [_read_only(CourseSession, "starts_at", "ends_at"),
               _read_only(Enrolment, "worker", "channel", "signed_up_at", "completed_at")]

    def has_add_permission(self, request):
        return False  # a course needs its sessions: staff pages or the API


def _attend_fair(registration, *, actor):
    return services.record_fair_attendance(registration.fair, registration.worker, actor=actor)


def _cancel_registration(registration, *, actor):
    return services.cancel_fair_registration(registration.fair, actor=actor, worker=registration.worker)


def _cancel_enrolment(enrolment, *, actor):
    return services.cancel_enrolment(enrolment.course, actor=actor, worker=enrolment.worker)


class SignUpAdmin(ServicesOnly, admin.ModelAdmin):
    """Read here; changed by the actions."""


@admin.register(FairRegistration)
class FairRegistrationAdmin(SignUpAdmin):
    list_display = ("worker", "fair", "channel", "signed_up_at", "attended_at")
    list_filter = ("channel", "fair__center")
    search_fields = ("worker__display_name", "worker__user__phone", "fair__title")
    list_select_related = ("worker", "fair")
    actions = ["record_attendance", "cancel"]

    @admin.action(description=_("Record that the selected workers came"))
    def record_attendance(self, request, queryset):
        run_service_action(self, request, queryset.select_related("fair", "worker"), _attend_fair)

    @admin.action(description=_("Cancel the selected registrations (before the fair starts)"))
    def cancel(self, request, queryset):
        run_service_action(self, request, queryset.select_related("fair", "worker"), _cancel_registration)


@admin.register(Enrolment)
class EnrolmentAdmin(SignUpAdmin):
    list_display = ("worker", "course", "channel", "signed_up_at", "completed_at")
    list_filter = ("channel", "course__center", "course__trade")
    search_fields = ("worker__display_name", "worker__user__phone", "course__title")
    list_select_related = ("worker", "course")
    actions = ["mark_completed", "cancel"]

    @admin.action(description=_("Mark the selected workers as having completed the course"))
    def mark_completed(self, request, queryset):
        run_service_action(self, request, queryset, services.mark_completed)

    @admin.action(description=_("Cancel the selected sign-ups (before the course starts)"))
    def cancel(self, request, queryset):
        run_service_action(self, request, queryset.select_related("course", "worker"), _cancel_enrolment)


@admin.register(SessionAttendance)
class SessionAttendanceAdmin(SignUpAdmin):
    list_display = ("enrolment", "session", "recorded_at", "recorded_by")
    list_filter = ("session__course__center",)
    search_fields = ("enrolment__worker__display_name", "session__course__title")
    list_select_related = ("enrolment__worker", "enrolment__course", "session__course", "recorded_by")
