"""`manage.py backup_db PATH`: a consistent copy of the SQLite database, taken with SQLite's online backup API
while the site runs (readers and writers go on; the copy is one moment of the database, WAL included).

For PostgreSQL use pg_dump (see README, "Backups"); this command says so instead of copying.
"""

import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def sqlite_path(alias: str = "default") -> str:
    settings_dict = connections[alias].settings_dict
    if settings_dict["ENGINE"] != "django.db.backends.sqlite3":
        raise CommandError("This database is not SQLite: back PostgreSQL up with pg_dump (README, \"Backups\").")
    return str(settings_dict["NAME"])


def copy_sqlite(source: str, target: str) -> None:
    """Page by page through the backup API, so a busy database is copied without being locked for long."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst, pages=1024)
    # `with` commits but does not close
    src.close()
    dst.close()


class Command(BaseCommand):
    help = "Copy the SQLite database to PATH with SQLite's backup API (PostgreSQL: use pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the copy (an existing file is replaced).")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, database, **options):
        source = sqlite_path(database)
        target = Path(path)
        if target.resolve() == Path(source).resolve():
            raise CommandError("The backup cannot overwrite the database itself.")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        copy_sqlite(source, str(target))
        self.stdout.write(f"Backed up {source} to {target}")
