"""On PostgreSQL two transactions can commit in the opposite order of their notification ids. Whatever the order,
a socket, a resuming socket and the REST inbox see every event once, and after the one before it."""

import threading
import time

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from accounts.services import issue_api_token
from notifications import services
from tests.factories import WorkerFactory
from zero_gig.asgi import application

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def backend_waits_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def inbox_after(user, after: int) -> list[dict]:
    client = APIClient()
    client.force_authenticate(user)
    return client.get("/api/notifications/", {"after": after}).json()["results"]


def race(user) -> list[dict]:
    """Transaction A stores an event and stays open; B stores one after it and tries to commit first. Returns what
    the REST inbox listed while A was still open."""
    a_stored, release, b_done = threading.Event(), threading.Event(), threading.Event()
    b_backend: list[int] = []

    def first():
        try:
            with transaction.atomic():
                services.notify_user(user.pk, "reminder", {"n": "A"})
                a_stored.set()
                release.wait(30)
        finally:
            connections.close_all()

    def second():
        try:
            a_stored.wait(30)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                b_backend.append(cursor.fetchone()[0])
            with transaction.atomic():
                services.notify_user(user.pk, "reminder", {"n": "B"})
            b_done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while not (b_done.is_set() or (b_backend and backend_waits_for_a_lock(b_backend[0]))):
        assert time.monotonic() < deadline, "B neither committed nor waited"
        time.sleep(0.01)
    seen_meanwhile = inbox_after(user, 0)
    release.set()
    for thread in threads:
        thread.join(30)
    return seen_meanwhile


async def test_events_committed_out_of_id_order_reach_the_socket_resume_and_inbox(monkeypatch):
    pushed = []
    monkeypatch.setattr(services, "push", pushed.extend)  # in commit order; sent to the socket below
    user = await database_sync_to_async(lambda: WorkerFactory().user)()
    key = await database_sync_to_async(lambda: issue_api_token(user)[1])()
    headers = [(b"authorization", f"Bearer {key}".encode())]
    socket = WebsocketCommunicator(application, "/ws/worker/", headers=headers)
    assert (await socket.connect())[0]

    seen_meanwhile = await database_sync_to_async(race)(user)

    layer = get_channel_layer()
    for group, row in pushed:
        await layer.group_send(group, {"type": "deliver", "frame": row.as_frame()})
    live = [await socket.receive_json_from(timeout=3) for _ in range(2)]
    assert [frame["payload"]["n"] for frame in live] == ["A", "B"]
    await socket.disconnect()

    # A phone that saw only what was committed while A was open resumes from there and misses nothing.
    last = seen_meanwhile[-1]["seq"] if seen_meanwhile else 0
    later = await database_sync_to_async(inbox_after)(user, last)
    assert sorted(row["payload"]["n"] for row in seen_meanwhile + later) == ["A", "B"]
    phone = WebsocketCommunicator(application, "/ws/worker/", headers=headers)
    assert (await phone.connect())[0]
    await phone.send_json_to({"type": "resume", "after": last})
    replayed = [await phone.receive_json_from(timeout=3) for _ in range(len(later))]
    assert sorted(row["payload"]["n"] for row in seen_meanwhile + replayed) == ["A", "B"]
    await phone.disconnect()
