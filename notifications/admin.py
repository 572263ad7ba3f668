from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "user", "center", "created_at", "read_at")
    list_filter = ("kind", "center")
    search_fields = ("user__name", "user__phone")
    raw_id_fields = ("user",)
    list_select_related = ("user", "center")

    # Written by the services as things happen (a review, an answer, a claim settled): a notice added or
    # changed here would tell someone of a decision nobody took.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
