from django.contrib import admin

from .models import FeeWord, MarketRate, WageGuide


@admin.register(WageGuide)
class WageGuideAdmin(admin.ModelAdmin):
    list_display = ("trade", "pay_unit", "region_code", "low", "median", "high", "effective_from", "is_demo",
                    "source")
    list_filter = ("pay_unit", "is_demo", "region_code")
    search_fields = ("trade__name", "trade__code", "source")
    list_select_related = ("trade",)


@admin.register(MarketRate)
class MarketRateAdmin(admin.ModelAdmin):
    """Rebuilt by the scheduler from the gigs: read only here."""

    list_display = ("trade", "pay_unit", "region_code", "window_days", "gigs", "p25", "median", "p75", "computed_at")
    list_filter = ("window_days", "pay_unit", "region_code")
    list_select_related = ("trade",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FeeWord)
class FeeWordAdmin(admin.ModelAdmin):
    list_display = ("word", "kind", "is_active", "note", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("word", "note")
