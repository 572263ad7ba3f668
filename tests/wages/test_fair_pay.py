"""Every gig says whether its pay is below, fair or above the wage guide and the market, in words; an employer
posting below the guide is warned (not refused); a post that asks workers to pay anything is refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs import services
from tests.api.conftest import World
from tests.factories import EmployerFactory, GigFactory, ServiceCenterFactory, TradeFactory, WageFloorFactory
from tests.helpers import field_errors
from wages.models import FeeWord, MarketRate, WageGuide, WageTablesVersion
from wages.selectors import TABLES_TOKEN, FairPayBook, fair_pay_of, fee_words_in
from wages.services import refresh_market_rates
from zero_gig import kept

pytestmark = pytest.mark.django_db


def guide(trade, unit="day", low="150", median="175", high="200", region="", **extra):
    return WageGuide.objects.create(trade=trade, pay_unit=unit, region_code=region, low=Decimal(low),
                                    median=Decimal(median), high=Decimal(high), effective_from=dt.date(2024, 1, 1),
                                    source="市人社局", **extra)


def market(trade, unit="day", p25="160", median="180", p75="190", gigs=12, region="", days=30):
    return MarketRate.objects.create(trade=trade, pay_unit=unit, region_code=region, window_days=days, gigs=gigs,
                                     p25=Decimal(p25), median=Decimal(median), p75=Decimal(p75),
                                     computed_at=dt.datetime.now(dt.UTC))


def label(gig):
    return FairPayBook.load().fair_pay(gig)


@pytest.mark.parametrize(("pay", "expected"), [("149.99", "below"), ("150", "fair"), ("200", "fair"),
                                               ("200.01", "above")])
def test_the_guide_decides_the_label_at_its_low_and_high(pay, expected):
    trade = TradeFactory()
    guide(trade)
    market(trade, p25="300", p75="400")  # the market says otherwise; the guide has the last word
    fair = label(GigFactory(category=trade, pay_amount=Decimal(pay)))
    assert (fair.label, fair.guide_position, fair.market_position) == (expected, expected, "below")
    assert fair.words in {"Below the usual pay", "Fair pay", "Above the usual pay"}


def test_a_districts_own_guide_line_comes_before_the_citys():
    trade = TradeFactory()
    guide(trade, low="150", high="200")
    guide(trade, low="100", median="110", high="120", region="610222")
    yijun = ServiceCenterFactory(region_code="610222")
    assert label(GigFactory(category=trade, pay_amount=Decimal("130"), center=yijun)).label == "above"
    assert label(GigFactory(category=trade, pay_amount=Decimal("130"))).label == "below"


def test_without_a_guide_the_market_decides_and_only_with_enough_gigs():
    trade = TradeFactory()
    market(trade, gigs=4, p25="160", p75="190")
    gig = GigFactory(category=trade, pay_amount=Decimal("150"))
    fair = label(gig)
    assert fair.label == "unknown" and fair.words == "No pay comparison yet"
    market(trade, gigs=5, p25="160", p75="190", days=90)
    fair = label(gig)
    assert (fair.label, fair.market.window_days) == ("below", 90)
    assert "Recent gigs (5 in 90 days)" in fair.basis


def test_the_implied_hourly_rate_of_piece_and_job_pay_is_shown_against_the_minimum():
    WageFloorFactory(region_code="610202", hourly_minimum=Decimal("20.00"))
    bagging = TradeFactory(code="apple_bagging", name="苹果套袋", pay_units=["piece", "day"])
    guide(bagging, unit="piece", low="0.08", median="0.09", high="0.10")
    gig = GigFactory(category=bagging, pay_unit="piece", pay_amount=Decimal("0.09"), expected_pieces_per_day=5000,
                     max_pieces=8000)
    fair = label(gig)
    assert (fair.label, fair.hourly_rate, fair.hourly_minimum, fair.below_minimum) == (
        "fair", Decimal("56.25"), Decimal("20.00"), False)
    locks = TradeFactory(code="locksmith", name="开锁换锁", pay_units=["job"])
    slow = GigFactory(category=locks, pay_unit="job", pay_amount=Decimal("60"), expected_hours=Decimal("4"))
    assert (label(slow).hourly_rate, label(slow).below_minimum) == (Decimal("15.00"), True)


def test_a_list_is_labelled_in_a_fixed_number_of_queries_however_long():
    trade = TradeFactory()
    guide(trade)
    gigs = [GigFactory(category=trade, pay_amount=Decimal(140 + i * 5)) for i in range(20)]
    with CaptureQueriesContext(connection) as first:
        labels = fair_pay_of(gigs)
    with CaptureQueriesContext(connection) as again:
        assert fair_pay_of(gigs) == labels
    assert len(first) == 4  # the tables' version, then guide lines, market rates, minimum wages
    assert len(again) == 0  # nothing changed: the kept version says so, without a read
    assert [labels[gig.pk].label for gig in gigs[:3]] == ["below", "below", "fair"]


def test_every_change_to_the_wage_tables_shows_in_the_next_label(monkeypatch):
    """The book is kept per process between requests; any write here (admin, import, refresh) must reach the next
    label all the same, and another process's within seconds."""
    trade = TradeFactory()
    gig = GigFactory(category=trade, pay_amount=Decimal("170"))
    assert label(gig).label == "unknown"
    line = guide(trade)
    assert label(gig).label == "fair"
    line.median, line.high = Decimal("155"), Decimal("160")
    line.save()
    assert label(gig).label == "above"
    line.delete()
    assert label(gig).label == "unknown"
    market(trade, p25="180", p75="200")
    assert label(gig).label == "below"
    MarketRate.objects.all().delete()  # one statement, no signal
    refresh_market_rates()
    assert label(gig).label == "unknown"
    floor = WageFloorFactory(region_code=gig.center.region_code, hourly_minimum=Decimal("30.00"))
    assert label(gig).below_minimum is True  # 170 a day is 21.25 an hour
    floor.hourly_minimum = Decimal("20.00")
    floor.save()
    assert label(gig).below_minimum is False
    # another process's write: only the version row says so, and it is enough
    WageGuide.objects.bulk_create([WageGuide(trade=trade, pay_unit="day", low=Decimal("100"), median=Decimal("110"),
                                             high=Decimal("120"), effective_from=dt.date(2024, 1, 1), source="x")])
    assert label(gig).label == "unknown"  # nothing said it changed: the kept book
    WageTablesVersion.objects.update(token="from-another-process")
    assert label(gig).label == "unknown"  # this process keeps the token it read for a few seconds ...
    later = kept.monotonic() + TABLES_TOKEN.seconds
    monkeypatch.setattr(kept, "monotonic", lambda: later)
    assert label(gig).label == "above"  # ... and then reads it again


