from django.contrib import admin

from .models import WorkerProfile, WorkerTrade


class WorkerTradeInline(admin.TabularInline):
    model = WorkerTrade
    extra = 0
    autocomplete_fields = ("category",)


@admin.register(WorkerProfile)
class WorkerProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "availability", "real_name_status", "id_number_masked",
                    "registered_at_center", "has_smartphone", "created_at")
    list_filter = ("real_name_status", "availability", "has_smartphone", "registered_at_center")
    search_fields = ("display_name", "user__phone", "user__name")
    readonly_fields = ("id_number_masked", "birth_date", "h3_r5", "h3_r7", "h3_r9", "created_at", "updated_at")
    autocomplete_fields = ("user",)
    list_select_related = ("registered_at_center",)
    inlines = [WorkerTradeInline]
