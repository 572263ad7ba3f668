from django.core.management.base import BaseCommand

from agreements.services import draw_up_missing


class Command(BaseCommand):
    help = ("Draw up the written agreement of every hire made before agreements existed (run once after "
            "deploying; running it again does nothing).")

    def handle(self, *args, **options):
        self.stdout.write(f"agreements drawn up: {draw_up_missing()}")
