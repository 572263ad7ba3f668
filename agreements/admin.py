from django.contrib import admin

from zero_gig.admin import ReadOnlyAdmin

from .models import Acceptance, Agreement


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("number", "created_at", "content_hash")
    search_fields = ("number",)


@admin.register(Acceptance)
class AcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "party", "channel", "accepted_at", "center")
    list_filter = ("party", "channel")
