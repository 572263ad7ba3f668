"""A market morning for locust (issue 13): `python -m bench.load` runs it; alone, `locust -f bench/locustfile.py`
with LOAD_POPULATION naming the people bench.load wrote (bench/results/load-population.json).

- Workers (most people): the feed near home in their trade (`GET /api/gigs/nearby/`, page 2 sometimes), a gig's
  detail, taking an instant gig, cancelling one taken a minute ago (free within FREE_CANCEL_MINUTES), checking in
  at today's gig (by location, a reading near the exact site with its accuracy, or by the site's code when its
  employer has shown it), checking out once it has started, the inbox. Those bench.load marked keep the worker
  socket open and take the offers it brings (every employer has them as favourites: the first wave reaches them).
- Employers: post an instant gig (headcount 2–10, starting in 2–10 minutes, a few hundred metres from a worker
  whose app is open, in that worker's trade: the first wave is theirs to take), list their gigs, look at who
  took one, show the site's check-in code, read the inbox; each keeps the employer socket open.
- Staff (one per center): the center's board socket, the matching board and today's hall over the API.
- Hall screens (one per center, no login): the screen's socket, and the screen's list read again after each
  event, one read at a time, as frontend/static/frontend/screen.js does.

Requests are named by route (`GET /api/gigs/{id}/`). A 409 the app owes in a busy market (no slots left, the
gig has started, already taken at that time) is a correct answer: it is counted as a success under its own
name (`… → 409 no_slots_left`); any other 4xx, a 5xx or a socket error is a failure. Socket events are
locust events too (type WS): the first-wave offer on a worker socket, the wave line on the employer socket and
the board line on the staff socket, each from the start of the POST that caused it; and the "accepted" line on
the employer socket from the start of the worker's accept. At the end, LOAD_COUNTS (a JSON file) gets who
was started, with and without a socket, and the frames each kind of socket received.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import math
import os
import random
import re
import time
import uuid
from collections import Counter
from pathlib import Path

import gevent
import websocket
from locust import FastHttpUser, between, constant, events, task

POPULATION = json.loads(Path(os.environ["LOAD_POPULATION"]).read_text())
CST = dt.timezone(dt.timedelta(hours=8))
CHECK_IN_OPENS = dt.timedelta(minutes=60)  # rules: CHECK_IN_OPENS_MINUTES
FREE_CANCEL = dt.timedelta(minutes=4)  # within the rules' FREE_CANCEL_MINUTES (5), with a margin
# 409s a busy market owes a worker (jobs.services): someone else was faster, the gig started, or the worker's own
# other gig overlaps (the feed does not know the worker's day).
EXPECTED_CONFLICTS = {"no_slots_left", "not_open", "started", "overlap", "already_responded"}

workers = itertools.cycle(POPULATION["workers"])
employers = itertools.cycle(POPULATION["employers"])
staff_members = itertools.cycle(POPULATION["staff"])
screens = itertools.cycle(POPULATION["centers"])
trades = {int(k): v for k, v in POPULATION["trades"].items()}
free_listeners: dict[int, dict] = {}  # worker user id → worker, for workers with the socket open and no gig today
site_codes: dict[int, str] = {}  # gig id → the code its employer's phone shows now
frames = Counter()  # (socket, kind) → frames received
people = Counter()  # kind of person (and socket) → how many were started
rematched: set[int] = set()  # gigs whose matching may start again (a slot freed): their later offers are not timed


def fire(name: str, started: float, exception: Exception | None = None) -> None:
    """A socket event for locust's figures: its time since `started`, failed if `exception`."""
    events.request.fire(request_type="WS", name=name, response_time=(time.monotonic() - started) * 1000,
                        response_length=0, exception=exception, context={})


class Pairs:
    """Times an event from its cause when either may be seen first (a frame can arrive before the reply that
    names it). `many`: one cause, many effects (a post's offers to several workers). Entries left unpaired are
    dropped after five minutes."""

    def __init__(self, name: str, many: bool = False):
        self.name, self.many, self.causes, self.effects, self.kept = name, many, {}, {}, 0

    def cause(self, key, at: float) -> None:
        seen = self.effects.pop(key, ())
        for arrived in seen:
            self._fire(arrived - at)
        if self.many or not seen:
            self._keep(self.causes, key, at)

    def effect(self, key, at: float) -> None:
        if key in self.causes:
            self._fire(at - (self.causes[key] if self.many else self.causes.pop(key)))
        else:
            self._keep(self.effects, key, [*self.effects.get(key, ()), at])

    def _fire(self, seconds: float) -> None:
        events.request.fire(request_type="WS", name=self.name, response_time=seconds * 1000, response_length=0,
                            exception=None, context={})

    def _keep(self, store: dict, key, value) -> None:
        store[key] = value
        self.kept += 1
        if self.kept % 1000 == 0:
            old = time.monotonic() - 300
            for stale in [k for k, v in store.items() if (v if isinstance(v, float) else v[-1]) < old]:
                del store[stale]


