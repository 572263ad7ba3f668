"""Live sockets for workers, employers and center boards. Each is thin: who may listen, then relay.

Protocol (JSON text frames):
  client → {"type": "resume", "after": <last seq seen>}  replay what was missed, oldest first
  client → {"type": "ack", "up_to": <seq>}                 mark the inbox read up to a seq
  client → {"type": "ping"}                                 server answers {"type": "pong"}
  client → {"type": "location", "latitude": .., "longitude": ..}   (workers) where I am now, for offers
  server → {"type": "event", "id", "seq", "kind", "payload", "created_at", "read"}
  server → {"type": "error", "error": "<what was wrong>"}
Events of one socket go out with seq 1, 2, 3 … and no holes: a push that arrives ahead of an earlier one (two
servers committed close together) makes the socket read the hole from the database first.
Close codes: 4401 not logged in (or logged out since), 4403 not allowed, 4404 no such center or path,
4429 too many frames. A frame over MAX_FRAME_CHARS gets an error frame, like any other junk, and the socket
lives on (the server refuses frames over 64 KiB before they reach us). A refused socket is accepted and then
closed with its code, so the client can read why (a close before accepting reaches it as a bare HTTP 403).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Role

from . import selectors, services
from .auth import current_user
from .groups import board_group, user_group
from .models import Kind

log = logging.getLogger(__name__)
MAX_FRAME_CHARS = 4096
CLOSE_UNAUTHENTICATED, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_TOO_MANY = 4401, 4403, 4404, 4429
# A socket may send this many frames in a window; the next one gets an error frame and the socket is closed.
FRAMES_PER_WINDOW, WINDOW_SECONDS = 30, 10.0
# Every tick a socket checks that its user may still listen (logged out, deactivated, token revoked: closed),
# joins its group again (channels_redis forgets members after `group_expiry`, 24 h by default) and reads
# anything a lost push left out. Must stay well under a minute and under the layer's group_expiry.
TICK_SECONDS = 45.0
LARGEST_NUMBER = 2**63 - 1  # seqs and ids are 64-bit; nothing a client sends needs more


def _bounded_int(digits: str) -> int:
    """json.loads hook: a number too big for a 64-bit column is refused before anything tries to use it."""
    if len(digits.lstrip("-")) > 19 or abs(number := int(digits)) > LARGEST_NUMBER:
        raise ValueError("number out of range")
    return number


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


def parse_frame(text: str):
    """The frame's JSON, or ValueError for anything a handler should never see (RecursionError is what the
    parser raises on deep nesting)."""
    try:
        return json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _is_seq(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class Refused(AsyncWebsocketConsumer):
    """Accepts and closes at once with a code: for handshakes that are refused before any consumer of ours."""

    def __init__(self, *args, code: int = CLOSE_NOT_FOUND, **kwargs):
        super().__init__(*args, **kwargs)
        self.code = code

    async def connect(self):
        await self.accept()
        await self.close(code=self.code)


class EventSocket(AsyncWebsocketConsumer):
    """Shared behaviour: authenticate, join its own group, replay by seq, relay pushes in order, refuse junk."""

    group = ""
    needs_login = True

    async def connect(self):
        self.last_sent = 0
        self.ticker: asyncio.Task | None = None
        self.window_start, self.frames_in_window = time.monotonic(), 0
        user = self.scope.get("user")
        if self.needs_login and (user is None or not user.is_authenticated):
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        verdict = await database_sync_to_async(self.check_access)(user)
        if verdict is not None:
            await self.refuse(verdict)
            return
        self.user = user
        # Read before joining: whatever commits after this either reaches the group or leaves a hole the next
        # push (or tick) fills from the database.
        self.last_sent = await database_sync_to_async(selectors.last_seq)(self.group)
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.joined = True
        await self.accept()
        self.ticker = asyncio.create_task(self.tick_forever())
        await self.on_open(user)

    async def refuse(self, code: int):
        await self.accept()
        await self.close(code=code)

    async def close(self, code=None, reason=None):
        """Nothing is sent after the close (the server would refuse it); the ticker stops, unless it is closing."""
        self.closed = True
        self.stop_ticking()
        await super().close(code=code, reason=reason)

    def stop_ticking(self):
        ticker = getattr(self, "ticker", None)
        if ticker is not None and ticker is not asyncio.current_task():
            ticker.cancel()

    async def disconnect(self, code):
        self.stop_ticking()
        if self.group and getattr(self, "joined", False):
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            except Exception:  # best effort: a stale member expires from the group on its own
                log.warning("could not leave group %s", self.group, exc_info=True)

    async def tick_forever(self):
        # Twice within the layer's group_expiry at least, should it be set below a tick.
        every = min(TICK_SECONDS, getattr(self.channel_layer, "group_expiry", TICK_SECONDS) / 2)
        await asyncio.sleep(every * random.uniform(0.5, 1))  # spread the sockets of one restart
        while await self.tick():
            await asyncio.sleep(every)

    async def tick(self) -> bool:
        """Stay in the group; still allowed? Then catch up. Returns False once the socket is closed."""
        try:
            await self.channel_layer.group_add(self.group, self.channel_name)
            verdict = await database_sync_to_async(self.recheck)()
            if verdict is not None:
                await self.close(code=verdict)
                return False
            await self.catch_up()
        except Exception:  # the database or Redis is down for a moment: try again next tick
            log.warning("socket tick failed", exc_info=True)
        return True

    def recheck(self) -> int | None:
        if not self.needs_login:
            return self.check_access(None)
        user = current_user(self.scope)
        if user is None or user.pk != self.user.pk:
            return CLOSE_UNAUTHENTICATED
        return self.check_access(user)

    async def receive(self, text_data=None, bytes_data=None):
        if not self.within_rate():
            await self.error(_("Too many frames: at most %(n)s every %(s)s seconds.")
                             % {"n": FRAMES_PER_WINDOW, "s": int(WINDOW_SECONDS)})
            await self.close(code=CLOSE_TOO_MANY)
            return
        if text_data is None:
            await self.error(_("Send JSON text frames."))
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self.error(_("The frame is too long: at most %(n)s characters.") % {"n": MAX_FRAME_CHARS})
            return
        try:
            message = parse_frame(text_data)
        except ValueError:
            await self.error(_("The frame is not valid JSON, nests too deeply or holds a number out of range."))
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.error(_('A frame is a JSON object with a "type".'))
            return
        handler = self.handlers().get(message["type"])
        if handler is None:
            await self.error(_('Unknown type "%(type)s".') % {"type": message["type"][:40]})
            return
        await handler(message)

    def within_rate(self) -> bool:
        now = time.monotonic()
        if now - self.window_start >= WINDOW_SECONDS:
            self.window_start, self.frames_in_window = now, 0
        self.frames_in_window += 1
        return self.frames_in_window <= FRAMES_PER_WINDOW

    def handlers(self) -> dict:
        return {"resume": self.resume, "ping": self.ping}

    async def ping(self, message):
        await self.send_json({"type": "pong"})

    async def resume(self, message):
        """Send everything after the client's last seq, and carry on from there."""
        after = message.get("after", 0)
        if not _is_seq(after):
            await self.error(_('"after" is the last seq seen, a whole number ≥ 0.'))
            return
        self.last_sent = after
        await self.catch_up()

    async def deliver(self, event):
        """A push from the channel layer. Ahead of what was sent: the hole is read from the database first
        (it committed before this one did). At or below: already sent."""
        frame = event["frame"]
        if frame["seq"] > self.last_sent + 1:
            await self.catch_up()
        await self.send_frame(frame)

    async def catch_up(self):
        for frame in await database_sync_to_async(self.missed)(self.last_sent):
            await self.send_frame(frame)

    async def send_frame(self, frame: dict):
        if frame["seq"] != self.last_sent + 1:
            return
        self.last_sent = frame["seq"]
        await self.send_json(frame)

    async def send_json(self, content):
        if not getattr(self, "closed", False):
            await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def error(self, text: str):
        await self.send_json({"type": "error", "error": text})

    async def on_open(self, user):
        """Hook for a greeting after accept."""

    def check_access(self, user) -> int | None:
        """Sets `group` and returns None if the user may listen here, else the close code."""
        raise NotImplementedError

    def missed(self, after: int) -> list[dict]:
        raise NotImplementedError


