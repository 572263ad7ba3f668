"""Reads of the inbox and of a board's history, in seq order, for replay after a reconnect."""

from django.db.models import QuerySet

from .models import Notification, Stream

REPLAY_LIMIT = 500


def inbox(user, after: int | None = None, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(user=user)
    if after is not None:
        rows = rows.filter(seq__gt=after)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("seq")


def board_history(center_id: int, after: int | None = None) -> QuerySet[Notification]:
    rows = Notification.objects.filter(center_id=center_id)
    if after is not None:
        rows = rows.filter(seq__gt=after)
    return rows.order_by("seq")


def last_seq(stream: str) -> int:
    """The newest seq committed to a recipient's stream (0 before its first event)."""
    return Stream.objects.filter(key=stream).values_list("last_seq", flat=True).first() or 0


def missed_frames(rows: QuerySet[Notification]) -> list[dict]:
    """What a reconnecting socket missed, oldest first, at most REPLAY_LIMIT (the rest via the REST inbox)."""
    return [row.as_frame() for row in rows[:REPLAY_LIMIT]]
