"""A socket open longer than the channel layer remembers group members (channels_redis's `group_expiry`, 24 h by
default; the in-memory layer has one too) keeps hearing its pushes: it joins its group again every tick."""

import asyncio
import copy

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from accounts.services import issue_api_token
from notifications import consumers
from notifications.groups import user_group
from tests.factories import WorkerFactory
from zero_gig.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)
GROUP_EXPIRY = 1  # seconds; the layers count whole seconds


@pytest.fixture(params=["in-memory", "redis"])
def forgetful_layer(request, settings, monkeypatch):
    if request.param == "redis":
        if not settings.REDIS_URL:
            pytest.skip("needs Redis (REDIS_URL)")
        layer = copy.deepcopy(settings.CHANNEL_LAYERS["default"])
    else:
        layer = {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {}}
    layer["CONFIG"]["group_expiry"] = GROUP_EXPIRY
    settings.CHANNEL_LAYERS = {"default": layer}
    monkeypatch.setattr(consumers, "TICK_SECONDS", 0.2, raising=False)


async def test_a_socket_open_longer_than_the_group_expiry_still_hears_its_pushes(forgetful_layer):
    user = await database_sync_to_async(lambda: WorkerFactory().user)()
    key = await database_sync_to_async(lambda: issue_api_token(user)[1])()
    socket = WebsocketCommunicator(application, "/ws/worker/", headers=[(b"authorization", f"Bearer {key}".encode())])
    assert (await socket.connect())[0]
    await asyncio.sleep(GROUP_EXPIRY + 1.5)  # long enough for the layer to forget a member that joined once
    frame = {"type": "event", "id": 1, "seq": 1, "kind": "reminder", "payload": {}, "created_at": "", "read": False}
    await get_channel_layer().group_send(user_group(user.pk), {"type": "deliver", "frame": frame})
    assert await socket.receive_json_from(timeout=3) == frame
    await socket.disconnect()