def test_without_its_version_row_the_book_is_read_every_time():
    WageTablesVersion.objects.all().delete()  # as after a flush
    trade = TradeFactory()
    gig = GigFactory(category=trade, pay_amount=Decimal("170"))
    assert label(gig).label == "unknown"
    WageGuide.objects.bulk_create([WageGuide(trade=trade, pay_unit="day", low=Decimal("100"), median=Decimal("110"),
                                             high=Decimal("120"), effective_from=dt.date(2024, 1, 1), source="x")])
    assert label(gig).label == "above"
    guide(trade, region="610202", low="200", median="210", high="220")  # a write makes the row again
    assert WageTablesVersion.objects.count() == 1


def post(**overrides):
    WageFloorFactory(region_code="610202", hourly_minimum=Decimal("20.00"))
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    fields = dict(category=TradeFactory(), title="搬砖", headcount=2, pay_amount=Decimal("180"), pay_unit="day",
                  address="王益区", latitude=35.069, longitude=109.0756, starts_at=start,
                  ends_at=start + dt.timedelta(hours=8))
    fields.update(overrides)
    return services.create_gig(actor=EmployerFactory().owner, **fields)


@pytest.mark.parametrize("text", ["入职先交押金200元", "需交 押 金", "押-金", "收取培 训 费",
                                  "Pay a ＤＥＰＯＳＩＴ first", "training　fee 50", "保证金:100"])
def test_a_post_asking_workers_to_pay_is_refused_whatever_the_spacing_or_width(center, text):
    with pytest.raises(ValidationError) as refused:
        post(description=text)
    assert "Workers never pay anything" in refused.value.message_dict["description"][0]


def test_the_fee_words_are_data_staff_can_change(center):
    assert fee_words_in("工地小工，日结") == []
    FeeWord.objects.create(word="茶水费")
    with pytest.raises(ValidationError) as refused:
        post(title="茶水费自理")
    assert "茶水费" in refused.value.message_dict["title"][0]
    FeeWord.objects.filter(word="押金").update(is_active=False)
    assert post(description="不收押金").pk  # a word switched off no longer refuses


