"""Scale-out: two ASGI server processes sharing PostgreSQL and Redis. A worker connected to the first hears the
offer for a gig posted through the second. Runs on the PostgreSQL + Redis pass of CI."""

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from websockets.sync.client import connect

from accounts.services import issue_api_token
from tests.factories import EmployerFactory, ServiceCenterFactory, TradeFactory, WageFloorFactory, WorkerFactory
from workers.models import WorkerTrade

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL or connection.vendor != "postgresql",
                       reason="needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    db = connection.settings_dict
    env = {**os.environ, "DEBUG": "1", "REDIS_URL": settings.REDIS_URL,
           "CHANNEL_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    return subprocess.Popen([sys.executable, "-m", "uvicorn", "zero_gig.asgi:application", "--host", "127.0.0.1",
                             "--port", str(port), "--lifespan", "off", "--log-level", "warning"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_healthy(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(server.stderr.read().decode())
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if json.load(response)["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"server on {port} did not become healthy")


@pytest.fixture
def two_servers():
    ports = [free_port(), free_port()]
    servers = [start_server(port) for port in ports]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_healthy(port, server)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)


def test_an_offer_posted_through_one_process_reaches_a_worker_on_the_other(two_servers):
    first, second = two_servers
    WageFloorFactory()
    ServiceCenterFactory()
    trade = TradeFactory()
    worker = WorkerFactory(latitude=35.0700, longitude=109.0756)
    WorkerTrade.objects.create(worker=worker, category=trade)
    employer = EmployerFactory()
    worker_key = issue_api_token(worker.user)[1]
    employer_key = issue_api_token(employer.owner)[1]

    with connect(f"ws://127.0.0.1:{first}/ws/worker/",
                 additional_headers={"Authorization": f"Bearer {worker_key}"}, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "pong"}  # joined its group on the first process
        start = timezone.now() + dt.timedelta(hours=3)
        body = json.dumps({"trade": trade.code, "title": "急招小工", "headcount": 1, "pay_amount": "200",
                           "pay_unit": "day", "address": "王益区", "latitude": 35.069, "longitude": 109.0756,
                           "starts_at": start.isoformat(),
                           "ends_at": (start + dt.timedelta(hours=8)).isoformat()}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{second}/api/gigs/", data=body, method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {employer_key}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
            gig = json.load(response)
        offer = json.loads(ws.recv(timeout=10))
    assert offer["kind"] == "offer" and offer["payload"]["gig"]["id"] == gig["id"]