offer_timing = Pairs("offer on the worker socket (from POST /api/gigs/ start)", many=True)
wave_timing = Pairs("wave line on the employer socket (from POST /api/gigs/ start)")
board_timing = Pairs("board line on the staff socket (from POST /api/gigs/ start)")
accepted_timing = Pairs("accepted line on the employer socket (from the accept's start)")


class Socket:
    """A WebSocket held by a user (websocket-client, cooperative under gevent), read by a greenlet of its own:
    each event frame goes to `on_event`. Connecting is a locust request; a socket the server closes, or that
    breaks, is a failure, and the client connects again after a second, as the app's pages do."""

    def __init__(self, user, path: str, on_event, token: str | None = None):
        self.user, self.path, self.on_event, self.token = user, path, on_event, token
        self.name = re.sub(r"/\d+/", "/{id}/", path)
        self.ws, self.greenlet, self.stopping, self.last_seq = None, None, False, None

    def open(self) -> None:
        self.greenlet = gevent.spawn(self._run)

    def _connect(self) -> bool:
        started = time.monotonic()
        url = self.user.host.replace("http", "ws", 1) + self.path
        try:
            headers = [f"Authorization: Bearer {self.token}"] if self.token else []
            self.ws = websocket.create_connection(url, header=headers, timeout=30)
            self.ws.settimeout(None)
        except Exception as error:  # noqa: BLE001 — any failure to connect is the request's failure
            fire(f"WS connect {self.name}", started, exception=error)
            return False
        fire(f"WS connect {self.name}", started)
        return True

    def _run(self) -> None:
        while not self.stopping:
            if not self._connect():
                gevent.sleep(1)
                continue
            self.last_seq = None
            started = time.monotonic()
            try:
                while not self.stopping:
                    opcode, data = self.ws.recv_data()
                    if opcode == websocket.ABNF.OPCODE_CLOSE:
                        code = int.from_bytes(data[:2], "big") if len(data) >= 2 else "no code"
                        raise websocket.WebSocketConnectionClosedException(f"closed by the server ({code})")
                    self._frame(json.loads(data), time.monotonic())
            except Exception as error:  # noqa: BLE001
                if not self.stopping:
                    fire(f"WS {self.name} dropped", started, exception=error)
                    gevent.sleep(1)

    def _frame(self, frame: dict, at: float) -> None:
        if frame.get("type") != "event":
            frames[(self.name, frame.get("type"))] += 1
            return
        frames[(self.name, frame["kind"])] += 1
        seq = frame["seq"]
        if self.last_seq is not None and seq != self.last_seq + 1:
            fire(f"WS {self.name} event order", at, exception=ValueError(f"seq {seq} after {self.last_seq}"))
        self.last_seq = seq
        self.on_event(frame["kind"], frame["payload"], at)

    def close(self) -> None:
        """Stop reading first (one greenlet reads a socket at a time), then close the socket properly."""
        self.stopping = True
        if self.greenlet is not None:
            self.greenlet.kill(block=True, timeout=2)
        if self.ws is not None:
            with contextlib.suppress(Exception):  # a socket that is broken already
                self.ws.close(timeout=2)