def test_the_api_warns_an_employer_posting_below_the_guide_but_posts_the_gig(db):
    world = World()
    WageFloorFactory()
    guide(world.trade, low="210", median="230", high="260")
    starts = world.now + dt.timedelta(days=2)
    body = {"trade": world.trade.code, "title": "搬砖", "headcount": 2, "pay_amount": "200.00", "pay_unit": "day",
            "address": "王益区（测试地点）", "latitude": 35.069, "longitude": 109.0756,
            "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=8)).isoformat()}
    posted = world.client("employer").post("/api/gigs/", body, format="json")
    assert posted.status_code == 201
    assert [w["code"] for w in posted.json()["warnings"]] == ["below_wage_guide"]
    assert "210–260" in posted.json()["warnings"][0]["detail"]
    assert posted.json()["fair_pay"]["label"] == "below"
    fair = world.client("worker").get(f"/api/gigs/{posted.json()['id']}/").json()["fair_pay"]
    assert (fair["words"], fair["guide"]["low"], fair["hourly_rate"]) == ("Below the usual pay", "210.00", "25.00")

    fine = world.client("employer").post("/api/gigs/", {**body, "pay_amount": "230"}, format="json")
    assert fine.status_code == 201 and fine.json()["warnings"] == []

    refused = world.client("employer").post("/api/gigs/", {**body, "description": "先交保证金"}, format="json")
    assert refused.status_code == 400 and "description" in field_errors(refused)


def test_the_nearby_feed_labels_each_card(db):
    world = World()
    guide(world.trade, low="100", median="150", high="170")
    found = world.client("anonymous").get("/api/gigs/nearby/", {"latitude": 35.069, "longitude": 109.0756}).json()
    labels = {gig["fair_pay"]["label"] for gig in found["results"]}
    assert labels and labels <= {"below", "fair", "above"}


def test_gigs_nested_in_a_list_of_assignments_are_each_labelled_against_their_own_trade():
    from api.serializers import AssignmentSerializer
    from tests.factories import AssignmentFactory

    labourer, cleaner = TradeFactory(), TradeFactory(code="cleaner", name="保洁员", pay_units=["hour"])
    guide(labourer)
    guide(cleaner, unit="hour", low="22", median="26", high="30")
    assignments = [AssignmentFactory(gig=GigFactory(category=labourer, pay_amount=Decimal("140"))),
                   AssignmentFactory(gig=GigFactory(category=cleaner, pay_unit="hour", pay_amount=Decimal("35")))]
    data = AssignmentSerializer(assignments, many=True, context={"request": None}).data
    assert [row["gig"]["fair_pay"]["label"] for row in data] == ["below", "above"]


@pytest.mark.parametrize("text", ["不收押金", "本岗位不收取任何押金、培训费", "无需缴纳押金", "免押金，日结",
                                  "不要押金", "无 押 金", "No deposit, paid daily", "free of any training fee",
                                  "Without a deposit", "不收押金。不收培训费！", "不收押金和培训费",
                                  "no deposit or training fee"])
def test_a_post_saying_it_asks_no_fee_is_posted(center, text):
    assert fee_words_in(text) == []
    assert post(description=text).pk


@pytest.mark.parametrize(("text", "word"), [("押金200元", "押金"), ("不收现金押金200", "押金"),
                                            ("不收现金，押金200元", "押金"), ("免押金，但要交培训费300", "培训费"),
                                            ("不收押金；押金另付", "押金"), ("Casino deposit required", "deposit"),
                                            ("no uniform, deposit 200", "deposit"), ("免面试需交押金", "押金")])
def test_a_negation_covers_only_the_fee_word_right_after_it_in_its_clause(center, text, word):
    assert word in fee_words_in(text)
    with pytest.raises(ValidationError):
        post(description=text)


def test_the_negation_words_are_data_too(center):
    from wages.models import FeeWordKind

    assert fee_words_in("押金全退") == ["押金"]
    FeeWord.objects.filter(word="不收").update(is_active=False)
    FeeWord.objects.filter(word="不收取").update(is_active=False)
    assert fee_words_in("不收押金") == ["押金"]  # a negation switched off no longer clears the post
    FeeWord.objects.create(word="绝不收", kind=FeeWordKind.NEGATION)
    assert fee_words_in("绝不收押金") == []
