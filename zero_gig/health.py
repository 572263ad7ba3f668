"""GET /healthz: is the database answering, and does a message make it through the channel layer?"""

import asyncio

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse

CHECK_TIMEOUT_SECONDS = 2.0


def _database_ok() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _channel_layer_ok() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()  # a channel of its own, not the process's shared receive
    await layer.send(channel, {"type": "healthz.ping"})
    message = await layer.receive(channel)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer returned the wrong message")


async def _check(name: str, coroutine) -> dict:
    try:
        await asyncio.wait_for(coroutine, CHECK_TIMEOUT_SECONDS)
        return {"name": name, "status": "ok"}
    except Exception as error:  # any failure means "down"; the body says which
        return {"name": name, "status": "down", "error": type(error).__name__}


async def healthz(request):
    database, channel_layer = await asyncio.gather(
        _check("database", sync_to_async(_database_ok)()),
        _check("channel_layer", _channel_layer_ok()),
    )
    ok = database["status"] == channel_layer["status"] == "ok"
    body = {
        "status": "ok" if ok else "down",
        "database": {"status": database["status"], "vendor": connection.vendor, **_error(database)},
        "channel_layer": {"status": channel_layer["status"], "backend": type(get_channel_layer()).__name__,
                          **_error(channel_layer)},
    }
    return JsonResponse(body, status=200 if ok else 503)


def _error(check: dict) -> dict:
    return {"error": check["error"]} if "error" in check else {}
