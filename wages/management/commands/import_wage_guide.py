"""manage.py import_wage_guide FILE.csv [--partial]: load the wage guide (工资指导价) from a CSV file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from wages.services import GUIDE_COLUMNS, import_wage_guide


class Command(BaseCommand):
    help = ("Import the wage guide from a CSV file with the columns " + ",".join(GUIDE_COLUMNS) + ". Every row is "
            "checked first: if any is bad, the bad rows are listed by line and nothing changes (unless --partial).")

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)
        parser.add_argument("--partial", action="store_true",
                            help="import the good rows even if some are bad (the bad ones are listed)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, csv_file: Path, partial: bool, no_progress: bool, **options):
        try:
            text = csv_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{csv_file}: {error}") from None
        lines = text.splitlines(keepends=True)
        rows = max(0, len(lines) - 1)

        def progress(reader):
            return tqdm(reader, total=rows, unit="row", desc="wage guide", file=self.stderr._out,
                        disable=no_progress)

        report = import_wage_guide(lines, partial=partial, progress=progress)
        for error in report.errors:
            self.stderr.write(f"{csv_file}: {error}")
        if report.errors and not partial:
            raise CommandError(f"{len(report.errors)} error(s); the wage guide is unchanged. "
                               "Fix the rows above, or import the good rows alone with --partial.")
        self.stdout.write(self.style.SUCCESS(
            f"Wage guide: {report.created} line(s) added, {report.updated} replaced"
            + (f", {len(report.errors)} error(s) skipped" if report.errors else "") + "."))
