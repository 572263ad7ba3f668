from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: the log is written by the services, never edited."""

    list_display = ("at", "actor", "actor_role", "center", "action", "target_label")
    list_filter = ("action", "center", "actor_role")
    date_hierarchy = "at"
    list_select_related = ("actor", "center")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
