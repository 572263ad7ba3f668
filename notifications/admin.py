from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "user", "center", "created_at", "read_at")
    list_filter = ("kind", "center")
    search_fields = ("user__name", "user__phone")
    raw_id_fields = ("user",)
    list_select_related = ("user", "center")
