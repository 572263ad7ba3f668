"""Each recipient's events are numbered one after another (the seq a phone resumes from), however they are batched,
and numbering a batch costs one statement whether it goes to three people or three hundred."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notifications import services
from notifications.models import Notification, Stream
from tests.factories import ServiceCenterFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def seqs(user) -> list[int]:
    return list(Notification.objects.filter(user=user).order_by("seq").values_list("seq", flat=True))


def test_known_and_new_recipients_in_one_batch_each_get_their_next_numbers_in_order():
    known, new = WorkerFactory().user, WorkerFactory().user
    services.notify_user(known.pk, "reminder", {"n": 1})
    services.notify_user(known.pk, "reminder", {"n": 2})
    rows = services.notify_each("reminder", [(known.pk, {"n": 3}), (new.pk, {"n": 1}), (known.pk, {"n": 4})])
    assert [row.seq for row in rows] == [3, 1, 4]
    assert seqs(known) == [1, 2, 3, 4] and seqs(new) == [1]
    assert Stream.objects.get(key=f"user.{known.pk}").last_seq == 4


def test_a_center_board_and_its_people_are_numbered_apart():
    center, worker = ServiceCenterFactory(), WorkerFactory().user
    board = services.notify_board(center.pk, "board", {"change": "opened"})
    mine = services.notify_user(worker.pk, "hired", {})
    assert (board.seq, mine.seq) == (1, 1)
    assert services.notify_board(center.pk, "board", {"change": "slots"}).seq == 2


def test_numbering_a_batch_to_three_hundred_people_is_one_statement():
    """A hire stores its news while it holds the gig's lock, and a wave offers a gig to hundreds at once: every
    recipient's stream is moved on, locked and read back in one round trip (the rows then go in as the database
    batches an insert)."""
    people = [WorkerFactory().user for _ in range(300)]
    services.notify_user(people[0].pk, "reminder", {})  # a known stream among the new ones
    with transaction.atomic(), CaptureQueriesContext(connection) as batch:
        services.notify_each("offer", [(person.pk, {"wave": 1}) for person in people])
    on_streams = [query["sql"] for query in batch.captured_queries if "notifications_stream" in query["sql"]]
    assert len(on_streams) == 1, on_streams
    assert seqs(people[0]) == [1, 2] and seqs(people[-1]) == [1]


def test_batches_larger_than_one_statement_takes_are_numbered_the_same(monkeypatch):
    monkeypatch.setattr(services, "STREAMS_PER_STATEMENT", 2)
    people = [WorkerFactory().user for _ in range(5)]
    services.notify_user(people[3].pk, "reminder", {})
    rows = services.notify_each("offer", [(person.pk, {}) for person in people + people[:1]])
    assert [row.seq for row in rows] == [1, 1, 1, 2, 1, 2]
    assert Notification.objects.filter(user__in=people).count() == 7
