"""Live sockets: only the right people connect, each hears only their own events, offers arrive, and a phone
that was offline replays what it missed. Junk frames get an error frame, never a dead consumer."""

import datetime as dt
import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from accounts.services import issue_api_token, revoke_all_api_tokens
from jobs import services
from notifications import consumers
from notifications import services as notification_services
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


async def connect(path: str, user=None, origin: str | None = None, cookie: str | None = None):
    headers = []
    if user is not None:
        key = await database_sync_to_async(token_for)(user)
        headers.append((b"authorization", f"Bearer {key}".encode()))
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    if origin:
        headers.append((b"origin", origin.encode()))
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _subprotocol = await socket.connect()
    assert connected  # every handshake is accepted; a refusal follows at once as a close with its code
    return socket


async def close_code(socket, timeout: float = 3) -> int:
    """The code the server closed the socket with; then the disconnect a server reports, so the consumer ends
    now instead of being cancelled with the event loop (which could hang the Redis layer's receive)."""
    closed = await socket.receive_output(timeout=timeout)
    assert closed["type"] == "websocket.close", closed
    await socket.send_input({"type": "websocket.disconnect", "code": closed["code"]})
    await socket.wait()
    return closed["code"]


async def refused_with(path: str, user=None, origin: str | None = None) -> int:
    return await close_code(await connect(path, user, origin))


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
        assert await refused_with(path) == 4401


async def test_a_socket_of_the_wrong_role_is_refused_with_4403(market):
    assert await refused_with("/ws/employer/", market["worker"].user) == 4403
    assert await refused_with("/ws/worker/", market["employer"].owner) == 4403


async def test_a_path_that_is_no_socket_is_refused_with_4404(market):
    assert await refused_with("/ws/nothing-here/", market["worker"].user) == 4404


async def test_a_page_from_another_site_cannot_open_a_socket(market):
    assert await refused_with("/ws/worker/", market["worker"].user, origin="https://evil.example") == 4403
    socket = await connect("/ws/worker/", market["worker"].user, origin="http://127.0.0.1:8000")
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
    await socket.disconnect()


async def test_the_offer_reaches_the_matching_worker_and_nobody_else(market):
    worker = await connect("/ws/worker/", market["worker"].user)
    bystander = await connect("/ws/worker/", market["bystander"].user)
    boss = await connect("/ws/employer/", market["employer"].owner)
    gig = await database_sync_to_async(post_gig)(market)
    offer = await worker.receive_json_from(timeout=3)
    assert offer["type"] == "event" and offer["kind"] == "offer"
    assert offer["payload"]["gig"]["code"] == gig.code and offer["payload"]["distance_km"] < 1
    assert await bystander.receive_nothing(timeout=0.3)
    wave = await boss.receive_json_from(timeout=3)  # the employer hears how many were asked, not who
    assert wave["kind"] == "wave" and wave["payload"]["offered"] == 1 and wave["payload"]["gig"]["id"] == gig.pk
    assert "worker" not in wave["payload"] and "assignment" not in wave["payload"]

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
    socket = await connect("/ws/worker/", market["worker"].user)
    await socket.send_json_to({"type": "resume", "after": 0})
    kinds = [(await socket.receive_json_from(timeout=3)) for _ in range(4)]
    assert [frame["kind"] for frame in kinds] == ["offer", "hired", "agreement", "cancelled"]
    assert [frame["seq"] for frame in kinds] == [1, 2, 3, 4]
    assert kinds[3]["payload"]["assignment"] == assignment.pk
    # Resuming from the last seq seen sends nothing again.
    await socket.send_json_to({"type": "resume", "after": 4})
    assert await socket.receive_nothing(timeout=0.3)
    await socket.send_json_to({"type": "ack", "up_to": 3})
    assert (await socket.receive_json_from(timeout=3)) == {"type": "acked", "up_to": 3, "marked": 3}
    await socket.disconnect()


async def test_junk_frames_get_an_error_frame_and_the_socket_lives_on(market):
    socket = await connect("/ws/worker/", market["worker"].user)
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


async def test_an_oversized_frame_gets_an_error_frame_and_the_socket_lives_on(market):
    socket = await connect("/ws/worker/", market["worker"].user)
    deep_objects = '{"a":' * 1500 + "1" + "}" * 1500  # 1,500 levels of objects are longer than a frame may be
    for oversized in (json.dumps({"type": "ping", "pad": "x" * 5000}), deep_objects):
        await socket.send_to(text_data=oversized)
        reply = await socket.receive_json_from(timeout=3)
        assert reply["type"] == "error" and "too long" in reply["error"]
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
    await socket.disconnect()


