from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.forms import PhoneFormField
from zero_gig.admin import run_service_action

from . import services
from .models import (
    Assignment,
    Category,
    Compensation,
    Employer,
    FavouriteWorker,
    Gig,
    GigMatching,
    PayUnit,
    Rating,
    ScheduledDuty,
    Strike,
    WageDispute,
    WageFloor,
)


class CategoryForm(forms.ModelForm):
    """Pay units as named checkboxes, not a JSON list of codes."""

    pay_units = forms.MultipleChoiceField(
        label=Category._meta.get_field("pay_units").verbose_name, choices=PayUnit.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=Category._meta.get_field("pay_units").help_text,
    )

    class Meta:
        model = Category
        fields = ("parent", "code", "name", "name_en", "pay_units", "piece_label", "sort_order")


class TradeInline(admin.TabularInline):
    model = Category
    form = CategoryForm
    fk_name = "parent"
    fields = ("code", "name", "name_en", "pay_units", "piece_label", "sort_order")
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ("name", "name_en", "parent", "pay_unit_labels", "sort_order")
    list_filter = ("parent",)
    search_fields = ("name", "name_en", "code")
    inlines = [TradeInline]

    @admin.display(description=_("allowed pay units"))
    def pay_unit_labels(self, category):
        return "、".join(str(PayUnit(unit).label) for unit in category.pay_units if unit in PayUnit.values)


class EmployerForm(forms.ModelForm):
    contact_phone = PhoneFormField(label=_("contact phone"))  # +86, spaces, full-width digits, as the API takes

    class Meta:
        model = Employer
        fields = ("contact_name", "contact_phone")


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    """Employers sign up themselves, and change their kind, name and credit code through jobs.services (a
    verified employer that does goes back to review): here the city reads them, corrects a contact, and
    verifies or rejects them through the actions."""

    form = EmployerForm
    list_display = ("name", "kind", "contact_name", "verification_status", "created_at")
    list_filter = ("kind", "verification_status")
    search_fields = ("name", "contact_name", "credit_code", "owner__phone")
    fields = ("owner", "kind", "name", "credit_code", "contact_name", "contact_phone", "verification_status",
              "suspended_until", "rating_total", "rating_count")
    readonly_fields = ("owner", "kind", "name", "credit_code", "verification_status", "suspended_until",
                       "rating_total", "rating_count")
    actions = ["verify", "reject"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Verify the selected employers (identity checked)"))
    def verify(self, request, queryset):
        run_service_action(self, request, queryset, services.verify_employer, approve=True)

    @admin.action(description=_("Reject the selected employers' verification"))
    def reject(self, request, queryset):
        run_service_action(self, request, queryset, services.verify_employer, approve=False)


class ServicesOnly:
    """Gigs and assignments change only through the services (posting, taking, check-in, pay), which keep
    the market's rules; in the admin they are read, and acted on through the actions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServicesOnlyAdmin(ServicesOnly, admin.ModelAdmin):
    pass


class AssignmentInline(ServicesOnly, admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ("worker", "status", "accepted_at", "checked_in_at", "checked_out_at")
    readonly_fields = fields


@admin.register(Gig)
class GigAdmin(ServicesOnlyAdmin):
    list_display = ("code", "title", "category", "employer", "center", "headcount", "pay_amount", "pay_unit",
                    "starts_at", "status")
    list_filter = ("status", "hiring_mode", "pay_unit", "center", "category__parent")
    search_fields = ("code", "title", "address", "employer__name")
    date_hierarchy = "starts_at"
    readonly_fields = ("h3_r5", "h3_r7", "h3_r9", "created_at", "updated_at")
    autocomplete_fields = ("employer", "category", "center")
    list_select_related = ("category", "employer", "center")
    inlines = [AssignmentInline]
    actions = ["approve"]

    @admin.action(description=_("Approve the selected posts waiting for review"))
    def approve(self, request, queryset):
        run_service_action(self, request, queryset, services.review_gig, approve=True)


@admin.register(Assignment)
class AssignmentAdmin(ServicesOnlyAdmin):
    list_display = ("gig", "worker", "status", "accepted_at", "checked_in_at", "checked_out_at")
    list_filter = ("status",)
    search_fields = ("gig__code", "gig__title", "worker__display_name")
    autocomplete_fields = ("gig", "worker")
    list_select_related = ("gig", "worker")


@admin.register(WageFloor)
class WageFloorAdmin(admin.ModelAdmin):
    list_display = ("region_code", "area_class", "hourly_minimum", "monthly_minimum", "effective_from",
                    "needs_verification", "source")
    list_filter = ("area_class", "needs_verification")
    search_fields = ("region_code", "source")


@admin.register(Strike)
class StrikeAdmin(ServicesOnlyAdmin):
    """Given by the services (a late cancellation, a no-show) and cleared by the scheduler; they decide a
    suspension, so they are read here, never written."""

    list_display = ("worker", "reason", "created_at", "cleared_at")
    list_filter = ("reason",)
    search_fields = ("worker__display_name",)
    raw_id_fields = ("worker", "assignment")


@admin.register(Compensation)
class CompensationAdmin(ServicesOnlyAdmin):
    """Owed by an employer who cancels late (jobs.services): the amount follows the rules, not a form."""

    list_display = ("assignment", "amount", "reason", "created_at", "settled_at")
    search_fields = ("assignment__gig__code", "assignment__worker__display_name")
    raw_id_fields = ("assignment",)


@admin.register(WageDispute)
class WageDisputeAdmin(ServicesOnlyAdmin):
    """Raised by the worker after the work (jobs.services.dispute_pay); settled through the action."""

    list_display = ("assignment", "amount_claimed", "status", "created_at", "resolved_at")
    list_filter = ("status",)
    search_fields = ("assignment__gig__code", "assignment__worker__display_name", "assignment__gig__employer__name")
    raw_id_fields = ("assignment",)
    actions = ["settle"]

    @admin.action(description=_("Mark the selected disputes as settled"))
    def settle(self, request, queryset):
        run_service_action(self, request, queryset, services.settle_wage_dispute)


@admin.register(Rating)
class RatingAdmin(ServicesOnlyAdmin):
    """Given by each side once the work is complete (jobs.services.rate), which keeps the averages."""

    list_display = ("assignment", "direction", "score", "comment", "created_at")
    list_filter = ("direction", "score")
    raw_id_fields = ("assignment",)


@admin.register(GigMatching)
class GigMatchingAdmin(ServicesOnlyAdmin):
    """The offer waves of a gig, kept by jobs.matching."""

    list_display = ("gig", "waves_sent", "offers_sent", "next_wave_at", "finished_at", "finish_reason")
    list_filter = ("finish_reason",)
    search_fields = ("gig__code",)
    raw_id_fields = ("gig",)


@admin.register(FavouriteWorker)
class FavouriteWorkerAdmin(ServicesOnlyAdmin):
    """An employer's own choice, made in the app."""

    list_display = ("employer", "worker", "created_at")
    raw_id_fields = ("employer", "worker")


@admin.register(ScheduledDuty)
class ScheduledDutyAdmin(ServicesOnlyAdmin):
    """Written by the scheduler as each duty runs."""

    list_display = ("name", "last_run_at", "last_result")
