from django.contrib import admin

from zero_gig.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read only: the log is written by the services, never edited."""

    list_display = ("at", "actor", "actor_role", "center", "action", "target_label")
    list_filter = ("action", "center", "actor_role")
    date_hierarchy = "at"
    list_select_related = ("actor", "center")


