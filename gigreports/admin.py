from django.contrib import admin

from zero_gig.admin import ReadOnlyAdmin

from .models import Case, Report


class ReportInline(admin.TabularInline):
    model = Report
    fields = ("worker", "reason", "text", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read-only: cases are decided in the staff console, where the decision is audited."""

    list_display = ("gig", "cause", "status", "opened_at", "held_at", "decided_at", "employer_action")
    list_filter = ("status", "cause")
    inlines = [ReportInline]


