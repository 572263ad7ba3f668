"""Live sockets: only the right people connect, each hears only their own events, offers arrive, and a phone
that was offline replays what it missed. Junk frames get an error frame, never a dead consumer."""

import datetime as dt
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from accounts.services import issue_api_token
from jobs import services
from tests.factories import (
    CenterStaffFactory,
    EmployerFactory,
    ServiceCenterFactory,
    TradeFactory,
    UserFactory,
    WageFloorFactory,
    WorkerFactory,
)
from workers.models import WorkerTrade
from zero_gig.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)
SITE = (35.0690, 109.0756)


def token_for(user) -> str:
    return issue_api_token(user)[1]


async def connect(path: str, user=None, origin: str | None = None):
    headers = []
    if user is not None:
        key = await database_sync_to_async(token_for)(user)
        headers.append((b"authorization", f"Bearer {key}".encode()))
    if origin:
        headers.append((b"origin", origin.encode()))
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await socket.connect()
    if not connected:
        # As a server does after a refused handshake: report the disconnect, so the consumer ends now
        # instead of being cancelled with the event loop (which could hang the Redis layer's receive).
        await socket.send_input({"type": "websocket.disconnect", "code": code})
        await socket.wait()
    return socket, connected, code


@pytest.fixture
def market(db):
    WageFloorFactory()
    center = ServiceCenterFactory()
    trade = TradeFactory()
    worker = WorkerFactory(latitude=SITE[0] + 0.005, longitude=SITE[1])
    WorkerTrade.objects.create(worker=worker, category=trade)
    bystander = WorkerFactory(latitude=SITE[0] + 0.006, longitude=SITE[1])  # another trade: no offer
    return {"center": center, "trade": trade, "worker": worker, "bystander": bystander, "employer": EmployerFactory()}


def post_gig(market, **overrides):
    start = timezone.now() + dt.timedelta(hours=3)
    fields = dict(category=market["trade"], title="急招小工", headcount=1,
                  pay_amount="200", pay_unit="day", address="王益区", latitude=SITE[0], longitude=SITE[1],
                  starts_at=start, ends_at=start + dt.timedelta(hours=8))
    fields.update(overrides)
    return services.create_gig(actor=market["employer"].owner, **fields)


async def test_anonymous_connections_are_refused_with_4401():
    for path in ("/ws/worker/", "/ws/employer/", "/ws/centers/1/board/"):
        _socket, connected, code = await connect(path)
        assert not connected and code == 4401


async def test_a_socket_of_the_wrong_role_is_refused_with_4403(market):
    _socket, connected, code = await connect("/ws/employer/", market["worker"].user)
    assert not connected and code == 4403
    _socket, connected, code = await connect("/ws/worker/", market["employer"].owner)
    assert not connected and code == 4403


async def test_a_page_from_another_site_cannot_open_a_socket(market):
    _socket, connected, _code = await connect("/ws/worker/", market["worker"].user, origin="https://evil.example")
    assert not connected
    socket, connected, _code = await connect("/ws/worker/", market["worker"].user, origin="http://127.0.0.1:8000")
    assert connected
    await socket.disconnect()


async def test_the_offer_reaches_the_matching_worker_and_nobody_else(market):
    worker, _ok, _code = await connect("/ws/worker/", market["worker"].user)
    bystander, _ok, _code = await connect("/ws/worker/", market["bystander"].user)
    boss, _ok, _code = await connect("/ws/employer/", market["employer"].owner)
    gig = await database_sync_to_async(post_gig)(market)
    offer = await worker.receive_json_from(timeout=3)
    assert offer["type"] == "event" and offer["kind"] == "offer"
    assert offer["payload"]["gig"]["code"] == gig.code and offer["payload"]["distance_km"] < 1
    assert await bystander.receive_nothing(timeout=0.3)
    assert await boss.receive_nothing(timeout=0.1)

    await database_sync_to_async(services.accept_gig)(gig, actor=market["worker"].user)
    hired = await worker.receive_json_from(timeout=3)
    assert hired["kind"] == "hired"
    accepted = await boss.receive_json_from(timeout=3)
    assert accepted["kind"] == "accepted" and accepted["payload"]["gig"]["slots_left"] == 0
    for socket in (worker, bystander, boss):
        await socket.disconnect()


