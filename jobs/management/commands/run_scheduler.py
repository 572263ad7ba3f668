import signal
import time

from django.core.management.base import BaseCommand

from jobs.scheduler import run_forever


class Command(BaseCommand):
    help = "Run the market's background duties (expire gigs, mark no-shows, clear strikes) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=15.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="run what is due once and exit")

    def handle(self, *args, tick, once, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))

        def wait(seconds: float) -> bool:
            """Sleep, waking to stop at once when asked; False when asked to stop."""
            deadline = time.monotonic() + seconds
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.5)
            return not stopping

        def report(done: dict[str, int]) -> None:
            self.stdout.write("scheduler: " + ", ".join(f"{name} {count}" for name, count in done.items()))

        if not stopping:
            run_forever(tick=tick, wait=wait, report=report, once=once)