class InboxSocket(EventSocket):
    """/ws/worker/ and /ws/employer/: one user's own events."""

    role: str = ""

    def check_access(self, user):
        if user.role != self.role:
            return CLOSE_FORBIDDEN
        self.group = user_group(user.pk)
        return None

    def handlers(self):
        return {**super().handlers(), "ack": self.ack}

    def missed(self, after):
        return selectors.missed_frames(selectors.inbox(self.user, after=after))

    async def ack(self, message):
        up_to = message.get("up_to")
        if not _is_seq(up_to):
            await self.error(_('"up_to" is a seq, a whole number ≥ 0.'))
            return
        count = await database_sync_to_async(services.mark_read)(self.user, up_to=up_to)
        await self.send_json({"type": "acked", "up_to": up_to, "marked": count})


class WorkerSocket(InboxSocket):
    role = Role.WORKER

    def handlers(self):
        return {**super().handlers(), "location": self.location}

    async def location(self, message):
        from workers.services import report_location

        try:
            await database_sync_to_async(report_location)(self.user, message.get("latitude"),
                                                          message.get("longitude"))
        except ValidationError as error:
            await self.error("; ".join(error.messages))
            return
        await self.send_json({"type": "location_saved"})


class EmployerSocket(InboxSocket):
    role = Role.EMPLOYER


class BoardSocket(EventSocket):
    """/ws/centers/<id>/board/: the live board of one center, for its staff and city administrators."""

    def check_access(self, user):
        from centers.models import ServiceCenter
        from centers.selectors import may_manage_center

        self.center_id = int(self.scope["url_route"]["kwargs"]["center_id"])
        if not ServiceCenter.objects.filter(pk=self.center_id).exists():
            return CLOSE_NOT_FOUND
        if not may_manage_center(user, self.center_id):
            return CLOSE_FORBIDDEN
        self.group = board_group(self.center_id)
        return None

    async def on_open(self, user):
        from jobs.selectors import board_snapshot

        gigs = await database_sync_to_async(board_snapshot)(self.center_id)
        await self.send_json({"type": "snapshot", "center": self.center_id, "gigs": gigs})

    def missed(self, after):
        return selectors.missed_frames(selectors.board_history(self.center_id, after=after))


class HallScreenSocket(BoardSocket):
    """/ws/centers/<id>/screen/: the big screen in a center's hall, open to all (it hangs in a public hall): only
    the board's lines about gigs opening, filling and closing; never a wage dispute, a name or an amount owed."""

    needs_login = False
    PUBLIC_KINDS = {Kind.BOARD}

    def check_access(self, user):
        from centers.selectors import active_centers

        self.center_id = int(self.scope["url_route"]["kwargs"]["center_id"])
        if not active_centers().filter(pk=self.center_id).exists():
            return CLOSE_NOT_FOUND
        self.group = board_group(self.center_id)
        return None

    async def send_frame(self, frame: dict):
        """A line the hall may not see still moves the seq on, so the next public line is not held back."""
        if frame["seq"] == self.last_sent + 1 and frame["kind"] not in self.PUBLIC_KINDS:
            self.last_sent = frame["seq"]
            return
        await super().send_frame(frame)

