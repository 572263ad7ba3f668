from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from jobs.exceptions import Conflict
from jobs.models import Category

from .models import IdentityClaim, WorkerProfile, WorkerTrade
from .services import ClaimDecision, resolve_identity_claim, verify_worker_identity


class WorkerTradeInline(admin.TabularInline):
    model = WorkerTrade
    extra = 0
    autocomplete_fields = ("category",)
    # A verified skill is set only by programs.services.mark_completed, for a course the worker completed.
    readonly_fields = ("verified_at", "verified_by_course")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":  # a trade, not a group of trades, as workers.services allows
            kwargs["queryset"] = Category.objects.filter(parent__isnull=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _report(modeladmin, request, done: int, refused: list[str]) -> None:
    if done:
        modeladmin.message_user(request, _("%(n)s done.") % {"n": done}, messages.SUCCESS)
    for reason in refused:
        modeladmin.message_user(request, reason, messages.WARNING)


@admin.register(WorkerProfile)
class WorkerProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "availability", "real_name_status", "id_number_masked",
                    "registered_at_center", "has_smartphone", "created_at")
    list_filter = ("real_name_status", "availability", "has_smartphone", "registered_at_center")
    search_fields = ("display_name", "user__phone", "user__name")
    # Workers register themselves or at a center's counter (workers.services), which take their consent and
    # their ID number; the real-name check and the strikes' suspension are the services' too.
    readonly_fields = ("user", "real_name_status", "id_number_masked", "birth_year", "suspended_until",
                       "h3_r5", "h3_r7", "h3_r9", "created_at", "updated_at")
    list_select_related = ("registered_at_center",)
    inlines = [WorkerTradeInline]
    actions = ["verify_identity"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Verify the real name (ID card checked in person)"))
    def verify_identity(self, request, queryset):
        done, refused = 0, []
        for worker in queryset:
            try:
                verify_worker_identity(worker, actor=request.user)
                done += 1
            except (Conflict, PermissionDenied) as error:
                refused.append(f"{worker}: {getattr(error, 'message', error)}")
        _report(self, request, done, refused)


@admin.register(IdentityClaim)
class IdentityClaimAdmin(admin.ModelAdmin):
    """Claims are opened by the services and settled by the actions, which check the staff member's centers."""

    list_display = ("claimant", "holder", "id_number_masked", "center", "status", "created_at", "resolved_at")
    list_filter = ("status", "center")
    list_select_related = ("claimant", "holder", "center")
    readonly_fields = ("claimant", "holder", "center", "id_number_masked", "birth_year", "status", "created_at",
                       "resolved_at", "resolved_by", "note")
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _resolve(self, request, queryset, decision):
        done, refused = 0, []
        for claim in queryset:
            try:
                resolve_identity_claim(claim, actor=request.user, decision=decision,
                                       note=str(_("Settled in the admin.")))
                done += 1
            except (Conflict, PermissionDenied) as error:
                refused.append(f"{claim}: {getattr(error, 'message', error)}")
        _report(self, request, done, refused)

    @admin.action(description=_("Approve: the claimant showed the ID card, move the number to them"))
    def approve(self, request, queryset):
        self._resolve(request, queryset, ClaimDecision.APPROVE)

    @admin.action(description=_("Reject the selected claims"))
    def reject(self, request, queryset):
        self._resolve(request, queryset, ClaimDecision.REJECT)
