from django.contrib import admin

from .models import Case, Report


class ReportInline(admin.TabularInline):
    model = Report
    fields = ("worker", "reason", "text", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases are decided in the staff console, where the decision is audited."""

    list_display = ("gig", "cause", "status", "opened_at", "held_at", "decided_at", "employer_action")
    list_filter = ("status", "cause")
    inlines = [ReportInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