class Person(FastHttpUser):
    abstract = True

    def on_start(self):
        people[type(self).__name__] += 1

    def auth(self, token: str) -> None:
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN"}

    def call(self, method: str, path: str, name: str, expected=(200,), conflicts=(), headers=None, **kwargs):
        """One request, named by its route; returns the body of an expected answer (JSON read), else None.
        A 409 whose code is in `conflicts` is a success counted under `name → 409 code`."""
        with self.client.request(method, path, name=name, headers={**self.headers, **(headers or {})},
                                 catch_response=True, **kwargs) as response:
            if response.status_code in expected:
                response.success()
                json_body = response.headers.get("Content-Type", "").startswith("application/json")
                return response.json() if json_body else response.text
            code = ""
            if response.status_code == 409:
                with contextlib.suppress(ValueError):
                    code = response.json().get("code", "")
                if code in conflicts:
                    response.request_meta["name"] = f"{name} → 409 {code}"
                    response.success()
                    return None
            if response.status_code == 0:  # no answer: the connection failed or timed out
                error = response.request_meta["exception"] or getattr(response, "error", None)
                response.failure(f"no answer: {error!r}")
            else:
                response.failure(f"{response.status_code} {code or (response.text or '')[:120]}")
            return None


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _near(lat: float, lng: float, metres_low: float, metres_high: float) -> tuple[float, float]:
    """A point `metres_low`–`metres_high` from (lat, lng) in a random direction."""
    metres, angle = random.uniform(metres_low, metres_high), random.uniform(0, 2 * math.pi)
    return (round(lat + metres * math.cos(angle) / 111_000, 6),
            round(lng + metres * math.sin(angle) / (111_000 * math.cos(math.radians(lat))), 6))


class Worker(Person):
    weight = 12
    wait_time = between(1, 5)

    def on_start(self):
        super().on_start()
        self.me = next(workers)
        self.auth(self.me["token"])
        self.trade = trades[self.me["trade"]]["code"]
        self.seen: list[dict] = []  # gigs of the last feed page
        self.mine: dict[int, dict] = {}  # assignment id → its state, from the answers
        self.offers: list[int] = []  # gig ids offered on the socket, newest last
        self.socket = None
        if self.me["socket"]:
            people["Worker with the socket"] += 1
            self.socket = Socket(self, "/ws/worker/", self.on_event, self.me["token"])
            self.socket.open()
            free_listeners[self.me["user"]] = self.me

    def on_stop(self):
        free_listeners.pop(self.me["user"], None)
        if self.socket:
            self.socket.close()

    def on_event(self, kind: str, payload: dict, at: float) -> None:
        if kind == "offer":
            gig = payload["gig"]["id"]
            if payload.get("wave") == 1 and gig not in rematched:
                offer_timing.effect(gig, at)
            self.offers.append(gig)

    # --- what a worker does next: today's gig first, then an offer, then the feed ---------------------

    @task
    def next_step(self):
        now = dt.datetime.now(CST)
        for assignment_id, a in list(self.mine.items()):
            if a["status"] == "accepted" and a["starts_at"] - CHECK_IN_OPENS <= now < a["ends_at"]:
                return self.check_in(assignment_id, a)
            if a["status"] == "checked_in" and now >= a["starts_at"] + dt.timedelta(seconds=random.uniform(5, 60)):
                return self.check_out(assignment_id, a)
        if self.offers and random.random() < 0.8:
            return self.accept(self.offers.pop(), offered=True)
        step = random.choices((self.feed, self.open_gig, self.take_gig, self.cancel, self.inbox),
                              weights=(8, 5, 3, 1, 2))[0]
        step()

    def feed(self):
        params = {"latitude": self.me["lat"], "longitude": self.me["lng"], "trades": self.trade}
        page = self.call("GET", "/api/gigs/nearby/", "GET /api/gigs/nearby/", params=params)
        if page is None:
            return
        self.seen = page["results"]
        if page.get("next_cursor") and random.random() < 0.3:
            more = self.call("GET", "/api/gigs/nearby/", "GET /api/gigs/nearby/ (page 2)",
                             params={**params, "cursor": page["next_cursor"]})
            if more:
                self.seen += more["results"]

    def open_gig(self):
        if not self.seen:
            return self.feed()
        gig = random.choice(self.seen)
        self.call("GET", f"/api/gigs/{gig['id']}/", "GET /api/gigs/{id}/",
                  params={"latitude": self.me["lat"], "longitude": self.me["lng"]})

    def _clashes(self, gig: dict) -> bool:
        """The worker's own day: a gig overlapping one already taken is not tried."""
        starts, ends = _when(gig["starts_at"]), _when(gig["ends_at"])
        return any(a["status"] in ("accepted", "checked_in") and a["starts_at"] < ends and starts < a["ends_at"]
                   for a in self.mine.values())

    def take_gig(self):
        choices = [g for g in self.seen if g["hiring_mode"] == "instant" and g["slots_left"] > 0
                   and not self._clashes(g) and g["id"] not in {a["gig"] for a in self.mine.values()}]
        if not choices:
            return self.feed()
        self.accept(random.choice(choices)["id"])

    def accept(self, gig_id: int, offered: bool = False):
        started = time.monotonic()
        taken = self.call("POST", f"/api/gigs/{gig_id}/accept/",
                          "POST /api/gigs/{id}/accept/" + (" (an offer)" if offered else ""),
                          conflicts=EXPECTED_CONFLICTS, headers={"Idempotency-Key": str(uuid.uuid4())})
        if taken is None:
            return
        accepted_timing.cause(taken["id"], started)
        gig = taken["gig"]
        self.mine[taken["id"]] = {"gig": gig["id"], "status": taken["status"], "site": (gig["latitude"],
                                  gig["longitude"]), "starts_at": _when(gig["starts_at"]),
                                  "ends_at": _when(gig["ends_at"]), "accepted_at": dt.datetime.now(CST)}
        if _when(gig["starts_at"]) - dt.datetime.now(CST) < dt.timedelta(hours=2):
            free_listeners.pop(self.me["user"], None)  # busy today: employers stop aiming their posts here

    def cancel(self):
        now = dt.datetime.now(CST)
        fresh = [i for i, a in self.mine.items() if a["status"] == "accepted" and now - a["accepted_at"] < FREE_CANCEL
                 and a["starts_at"] > now]
        if not fresh:
            return self.inbox()
        assignment_id = random.choice(fresh)
        rematched.add(self.mine[assignment_id]["gig"])
        if self.call("POST", f"/api/assignments/{assignment_id}/cancel/", "POST /api/assignments/{id}/cancel/",
                     json={"reason": "临时有事（负载测试）"}) is not None:
            self.mine[assignment_id]["status"] = "cancelled"
            self._free_again()

    def check_in(self, assignment_id: int, a: dict):
        code = site_codes.get(a["gig"])
        if code and random.random() < 0.3:
            body = {"code": code}
        else:
            lat, lng = _near(*a["site"], 10, 80)  # a reading at the site, never the published point itself
            body = {"latitude": lat, "longitude": lng, "accuracy": round(random.uniform(8, 40), 1)}
        done = self.call("POST", f"/api/assignments/{assignment_id}/check-in/",
                         "POST /api/assignments/{id}/check-in/" + (" (code)" if "code" in body else ""), json=body)
        if done is not None:
            a["status"] = done["status"]
        else:
            a["status"] = "unknown"  # not tried again: the failure is counted

    def check_out(self, assignment_id: int, a: dict):
        done = self.call("POST", f"/api/assignments/{assignment_id}/check-out/",
                         "POST /api/assignments/{id}/check-out/")
        a["status"] = done["status"] if done is not None else "unknown"
        self._free_again()

    def _free_again(self):
        if self.socket and not any(a["status"] in ("accepted", "checked_in") and a["starts_at"] - dt.datetime.now(CST)
                                   < dt.timedelta(hours=2) for a in self.mine.values()):
            free_listeners[self.me["user"]] = self.me

    def inbox(self):
        self.call("GET", "/api/notifications/", "GET /api/notifications/")


