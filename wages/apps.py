from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagesConfig(AppConfig):
    name = "wages"
    verbose_name = _("Wage guidance")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from jobs.models import WageFloor

        from .models import MarketRate, WageGuide
        from .services import wage_tables_changed

        # Saves and deletes one by one (the admin, the guide import, the minimum wages' seeding). Not MarketRate's
        # deletes: a receiver would stop its bulk delete being one statement; refresh_market_rates says it itself.
        for model in (WageGuide, WageFloor, MarketRate):
            post_save.connect(wage_tables_changed, sender=model, dispatch_uid=f"wage-tables-{model.__name__}")
        for model in (WageGuide, WageFloor):
            post_delete.connect(wage_tables_changed, sender=model, dispatch_uid=f"wage-tables-del-{model.__name__}")
