from django.contrib import admin

from .models import CenterStaff, ServiceCenter


class CenterStaffInline(admin.TabularInline):
    model = CenterStaff
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(ServiceCenter)
class ServiceCenterAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "parent", "region_code", "opening_hours", "contact_phone", "is_demo", "is_active")
    list_filter = ("level", "is_demo", "is_active", "region_code")
    search_fields = ("name", "address", "region_code")
    readonly_fields = ("h3_r5", "h3_r7", "h3_r9", "created_at", "updated_at")
    inlines = [CenterStaffInline]


@admin.register(CenterStaff)
class CenterStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "center", "role", "since")
    list_filter = ("role", "center")
    search_fields = ("user__name", "user__phone", "center__name")
    autocomplete_fields = ("user", "center")