async def test_a_center_board_is_for_its_staff_and_the_city_only(market):
    center = market["center"]
    staff = await database_sync_to_async(lambda: CenterStaffFactory(center=center).user)()
    outsider = await database_sync_to_async(
        lambda: CenterStaffFactory(center=ServiceCenterFactory(name="印台", latitude=35.1145, longitude=109.1)).user)()
    city = await database_sync_to_async(lambda: UserFactory(role="city_admin"))()
    assert await refused_with(f"/ws/centers/{center.pk}/board/", outsider) == 4403
    assert await refused_with(f"/ws/centers/{center.pk}/board/", market["worker"].user) == 4403
    assert await refused_with("/ws/centers/99999/board/", city) == 4404

    board = await connect(f"/ws/centers/{center.pk}/board/", staff)
    snapshot = await board.receive_json_from(timeout=3)
    assert snapshot == {"type": "snapshot", "center": center.pk, "gigs": []}
    city_board = await connect(f"/ws/centers/{center.pk}/board/", city)
    assert (await city_board.receive_json_from(timeout=3))["type"] == "snapshot"

    gig = await database_sync_to_async(post_gig)(market)
    opened = await board.receive_json_from(timeout=3)
    assert opened["kind"] == "board" and opened["payload"]["change"] == "opened"
    assert opened["payload"]["gig"]["code"] == gig.code
    assert (await city_board.receive_json_from(timeout=3))["id"] == opened["id"]
    await board.disconnect()
    await city_board.disconnect()


async def test_huge_numbers_and_deep_nesting_get_an_error_frame_not_a_dead_socket(market):
    socket = await connect("/ws/worker/", market["worker"].user)
    huge, deep = "9" * 400, "[" * 1500 + "]" * 1500
    for junk in (f'{{"type": "resume", "after": {huge}}}', f'{{"type": "ack", "up_to": {huge}}}',
                 f'{{"type": "location", "latitude": {huge}, "longitude": 109}}', f'{{"type": "ping", "x": {deep}}}'):
        await socket.send_to(text_data=junk)
        reply = await socket.receive_json_from(timeout=3)
        assert reply["type"] == "error" and "out of range" in reply["error"]
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
    await socket.disconnect()


async def test_a_socket_that_floods_frames_is_told_and_closed_with_4429(market, monkeypatch):
    monkeypatch.setattr(consumers, "WINDOW_SECONDS", 3600.0)  # every frame of the test falls in one window
    socket = await connect("/ws/worker/", market["worker"].user)
    for _ in range(consumers.FRAMES_PER_WINDOW):
        await socket.send_json_to({"type": "ping"})
        assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
    await socket.send_json_to({"type": "ping"})
    reply = await socket.receive_json_from(timeout=3)
    assert reply["type"] == "error" and "Too many frames" in reply["error"]
    assert await close_code(socket) == 4429


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def log_out(cookie: str) -> None:
    client = Client()
    client.cookies.load(cookie)
    assert client.post("/api/auth/logout/").status_code == 204


@pytest.mark.parametrize("ending", ["logout", "deactivated", "token revoked", "left the center"])
async def test_a_socket_whose_user_may_no_longer_listen_is_closed_at_the_next_check(market, monkeypatch, ending):
    monkeypatch.setattr(consumers, "TICK_SECONDS", 0.05)
    user = market["worker"].user
    if ending == "logout":
        cookie = await database_sync_to_async(session_cookie)(user)
        socket = await connect("/ws/worker/", cookie=cookie)
        await database_sync_to_async(log_out)(cookie)
    elif ending == "deactivated":
        socket = await connect("/ws/worker/", user)
        await database_sync_to_async(type(user).objects.filter(pk=user.pk).update)(is_active=False)
    elif ending == "token revoked":
        socket = await connect("/ws/worker/", user)
        await database_sync_to_async(revoke_all_api_tokens)(user)
    else:
        membership = await database_sync_to_async(CenterStaffFactory)(center=market["center"])
        socket = await connect(f"/ws/centers/{market['center'].pk}/board/", membership.user)
        assert (await socket.receive_json_from(timeout=3))["type"] == "snapshot"
        await database_sync_to_async(membership.delete)()
    assert await close_code(socket, timeout=10) == (4403 if ending == "left the center" else 4401)


async def test_a_push_that_overtakes_an_earlier_one_arrives_after_it(market, monkeypatch):
    """Two servers commit one after the other, but the second one's push reaches the socket first."""
    pushed = []
    monkeypatch.setattr(notification_services, "push", pushed.extend)
    user = market["worker"].user
    socket = await connect("/ws/worker/", user)
    for n in (1, 2):
        await database_sync_to_async(notification_services.notify_user)(user.pk, "reminder", {"n": n})
    layer = get_channel_layer()
    for group, row in reversed(pushed):
        await layer.group_send(group, {"type": "deliver", "frame": row.as_frame()})
    frames = [await socket.receive_json_from(timeout=3) for _ in range(2)]
    assert [(frame["seq"], frame["payload"]) for frame in frames] == [(1, {"n": 1}), (2, {"n": 2})]
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_an_event_whose_push_was_lost_still_reaches_an_open_socket(market, monkeypatch):
    monkeypatch.setattr(consumers, "TICK_SECONDS", 0.05)
    monkeypatch.setattr(notification_services, "push", lambda targets: None)  # Redis dropped it
    user = market["worker"].user
    socket = await connect("/ws/worker/", user)
    await database_sync_to_async(notification_services.notify_user)(user.pk, "reminder", {"n": 1})
    frame = await socket.receive_json_from(timeout=5)
    assert (frame["seq"], frame["payload"]) == (1, {"n": 1})
    await socket.disconnect()
