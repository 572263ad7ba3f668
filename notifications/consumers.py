"""Live sockets for workers, employers and center boards. Each is thin: who may listen, then relay.

Protocol (JSON text frames):
  client → {"type": "resume", "after": <last id seen>}   replay what was missed, oldest first
  client → {"type": "ack", "up_to": <id>}                  mark the inbox read up to an id
  client → {"type": "ping"}                                 server answers {"type": "pong"}
  client → {"type": "location", "latitude": .., "longitude": ..}   (workers) where I am now, for offers
  server → {"type": "event", "id", "kind", "payload", "created_at", "read"}
  server → {"type": "error", "error": "<what was wrong>"}
Close codes: 4401 not logged in, 4403 not allowed, 4404 no such center, 1009 frame too big.
"""

from __future__ import annotations

import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import ValidationError

from accounts.models import Role

from . import selectors, services
from .groups import board_group, user_group

log = logging.getLogger(__name__)
MAX_FRAME_CHARS = 4096
CLOSE_UNAUTHENTICATED, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_TOO_BIG = 4401, 4403, 4404, 1009


class EventSocket(AsyncWebsocketConsumer):
    """Shared behaviour: authenticate, join own groups, replay by id, relay pushes in order, refuse junk."""

    async def connect(self):
        self.joined: list[str] = []
        self.last_sent = 0
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        groups = await self.allowed_groups(user)
        if isinstance(groups, int):
            await self.close(code=groups)
            return
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.append(group)
        await self.accept()
        await self.on_open(user)

    async def disconnect(self, code):
        for group in getattr(self, "joined", []):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # best effort: a stale member expires from the group on its own
                log.warning("could not leave group %s", group, exc_info=True)

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            await self.error("Send JSON text frames.")
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self.close(code=CLOSE_TOO_BIG)
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self.error("The frame is not valid JSON.")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.error('A frame is a JSON object with a "type".')
            return
        handler = self.handlers().get(message["type"])
        if handler is None:
            await self.error(f'Unknown type "{message["type"][:40]}".')
            return
        await handler(message)

    def handlers(self) -> dict:
        return {"resume": self.resume, "ping": self.ping}

    async def ping(self, message):
        await self.send_json({"type": "pong"})

    async def resume(self, message):
        after = message.get("after", 0)
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            await self.error('"after" is the last event id seen, a whole number ≥ 0.')
            return
        for frame in await database_sync_to_async(self.missed)(after):
            await self.send_frame(frame)

    async def deliver(self, event):
        """A push from the channel layer; anything already sent by a replay is skipped."""
        await self.send_frame(event["frame"])

    async def send_frame(self, frame: dict):
        if frame["id"] <= self.last_sent:
            return
        self.last_sent = frame["id"]
        await self.send_json(frame)

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def error(self, text: str):
        await self.send_json({"type": "error", "error": text})

    async def on_open(self, user):
        """Hook for a greeting after accept."""

    async def allowed_groups(self, user) -> list[str] | int:
        raise NotImplementedError

    def missed(self, after: int) -> list[dict]:
        raise NotImplementedError


class InboxSocket(EventSocket):
    """/ws/worker/ and /ws/employer/: one user's own events."""

    role: str = ""

    async def allowed_groups(self, user):
        if user.role != self.role:
            return CLOSE_FORBIDDEN
        self.user = user
        return [user_group(user.pk)]

    def handlers(self):
        return {**super().handlers(), "ack": self.ack}

    def missed(self, after):
        return selectors.missed_frames(selectors.inbox(self.user, after=after))

    async def ack(self, message):
        up_to = message.get("up_to")
        if not isinstance(up_to, int) or isinstance(up_to, bool):
            await self.error('"up_to" is an event id.')
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

    async def allowed_groups(self, user):
        self.center_id = int(self.scope["url_route"]["kwargs"]["center_id"])
        verdict = await database_sync_to_async(_board_access)(user, self.center_id)
        return verdict if isinstance(verdict, int) else [board_group(self.center_id)]

    async def on_open(self, user):
        from jobs.selectors import board_snapshot

        gigs = await database_sync_to_async(board_snapshot)(self.center_id)
        await self.send_json({"type": "snapshot", "center": self.center_id, "gigs": gigs})

    def missed(self, after):
        return selectors.missed_frames(selectors.board_history(self.center_id, after=after))


def _board_access(user, center_id: int) -> int | None:
    from centers.models import ServiceCenter

    if not ServiceCenter.objects.filter(pk=center_id).exists():
        return CLOSE_NOT_FOUND
    if user.role == Role.CITY_ADMIN:
        return None
    if user.role == Role.CENTER_STAFF and user.center_memberships.filter(center_id=center_id).exists():
        return None
    return CLOSE_FORBIDDEN
