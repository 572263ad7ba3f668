"""`manage.py restore_db PATH`: put a backup made by `backup_db` back as the SQLite database.

The backup is checked first (SQLite's integrity check, and it must hold Django's migration table), then copied
over the live database with the same backup API, so the file stays valid even for processes that hold it open.
Stop the site and the scheduler before restoring: requests in flight would write to the old data.
"""

import sqlite3

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from .backup_db import copy_sqlite, sqlite_path


class Command(BaseCommand):
    help = "Replace the SQLite database with a backup made by backup_db (stop the site first)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, database, **options):
        target = sqlite_path(database)
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as backup:
                (check,) = backup.execute("PRAGMA integrity_check").fetchone()
                backup.execute("SELECT 1 FROM django_migrations LIMIT 1").fetchall()
            backup.close()
        except sqlite3.Error as error:
            raise CommandError(f"{path} is not a usable backup: {error}") from None
        if check != "ok":
            raise CommandError(f"{path} is damaged: {check}")
        connections[database].close()  # this process's connection must not keep the old pages
        copy_sqlite(path, target)
        self.stdout.write(f"Restored {target} from {path}")
