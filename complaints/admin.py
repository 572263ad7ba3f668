from django.contrib import admin

from zero_gig.admin import ReadOnlyAdmin

from .models import Complaint, ComplaintStep, Evidence, PayReminder


class StepInline(admin.TabularInline):
    model = ComplaintStep
    extra = 0
    can_delete = False
    readonly_fields = ("event", "actor", "actor_role", "at", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    """Read-only: staff take the steps in the console, where each is checked, timed and audited."""

    list_display = ("pk", "center", "employer", "amount_claimed", "status", "filed_at", "resolve_by")
    list_filter = ("status", "center")
    inlines = [StepInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("complaint", "content_type", "size", "uploaded_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(PayReminder)
class PayReminderAdmin(ReadOnlyAdmin):
    """Sent once per assignment by the scheduler: a row added here would stop the real reminder."""

    list_display = ("assignment", "sent_at")
