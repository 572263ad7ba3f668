"""SQLite reached through DATABASE_URL: thirty workers accepting one gig at once get their slots or a 409, never a
500 "database is locked". The burst runs in its own process, against its own file, as a deployment would."""

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACCEPTS = 30
HEADCOUNT = 5


def burst() -> Counter:
    """Make a fresh database, then let `ACCEPTS` workers accept one gig over HTTP in threads, released together;
    returns how many got each status code."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.services import issue_api_token
    from tests.factories import GigFactory, WageFloorFactory, WorkerFactory
    from workers.models import WorkerTrade

    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as in tests/conftest.py
    WageFloorFactory()
    gig = GigFactory(headcount=HEADCOUNT)
    keys = []
    for _ in range(ACCEPTS):
        worker = WorkerFactory()
        WorkerTrade.objects.create(worker=worker, category=gig.category)
        keys.append(issue_api_token(worker.user)[1])
    connection.close()
    barrier = threading.Barrier(ACCEPTS)
    statuses = Counter()

    def accept(key: str) -> None:
        client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {key}")
        barrier.wait(timeout=30)
        try:
            statuses[client.post(f"/api/gigs/{gig.pk}/accept/").status_code] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_thirty_workers_accepting_at_once_on_a_sqlite_database_url_get_a_slot_or_a_409(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SQLITE_PATH"}}
    code = ("import django, json; django.setup(); from tests.jobs.test_contention_sqlite import burst; "
            "print(json.dumps(burst()))")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**env, "DEBUG": "1", "LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "zero_gig.settings",
             "DATABASE_URL": f"sqlite:///{tmp_path / 'burst.sqlite3'}"})
    assert result.returncode == 0, result.stderr[-3000:]
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert statuses == {"200": HEADCOUNT, "409": ACCEPTS - HEADCOUNT}, result.stderr[-3000:]
