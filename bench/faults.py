"""Fault scenarios against a real server: Redis, then PostgreSQL, stopped and started again under it.

`python -m bench.faults` (PostgreSQL and Redis on their usual ports; a database of its own, zero_gig_faults, and
Redis db 12, or BENCH_FAULTS_DATABASE / BENCH_FAULTS_REDIS_DB).

The server reaches PostgreSQL and Redis through TCP relays started here (Relay). Stopping a relay closes its
port and cuts every open connection, which is what the server sees when the service stops or restarts, while
the real PostgreSQL and Redis, shared with other work on the machine, keep running. Each step prints what a
user saw (status, seconds) and the end checks that nothing was lost. Described in docs/faults.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

from . import config
from .server import Server, free_port

DATABASE = os.environ.get("BENCH_FAULTS_DATABASE", "zero_gig_faults")
REDIS_DB = os.environ.get("BENCH_FAULTS_REDIS_DB", "12")
DIRECT_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
PASSWORD = "correct-horse-9"  # the factories' password


class Relay:
    """A TCP relay from a local port to `target`; stop() is the service going away, start() its return."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.port = target, free_port()
        self.listener: socket.socket | None = None
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()

    def start(self) -> Relay:
        self.listener = socket.create_server((config.HOST, self.port), reuse_port=False)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        # shutdown() wakes the accept() blocked in the kernel: close() alone would leave the port listening.
        _cut(self.listener)
        self.listener.close()
        with self.lock:
            for sock in self.open:
                _cut(sock)
                sock.close()
            self.open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _cut(source)
            _cut(sink)


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def prepare() -> dict:
    """A fresh database with a center, a trade, an employer and a worker who does the trade."""
    import psycopg

    with psycopg.connect(config.PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    os.environ.update(DATABASE_URL=DIRECT_URL, DJANGO_SETTINGS_MODULE="zero_gig.settings", DEBUG="1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.factories import EmployerFactory, ServiceCenterFactory, TradeFactory, WageFloorFactory, WorkerFactory
    from workers.models import WorkerTrade

    WageFloorFactory()
    ServiceCenterFactory()
    trade = TradeFactory()
    employer, worker = EmployerFactory(), WorkerFactory()
    WorkerTrade.objects.create(worker=worker, category=trade, years_experience=5)
    from django.db import connections

    connections.close_all()
    return {"employer": employer.owner.phone, "worker": worker.user.phone}


def call(base: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
    """One request: status, seconds, content type and body (JSON when it is)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, kind, raw = response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        status, kind, raw = error.code, error.headers.get("Content-Type", ""), error.read()
    seconds = round(time.monotonic() - started, 3)
    parsed = json.loads(raw) if kind.startswith("application/json") and raw else None
    return {"status": status, "seconds": seconds, "type": kind.split(";")[0], "body": parsed}


def step(results: list, name: str, answer: dict, expected: int) -> dict:
    ok = answer["status"] == expected
    results.append({"step": name, "status": answer["status"], "seconds": answer["seconds"], "ok": ok})
    print(f"{'ok ' if ok else 'BAD'} {name:<58} {answer['status']} {answer['seconds']:6.3f} s", flush=True)
    return answer


def gig_body() -> dict:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)
    return {"trade": "labourer", "title": "卸一车水泥（故障演练）", "headcount": 2, "pay_amount": "30.00",
            "pay_unit": "hour", "address": "王益区红旗街（测试）", "latitude": 35.0700, "longitude": 109.0760,
            "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=4)).isoformat()}


def scenario(base: str, people: dict, postgres: Relay, redis: Relay) -> list:
    results: list = []

    def login(who: str) -> str | None:
        answer = step(results, f"{who} signs in", call(base, "POST", "/api/auth/login/",
                                                        {"phone": people[who], "password": PASSWORD}), 200)
        return (answer["body"] or {}).get("token")

    employer, worker = login("employer"), login("worker")

    print("-- Redis stopped", flush=True)
    redis.stop()
    worker = login("worker") or worker  # the per-address limit counts in the database
    step(results, "worker asks for a sign-in code", call(base, "POST", "/api/auth/sms-code/",
                                                          {"phone": "13900009999", "purpose": "signup"}), 202)
    gig = step(results, "employer posts a gig", call(base, "POST", "/api/gigs/", gig_body(), employer), 201)["body"]
    step(results, "worker takes it", call(base, "POST", f"/api/gigs/{gig['id']}/accept/", None, worker), 200)
    step(results, "/healthz says the channel layer is down", call(base, "GET", "/healthz"), 503)

    print("-- Redis started again", flush=True)
    redis.start()
    inbox = step(results, "employer's inbox", call(base, "GET", "/api/notifications/", None, employer), 200)
    kinds = [row["kind"] for row in (inbox["body"] or {}).get("results", [])]
    results.append({"step": "the acceptance is in the employer's inbox", "ok": "accepted" in kinds})
    print(f"{'ok ' if 'accepted' in kinds else 'BAD'} the acceptance waited in the inbox: {kinds}", flush=True)

    print("-- PostgreSQL stopped", flush=True)
    postgres.stop()
    for path in ("/api/gigs/nearby/?latitude=35.07&longitude=109.07", f"/api/gigs/{gig['id']}/"):
        answer = step(results, f"GET {path[:40]}", call(base, "GET", path, None, worker), 503)
        results[-1]["ok"] &= answer["type"] == "application/json" and answer["seconds"] < 10
    step(results, "POST /api/auth/login/", call(base, "POST", "/api/auth/login/",
                                                {"phone": people["worker"], "password": PASSWORD}), 503)
    page = step(results, "GET /gigs/ (a page)", call(base, "GET", "/gigs/"), 503)
    results[-1]["ok"] &= page["type"] == "text/html"

    print("-- PostgreSQL started again (the server is not restarted)", flush=True)
    postgres.start()
    back = time.monotonic()
    while call(base, "GET", f"/api/gigs/{gig['id']}/", None, worker)["status"] != 200:
        if time.monotonic() - back > 60:
            break
        time.sleep(0.2)
    recovered = round(time.monotonic() - back, 3)
    ok = recovered < 60
    results.append({"step": "recovered without a restart", "seconds": recovered, "ok": ok})
    print(f"{'ok ' if ok else 'BAD'} recovered without a restart in {recovered} s", flush=True)
    mine = step(results, "the gig and its taker are all there", call(base, "GET", f"/api/gigs/{gig['id']}/", None,
                                                                      employer), 200)["body"]
    results[-1]["ok"] &= mine["slots_left"] == 1
    return results


def main() -> None:
    people = prepare()
    postgres, redis = Relay(("127.0.0.1", 5432)).start(), Relay(("127.0.0.1", 6379)).start()
    server = Server({"DATABASE_URL": f"postgres://postgres@127.0.0.1:{postgres.port}/{DATABASE}"}, workers=1)
    server.env.update(REDIS_URL=f"redis://127.0.0.1:{redis.port}/{REDIS_DB}", CHANNEL_PREFIX="zero_gig_faults")
    with server:
        results = scenario(server.base_url, people, postgres, redis)
    failed = [result["step"] for result in results if not result["ok"]]
    print(json.dumps({"steps": len(results), "failed": failed}, ensure_ascii=False))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
