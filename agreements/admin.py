from django.contrib import admin

from .models import Acceptance, Agreement


class ReadOnly(admin.ModelAdmin):
    """Agreements are drawn up and accepted only through the services, and never changed: read only here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(ReadOnly):
    list_display = ("number", "created_at", "content_hash")
    search_fields = ("number",)


@admin.register(Acceptance)
class AcceptanceAdmin(ReadOnly):
    list_display = ("agreement", "party", "channel", "accepted_at", "center")
    list_filter = ("party", "channel")
