"""manage.py refresh_market_rates: rebuild the market rates now (the scheduler does it every hour)."""

from django.core.management.base import BaseCommand

from wages.services import refresh_market_rates


class Command(BaseCommand):
    help = "Rebuild the market rates (count, p25, median, p75 per trade, unit and area) from the last 30 and 90 days."

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(f"Market rates: {refresh_market_rates()} rows."))
