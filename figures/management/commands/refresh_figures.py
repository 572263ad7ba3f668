"""Recompute the figures around the days marked as changed (what the scheduler does every 5 minutes)."""

from django.core.management.base import BaseCommand

from figures import services


class Command(BaseCommand):
    help = "Recompute the figures of the periods around the days whose facts changed."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.refresh()} changed days refreshed")
