"""The trade taxonomy each process keeps (jobs.selectors.trade_tree): a worker filtering the feed by a trade gets
that trade, whether it was added a minute ago here or in another process."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from jobs.models import Category
from jobs.selectors import TAXONOMY, trade_ids_by_code, trade_tree
from tests.factories import GigFactory, TradeFactory, TradeGroupFactory
from tests.helpers import field_errors
from zero_gig import kept

pytestmark = pytest.mark.django_db


def feed(trades: str):
    return APIClient().get("/api/gigs/nearby/", {"latitude": 35.069, "longitude": 109.0756, "trades": trades})


def test_the_feed_filters_by_trade_without_reading_the_taxonomy_each_time():
    mason = TradeFactory(code="mason", name="瓦工")
    gig = GigFactory(category=mason)
    GigFactory(category=TradeFactory(code="cleaner", name="保洁"))
    assert [g["id"] for g in feed("mason").json()["results"]] == [gig.pk]
    with CaptureQueriesContext(connection) as queries:
        assert [g["id"] for g in feed("mason").json()["results"]] == [gig.pk]
    assert not [q for q in queries if "jobs_category" in q["sql"] and "jobs_gig" not in q["sql"]]


def test_a_trade_added_by_another_process_is_found_at_once():
    group = TradeGroupFactory()
    assert trade_ids_by_code(["tiler"]) == {}
    # bulk_create sends no signal: as if another process had added it
    Category.objects.bulk_create([Category(parent=group, code="tiler", name="贴砖工", pay_units=["day"])])
    tiler = Category.objects.get(code="tiler")
    assert trade_ids_by_code(["tiler"]) == {"tiler": tiler.pk}
    assert feed("tiler").status_code == 200


def test_a_trade_changed_here_is_seen_at_once_and_one_changed_elsewhere_within_a_minute(monkeypatch):
    painter = TradeFactory(code="painter", name="油漆工")
    assert "油漆工" in [t.name for _group, trades in trade_tree() for t in trades]
    painter.name = "油工"
    painter.save()
    assert "油工" in [t.name for _group, trades in trade_tree() for t in trades]

    Category.objects.filter(pk=painter.pk).update(code="decorator")  # another process, no signal
    assert trade_ids_by_code(["painter"]) == {"painter": painter.pk}  # kept for a while ...
    later = kept.monotonic() + TAXONOMY.seconds
    monkeypatch.setattr(kept, "monotonic", lambda: later)
    assert trade_ids_by_code(["painter"]) == {}  # ... then read again
    assert field_errors(feed("painter"))["trades"] == ["Unknown trade: painter."]


def test_groups_are_not_trades():
    group = TradeGroupFactory(code="construction")
    TradeFactory(parent=group)
    assert trade_ids_by_code(["construction", "labourer"]).keys() == {"labourer"}
