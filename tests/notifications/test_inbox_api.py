"""The inbox over REST: a user lists their own notifications after a seq, page by page, and marks them read."""

import pytest
from rest_framework.test import APIClient

from notifications.services import notify_board, notify_user
from tests.factories import ServiceCenterFactory, UserFactory
from tests.helpers import field_errors

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_user_sees_only_their_own_notifications_after_the_last_seq():
    me, other = UserFactory(), UserFactory()
    first = notify_user(me.pk, "reminder", {"n": 1})
    notify_user(other.pk, "reminder", {"n": "not mine"})
    notify_board(ServiceCenterFactory().pk, "board", {"n": "a board line"})
    second = notify_user(me.pk, "pay", {"n": 2})
    body = client_for(me).get("/api/notifications/").json()
    assert [row["id"] for row in body["results"]] == [first.pk, second.pk] and body["next_after"] is None
    after = client_for(me).get("/api/notifications/", {"after": first.seq}).json()
    assert [row["payload"] for row in after["results"]] == [{"n": 2}]


def test_pages_of_a_hundred_and_marking_read():
    me = UserFactory()
    rows = [notify_user(me.pk, "reminder", {"n": n}) for n in range(130)]
    client = client_for(me)
    page = client.get("/api/notifications/").json()
    assert len(page["results"]) == 100 and page["next_after"] == rows[99].seq
    rest = client.get("/api/notifications/", {"after": page["next_after"]}).json()
    assert len(rest["results"]) == 30 and rest["next_after"] is None
    assert client.post("/api/notifications/read/", {"up_to": rows[9].seq}, format="json").json() == {"marked": 10}
    assert client.post("/api/notifications/read/", {"ids": [rows[50].pk]}, format="json").json() == {"marked": 1}
    unread = client.get("/api/notifications/", {"unread": "true"}).json()
    assert len(unread["results"]) == 100 and unread["results"][0]["id"] == rows[10].pk


def test_bad_inbox_input_is_a_400_and_strangers_are_refused():
    me = UserFactory()
    client = client_for(me)
    assert client.get("/api/notifications/", {"after": "yesterday"}).status_code == 400
    assert "ids" in field_errors(client.post("/api/notifications/read/", {}, format="json"))
    assert APIClient().get("/api/notifications/").status_code in (401, 403)