async def test_a_phone_that_was_offline_replays_what_it_missed_in_order(market):
    gig = await database_sync_to_async(post_gig)(market)  # the offer is stored while nobody listens
    assignment = await database_sync_to_async(services.accept_gig)(gig, actor=market["worker"].user)
    await database_sync_to_async(services.cancel_gig)(gig, actor=market["employer"].owner, reason="下雨")
    socket, _ok, _code = await connect("/ws/worker/", market["worker"].user)
    await socket.send_json_to({"type": "resume", "after": 0})
    kinds = [(await socket.receive_json_from(timeout=3)) for _ in range(3)]
    assert [frame["kind"] for frame in kinds] == ["offer", "hired", "cancelled"]
    assert [frame["id"] for frame in kinds] == sorted(frame["id"] for frame in kinds)
    assert kinds[2]["payload"]["assignment"] == assignment.pk
    # Resuming from the last id seen sends nothing again.
    await socket.send_json_to({"type": "resume", "after": kinds[-1]["id"]})
    assert await socket.receive_nothing(timeout=0.3)
    await socket.send_json_to({"type": "ack", "up_to": kinds[-1]["id"]})
    assert (await socket.receive_json_from(timeout=3)) == {"type": "acked", "up_to": kinds[-1]["id"], "marked": 3}
    await socket.disconnect()


async def test_junk_frames_get_an_error_frame_and_the_socket_lives_on(market):
    socket, _ok, _code = await connect("/ws/worker/", market["worker"].user)
    for junk, words in (("not json", "not valid JSON"), ("[1, 2]", "JSON object"), ('{"type": "dance"}', "Unknown"),
                        ('{"type": "resume", "after": "yesterday"}', "whole number"),
                        ('{"type": "location", "latitude": 95, "longitude": 109}', "Latitude")):
        await socket.send_to(text_data=junk)
        reply = await socket.receive_json_from(timeout=3)
        assert reply["type"] == "error" and words in reply["error"]
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive_json_from(timeout=3))["type"] == "error"
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
    await socket.send_json_to({"type": "location", "latitude": 35.07, "longitude": 109.08})
    assert await socket.receive_json_from(timeout=3) == {"type": "location_saved"}
    await socket.disconnect()


async def test_an_oversized_frame_closes_the_socket_with_1009(market):
    socket, _ok, _code = await connect("/ws/worker/", market["worker"].user)
    await socket.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * 5000}))
    closed = await socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 1009}


async def test_a_center_board_is_for_its_staff_and_the_city_only(market):
    center = market["center"]
    staff = await database_sync_to_async(lambda: CenterStaffFactory(center=center).user)()
    outsider = await database_sync_to_async(
        lambda: CenterStaffFactory(center=ServiceCenterFactory(name="印台", latitude=35.1145, longitude=109.1)).user)()
    city = await database_sync_to_async(lambda: UserFactory(role="city_admin"))()
    _s, connected, code = await connect(f"/ws/centers/{center.pk}/board/", outsider)
    assert not connected and code == 4403
    _s, connected, code = await connect(f"/ws/centers/{center.pk}/board/", market["worker"].user)
    assert not connected and code == 4403
    _s, connected, code = await connect("/ws/centers/99999/board/", city)
    assert not connected and code == 4404

    board, connected, _code = await connect(f"/ws/centers/{center.pk}/board/", staff)
    assert connected
    snapshot = await board.receive_json_from(timeout=3)
    assert snapshot == {"type": "snapshot", "center": center.pk, "gigs": []}
    city_board, connected, _code = await connect(f"/ws/centers/{center.pk}/board/", city)
    assert connected and (await city_board.receive_json_from(timeout=3))["type"] == "snapshot"

    gig = await database_sync_to_async(post_gig)(market)
    opened = await board.receive_json_from(timeout=3)
    assert opened["kind"] == "board" and opened["payload"]["change"] == "opened"
    assert opened["payload"]["gig"]["code"] == gig.code
    assert (await city_board.receive_json_from(timeout=3))["id"] == opened["id"]
    await board.disconnect()
    await city_board.disconnect()
