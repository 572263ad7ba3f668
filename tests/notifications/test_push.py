"""A wave's pushes go out side by side, yet each user's notifications still arrive in order."""

import asyncio
import random
import uuid

import pytest
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from notifications import services
from notifications.models import Notification


def offer(n: int, user_id: int) -> Notification:
    return Notification(pk=n, user_id=user_id, kind="offer", payload={}, created_at=timezone.now())


class SlowLayer:
    """A channel layer whose every send takes a random few milliseconds, like a round trip to Redis."""

    def __init__(self):
        self.received: dict[str, list[int]] = {}
        self.in_flight = self.most_in_flight = 0
        self.rng = random.Random(5)

    async def group_send(self, group, message):
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(self.rng.uniform(0, 0.003))
        self.in_flight -= 1
        self.received.setdefault(group, []).append(message["frame"]["id"])


def test_pushes_overlap_across_users_and_keep_each_users_order(monkeypatch):
    layer = SlowLayer()
    monkeypatch.setattr(services, "get_channel_layer", lambda: layer)
    targets = [(f"user.{n % 40}", offer(n, n % 40)) for n in range(200)]

    services.push(targets)

    assert layer.most_in_flight > 1
    assert layer.most_in_flight <= services.PUSH_CONCURRENCY
    for group, ids in layer.received.items():
        assert ids == sorted(ids) and len(ids) == 5, group


def test_a_failing_send_is_logged_and_the_others_still_go_out(monkeypatch, caplog):
    layer = SlowLayer()
    send = layer.group_send

    async def flaky(group, message):
        if group == "user.3":
            raise ConnectionError("redis went away")
        await send(group, message)

    layer.group_send = flaky
    monkeypatch.setattr(services, "get_channel_layer", lambda: layer)
    services.push([(f"user.{n}", offer(n, n)) for n in range(10)])
    assert sorted(layer.received) == sorted(f"user.{n}" for n in range(10) if n != 3)
    assert "replay from the inbox" in caplog.text


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
async def test_a_wave_of_300_offers_to_sockets_of_one_process_all_arrive():
    """Every socket of a process receives through one Redis key; a whole wave must fit in it, not just 100."""
    layer = get_channel_layer()
    run = uuid.uuid4().hex[:8]
    channels = [await layer.new_channel() for _ in range(300)]
    for n, channel in enumerate(channels):
        await layer.group_add(f"wave-{run}.{n}", channel)
    try:
        await services._send_all(layer, [(f"wave-{run}.{n}", offer(n, n)) for n in range(300)])
        received = [await asyncio.wait_for(layer.receive(channel), 5) for channel in channels]
    finally:
        for n, channel in enumerate(channels):
            await layer.group_discard(f"wave-{run}.{n}", channel)
    assert [message["frame"]["id"] for message in received] == list(range(300))