class Employer(Person):
    weight = 1
    wait_time = between(3, 10)

    def on_start(self):
        super().on_start()
        self.me = next(employers)
        self.auth(self.me["token"])
        self.gigs: list[dict] = []  # what this employer posted: id, start
        self.socket = Socket(self, "/ws/employer/", self.on_event, self.me["token"])
        self.socket.open()

    def on_stop(self):
        self.socket.close()

    def on_event(self, kind: str, payload: dict, at: float) -> None:
        if kind == "wave" and payload.get("wave") == 1 and payload["gig"]["id"] not in rematched:
            wave_timing.effect(payload["gig"]["id"], at)
        elif kind == "accepted":
            accepted_timing.effect(payload["assignment"], at)

    @task(3)
    def post_gig(self):
        """An instant gig starting soon, next to a worker whose app is open (or near a hotspot)."""
        target = random.choice(list(free_listeners.values())) if free_listeners else None
        if target:
            trade_id = target["trade"]
            lat, lng = _near(target["lat"], target["lng"], 100, 300)
        else:
            trade_id = random.choice(list(trades))
            lat, lng = _near(*random.choice(POPULATION["hotspots"]), 0, 3000)
        trade = trades[trade_id]
        headcount = random.randint(2, 10)
        starts = dt.datetime.now(CST).replace(microsecond=0) + dt.timedelta(minutes=random.uniform(2, 10))
        pay = round(random.uniform((trade["low"] + trade["high"]) / 2, trade["high"]) / 5) * 5
        body = {"trade": trade["code"], "title": f"{trade['name']}，{headcount}人（负载测试）", "headcount": headcount,
                "pay_amount": f"{pay:.2f}", "pay_unit": trade["unit"], "hiring_mode": "instant",
                "address": "铜川市（负载测试工地）", "latitude": lat, "longitude": lng,
                "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=4)).isoformat()}
        started = time.monotonic()
        posted = self.call("POST", "/api/gigs/", "POST /api/gigs/", expected=(201,), json=body,
                           headers={"Idempotency-Key": str(uuid.uuid4())})
        if posted is None:
            return
        gig = posted["id"]
        wave_timing.cause(gig, started)
        board_timing.cause(gig, started)
        offer_timing.cause(gig, started)
        self.gigs.append({"id": gig, "starts_at": starts})
        del self.gigs[:-20]

    @task(4)
    def my_gigs(self):
        self.call("GET", "/api/gigs/", "GET /api/gigs/")

    @task(2)
    def who_took_it(self):
        if self.gigs:
            self.call("GET", f"/api/gigs/{random.choice(self.gigs)['id']}/assignments/",
                      "GET /api/gigs/{id}/assignments/")

    @task(2)
    def site_code(self):
        """The employer's phone at the site shows the check-in code (workers may type it)."""
        soon = [g for g in self.gigs if g["starts_at"] - CHECK_IN_OPENS <= dt.datetime.now(CST)]
        if soon:
            gig = random.choice(soon)["id"]
            shown = self.call("GET", f"/api/gigs/{gig}/check-in-code/", "GET /api/gigs/{id}/check-in-code/")
            if shown:
                site_codes[gig] = shown["code"]

    @task(1)
    def inbox(self):
        self.call("GET", "/api/notifications/", "GET /api/notifications/")


class Staff(Person):
    """At the counter: the board page now and then (it does not refresh itself), the hall; the board socket open."""

    fixed_count = len(POPULATION["staff"])
    wait_time = between(20, 60)

    def on_start(self):
        super().on_start()
        self.me = next(staff_members)
        self.auth(self.me["token"])
        self.center = self.me["center"]
        self.socket = Socket(self, f"/ws/centers/{self.center}/board/", self.on_event, self.me["token"])
        self.socket.open()

    def on_stop(self):
        self.socket.close()

    def on_event(self, kind: str, payload: dict, at: float) -> None:
        if kind == "board" and payload.get("change") == "opened":
            board_timing.effect(payload["gig"]["id"], at)

    @task(2)
    def board(self):
        self.call("GET", f"/api/staff/centers/{self.center}/board/", "GET /api/staff/centers/{id}/board/")

    @task(1)
    def hall(self):
        self.call("GET", f"/api/staff/centers/{self.center}/hall/", "GET /api/staff/centers/{id}/hall/")


SCREEN_GAP_S = 3.0  # screen.js's GAP: a screen re-reads its list at most this often


class HallScreen(Person):
    """The big screen: re-reads its list after events, one read at a time and at most every 3 s, as screen.js."""

    fixed_count = len(POPULATION["centers"])
    wait_time = constant(0.5)

    def on_start(self):
        super().on_start()
        self.headers = {"Accept-Language": "zh-CN"}
        self.center = next(screens)
        self.stale, self.last_read = False, 0.0
        self.call("GET", f"/centers/{self.center}/screen/", "GET /centers/{id}/screen/")
        self.socket = Socket(self, f"/ws/centers/{self.center}/screen/", self.on_event)
        self.socket.open()

    def on_stop(self):
        self.socket.close()

    def on_event(self, kind: str, payload: dict, at: float) -> None:
        self.stale = True

    @task
    def refresh(self):
        if self.stale and time.monotonic() - self.last_read >= SCREEN_GAP_S:
            self.stale, self.last_read = False, time.monotonic()
            self.call("GET", f"/centers/{self.center}/screen/?part=gigs", "GET /centers/{id}/screen/?part=gigs")


@events.quitting.add_listener
def _save_counts(environment, **kwargs):
    path = os.environ.get("LOAD_COUNTS")
    if path:
        Path(path).write_text(json.dumps({"people": dict(people), "frames": {
            f"{socket} {kind}": n for (socket, kind), n in sorted(frames.items())}}))
