"""Recompute every pre-aggregated figure from the source tables (after a change of definition, a restore, or a
bulk load that bypassed the services)."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from figures import services


class Command(BaseCommand):
    help = "Recompute the figures of every center and the city, for every day, week, month and quarter."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help="Only the quarters from this day (YYYY-MM-DD) on.")
        parser.add_argument("--to", dest="last", help="Only the quarters up to this day (YYYY-MM-DD).")

    def handle(self, *args, first=None, last=None, **options):
        try:
            first = dt.date.fromisoformat(first) if first else None
            last = dt.date.fromisoformat(last) if last else None
        except ValueError as error:
            raise CommandError(f"Give dates as YYYY-MM-DD: {error}") from error
        started = time.perf_counter()

        def progress(quarter, written):
            if options["verbosity"] > 1:
                self.stdout.write(f"  {quarter:%Y-%m}: {written} rows so far")

        written = services.rebuild(first, last, progress=progress)
        self.stdout.write(f"{written} rows of figures written in {time.perf_counter() - started:.1f} s")
