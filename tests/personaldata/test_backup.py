"""A backup restored gives back every row: SQLite through `backup_db`/`restore_db` (its online backup API),
PostgreSQL through pg_dump and pg_restore as the README's "Backups" section says."""

import os
import shutil
import subprocess

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jobs.models import Assignment, Gig
from notifications.models import Notification
from workers.models import WorkerProfile

from .conftest import People


def every_row() -> dict[str, list]:
    """Every row of every table of the project, as it reads from the database."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        fields = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return rows


def lose_some_data():
    Notification.objects.all().delete()
    Assignment.objects.update(status="cancelled")
    WorkerProfile.objects.update(display_name="?")
    Gig.objects.update(title="?")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup API")
def test_a_sqlite_backup_restores_every_row(center, trade, desk, tmp_path):
    People(center, trade, desk, "a")
    before = every_row()
    backup = tmp_path / "backup.sqlite3"
    call_command("backup_db", str(backup))

    lose_some_data()
    assert every_row() != before
    call_command("restore_db", str(backup))

    assert every_row() == before


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup API")
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all, not even close" * 200)
    with pytest.raises(CommandError):
        call_command("restore_db", str(junk))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.skipif(not (shutil.which("pg_dump") and shutil.which("pg_restore")), reason="needs pg_dump")
def test_a_postgres_dump_restores_every_row(center, trade, desk, tmp_path):
    People(center, trade, desk, "a")
    before = every_row()
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    target = ["--host", settings.get("HOST") or "127.0.0.1", "--port", str(settings.get("PORT") or 5432),
              "--username", settings.get("USER") or "postgres", "--dbname", settings["NAME"]]
    dump = tmp_path / "backup.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), *target], check=True, env=env)

    lose_some_data()
    connection.close()
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *target,
                    str(dump)], check=True, env=env)

    assert every_row() == before
