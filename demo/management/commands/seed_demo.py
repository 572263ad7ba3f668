from django.core.management.base import BaseCommand

from demo.tongchuan import DEMO_PASSWORD, LOGINS, load_demo


class Command(BaseCommand):
    help = "Load the Tongchuan demo (centers, trades, employers, workers, gigs). Safe to run twice."

    def handle(self, *args, **options):
        counts = load_demo()
        summary = ", ".join(f"{name} {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Tongchuan demo loaded: {summary}"))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for role, phone in LOGINS.items():
            self.stdout.write(f"  {role:13} {phone}")
