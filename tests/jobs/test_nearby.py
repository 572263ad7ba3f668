"""Workers find open gigs near them: within the radius, nearest first, filtered, a page at a time."""

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from jobs.models import Gig, GigStatus
from jobs.selectors import NearbyQuery, encode_cursor, feed_statement, full_scan_nearby_ids, nearby_gigs
from tests.factories import EmployerFactory, GigFactory, ServiceCenterFactory, TradeFactory
from tests.helpers import field_errors, generic_plan
from zero_gig.geo import LocalPlane, Point, distance_km, plane_error_km

pytestmark = pytest.mark.django_db
HOME = Point(35.0690, 109.0756)


def gig_at(km_north: float, **fields):
    return GigFactory(latitude=HOME.lat + km_north / 111.0, longitude=HOME.lng, **fields)


def ids(page):
    return [gig.pk for gig, _distance in page.results]


def test_open_gigs_within_the_radius_come_nearest_first_with_their_distances():
    far = gig_at(4.0)
    near = gig_at(0.5)
    middle = gig_at(2.0)
    gig_at(6.0)  # outside 5 km
    gig_at(1.0, status=GigStatus.FILLED)
    gig_at(1.5, status=GigStatus.PENDING_REVIEW)
    page = nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, radius_km=5))
    assert ids(page) == [near.pk, middle.pk, far.pk]
    for gig, distance in page.results:  # geopy's geodesic, to the plane's bound (3 mm at 12 km)
        assert distance == pytest.approx(distance_km(HOME, gig.point), abs=plane_error_km(distance))
    assert page.next_cursor is None


def test_the_same_gigs_in_the_same_order_as_measuring_every_gig_exactly():
    rng = random.Random(7)
    employer, trade = EmployerFactory(), TradeFactory()
    gigs = [GigFactory(employer=employer, category=trade, latitude=HOME.lat + rng.uniform(-0.15, 0.15),
                       longitude=HOME.lng + rng.uniform(-0.18, 0.18)) for _ in range(150)]
    for radius in (1, 3, 5, 12):
        for _ in range(5):
            here = Point(HOME.lat + rng.uniform(-0.1, 0.1), HOME.lng + rng.uniform(-0.1, 0.1))
            exact = sorted((distance_km(here, gig.point), gig.pk) for gig in gigs)
            expected = [pk for km, pk in exact if km <= radius]
            query = NearbyQuery(here.lat, here.lng, radius_km=radius, limit=200)
            assert ids(nearby_gigs(query)) == expected
            # Nearest-first pages widen a small disc: the first page and the next are still exact.
            page = nearby_gigs(NearbyQuery(here.lat, here.lng, radius_km=radius, limit=3))
            assert ids(page) == expected[:3]
            if page.next_cursor:
                following = NearbyQuery(here.lat, here.lng, radius_km=radius, limit=3, cursor=page.next_cursor)
                assert ids(nearby_gigs(following)) == expected[3:6]
            # The naive haversine scan (the benchmark's baseline) finds the same set, but for gigs right at the
            # edge, where the sphere and the ellipsoid disagree by up to 0.5%.
            differ = set(full_scan_nearby_ids(query)) ^ set(expected)
            assert all(abs(km - radius) < radius * 0.005 for km, pk in exact if pk in differ)


def test_filters_by_trade_pay_and_start_window():
    labourer = TradeFactory()
    cleaner = TradeFactory(code="cleaner", name="保洁员", pay_units=["hour"])
    tomorrow = timezone.now() + dt.timedelta(days=1)
    cheap = gig_at(1, category=labourer, pay_amount=Decimal("170"))
    rich = gig_at(2, category=labourer, pay_amount=Decimal("260"))
    later = gig_at(3, category=labourer, pay_amount=Decimal("300"), starts_at=tomorrow + dt.timedelta(days=3))
    hourly = gig_at(1, category=cleaner, pay_amount=Decimal("28"), pay_unit="hour")
    assert ids(nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, trade_ids=[cleaner.pk]))) == [hourly.pk]
    assert ids(nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, pay_unit="day", min_pay=Decimal("250")))) == [
        rich.pk, later.pk]
    window = NearbyQuery(HOME.lat, HOME.lng, trade_ids=[labourer.pk], starts_before=tomorrow + dt.timedelta(days=1))
    assert ids(nearby_gigs(window)) == [cheap.pk, rich.pk]


def test_sorting_by_pay_or_by_start():
    soon = timezone.now() + dt.timedelta(hours=5)
    a = gig_at(1, pay_amount=Decimal("170"), starts_at=soon + dt.timedelta(days=2))
    b = gig_at(2, pay_amount=Decimal("300"), starts_at=soon + dt.timedelta(days=1))
    c = gig_at(3, pay_amount=Decimal("200"), starts_at=soon)
    assert ids(nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, sort="pay", pay_unit="day"))) == [b.pk, c.pk, a.pk]
    assert ids(nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, sort="start"))) == [c.pk, b.pk, a.pk]


def test_best_paid_first_compares_pay_in_one_unit_only():
    """35 yuan an hour is not less than 200 a day, nor 500 a job more: sorting by pay asks for the unit."""
    day = gig_at(1, pay_amount=Decimal("200"))
    gig_at(2, pay_amount=Decimal("35"), pay_unit="hour")
    gig_at(3, pay_amount=Decimal("500"), pay_unit="job")
    better_day = gig_at(4, pay_amount=Decimal("260"))
    with pytest.raises(ValidationError) as refused:
        nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, sort="pay"))
    assert "pay unit" in " ".join(refused.value.message_dict["pay_unit"])
    assert ids(nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, sort="pay", pay_unit="day"))) == [better_day.pk, day.pk]


def test_the_feed_over_http_asks_which_pay_unit_to_sort_by():
    gig_at(1)
    response = APIClient().get("/api/gigs/nearby/", {"latitude": HOME.lat, "longitude": HOME.lng, "sort": "pay"})
    assert response.status_code == 400
    assert "pay unit" in " ".join(field_errors(response)["pay_unit"])
    response = APIClient().get("/api/gigs/nearby/", {"latitude": HOME.lat, "longitude": HOME.lng, "sort": "pay",
                                                     "pay_unit": "day"})
    assert response.status_code == 200 and len(response.json()["results"]) == 1


@pytest.mark.parametrize("sort", ["distance", "pay", "start"])
def test_cursor_pages_walk_every_gig_once(sort):
    rng = random.Random(3)
    expected = {gig_at(rng.uniform(0, 4.9), pay_amount=Decimal(rng.randrange(170, 300))).pk for _ in range(23)}
    seen, cursor, pages = [], None, 0
    while True:
        page = nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, limit=5, sort=sort, cursor=cursor, pay_unit="day"))
        seen += ids(page)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 5 and len(seen) == 23 and set(seen) == expected


@pytest.mark.parametrize("cursor", ["not-base64!!", "W10", "eyJhIjogMX0", "WyJ4IiwgMV0"])
def test_a_malformed_cursor_is_a_field_error(cursor):
    with pytest.raises(ValidationError) as refused:
        nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, cursor=cursor))
    assert "cursor" in refused.value.message_dict


def test_gigs_that_have_started_are_not_offered():
    gig_at(1, starts_at=timezone.now() - dt.timedelta(minutes=5))
    assert ids(nearby_gigs(NearbyQuery(HOME.lat, HOME.lng))) == []


@pytest.mark.parametrize("sort", ["distance", "pay", "start"])
def test_gigs_at_the_same_spot_and_pay_page_without_loss_or_repeat(sort):
    """Ties on every sort value are broken by id, so a cursor resumes exactly where the page ended."""
    starts = timezone.now() + dt.timedelta(days=1)
    expected = [gig_at(1.0, pay_amount=Decimal("188.50"), starts_at=starts).pk for _ in range(7)]
    seen, cursor = [], None
    while True:
        page = nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, limit=3, sort=sort, cursor=cursor, pay_unit="day"))
        seen += ids(page)
        if not (cursor := page.next_cursor):
            break
    assert seen == sorted(expected)


@pytest.mark.parametrize(("sort", "key"), [
    ("distance", [float("nan"), 1]),
    ("distance", [-4.0, 1]),
    ("distance", [100.0, 1.5]),
    ("distance", [True, 1]),
    ("pay", [-1e300, 100.0, 1]),
    ("start", [1e300, 100.0, 1]),
    ("start", [100.0, 1]),
])
def test_a_cursor_with_impossible_values_is_a_field_error(sort, key):
    with pytest.raises(ValidationError) as refused:
        nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, sort=sort, pay_unit="day", cursor=encode_cursor(key)))
    assert "cursor" in refused.value.message_dict


def test_a_page_is_one_statement_when_the_first_disc_holds_it(django_assert_num_queries):
    for _ in range(25):
        gig_at(0.4)
    with django_assert_num_queries(1):
        page = nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, limit=20))
    assert len(page.results) == 20 and page.next_cursor


def test_a_sparse_area_widens_the_disc_and_keeps_what_it_found(django_assert_num_queries):
    near = [gig_at(0.3 + 0.1 * n).pk for n in range(2)]
    far = [gig_at(3.0 + 0.2 * n).pk for n in range(3)]
    with django_assert_num_queries(3):  # 1 km, 2.5 km, 5 km
        page = nearby_gigs(NearbyQuery(HOME.lat, HOME.lng, limit=4))
    assert ids(page) == near + far[:2] and page.next_cursor


def scattered_gigs(count: int, trades: int = 1) -> None:
    """`count` gigs within ~20 km of HOME in `trades` trades, two in three of them open."""
    rng = random.Random(11)
    employer, center = EmployerFactory(), ServiceCenterFactory()
    categories = [TradeFactory() for _ in range(trades)]
    gigs = []
    for n in range(count):
        gig = GigFactory.build(employer=employer, category=categories[n % trades], center=center,
                               code=f"P{n:07d}", latitude=HOME.lat + rng.uniform(-0.2, 0.2),
                               longitude=HOME.lng + rng.uniform(-0.2, 0.2),
                               status=GigStatus.OPEN if n % 3 else GigStatus.COMPLETED)
        gig.refresh_cells()
        gigs.append(gig)
    Gig.objects.bulk_create(gigs)


@pytest.mark.parametrize(("trades", "index"), [(False, "gig_open_cells"), (True, "gig_open_trade_cells")])
def test_the_feed_statement_searches_runs_of_cells_in_the_partial_index(trades, index):
    """The statement names the open status itself, so the gig_open_* indexes (WHERE status = 'open') apply,
    and each run of cells is a range search in it.

    SQLite is told the index by name (and fails if it cannot use it). PostgreSQL picks by its statistics, so
    here it is left no other index on the status: whether it takes the feed's index then shows that it may.
    """
    scattered_gigs(3000, trades=4)
    trade_ids = [Gig.objects.values_list("category_id", flat=True).first()] if trades else None
    sql, params = feed_statement(NearbyQuery(HOME.lat, HOME.lng, trade_ids=trade_ids), LocalPlane.around(HOME),
                                 1.0, None, 21, timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":  # the test's transaction rolls this back
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'jobs_gig' "
                           "AND indexname LIKE 'jobs_gig_status%'")
            for (index_name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{index_name}"')
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ") + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert index in plan, plan
    assert re.search(r"h3_r9\)?(::text)? ?>=? ?(\?|\(?cover\.lo)", plan), plan  # a range search, not a full scan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_a_one_trade_search_keeps_the_trade_in_the_index_search_once_the_statement_is_prepared():
    """The feed runs as a prepared statement, planned once for any parameters (a generic plan).

    The trade must then still narrow the index search; written as `= ANY(array)` it was left to a
    filter after reading every trade's gigs in the cells, 5× slower on the wider discs.
    """
    scattered_gigs(3000, trades=8)
    trade = Gig.objects.values_list("category_id", flat=True).first()
    query = NearbyQuery(HOME.lat, HOME.lng, trade_ids=[trade])
    sql, params = feed_statement(query, LocalPlane.around(HOME), 3.75, None, 21, timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = " ".join(row[0] for row in generic_plan(sql, params))
    assert "gig_open_trade_cells" in plan, plan
    index_search = re.split("->|Filter:", plan.split("gig_open_trade_cells", 1)[1].split("Index Cond:", 1)[1])[0]
    assert "category_id" in index_search, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index-only scans")
@pytest.mark.parametrize("trades", [False, True], ids=["any trade", "one trade"])
@pytest.mark.parametrize(("sort", "pay_unit", "min_pay"), [
    ("distance", None, None), ("distance", "day", Decimal("150")), ("pay", "day", None), ("start", None, None)])
def test_every_order_and_filter_of_the_feed_reads_its_shortlist_from_the_index_alone(trades, sort, pay_unit,
                                                                                      min_pay):
    """A 5 km disc of any trade holds ~10,000 open gigs in a city: best paid first read each of them from the table
    (32 ms on the benchmark's data) until the index carried the pay; now only the page's rows are read there."""
    scattered_gigs(3000, trades=4)
    trade_ids = [Gig.objects.values_list("category_id", flat=True).first()] if trades else None
    query = NearbyQuery(HOME.lat, HOME.lng, radius_km=20, trade_ids=trade_ids, pay_unit=pay_unit, min_pay=min_pay,
                        sort=sort)
    sql, params = feed_statement(query, LocalPlane.around(HOME), 20.0, None, 21, timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE jobs_gig")
        # Whether the index can answer alone, not what this small, unvacuumed table's statistics make cheapest
        # (the transaction rolls these back).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    plan = [row[0] for row in generic_plan(sql, params)]
    shortlist = [line for line in plan if "gig_open" in line]
    assert shortlist and all("Index Only Scan" in line for line in shortlist), "\n".join(plan)


def test_feed_cards_carry_the_gig_as_stored_with_its_types():
    gig = gig_at(1.0, pay_amount=Decimal("188.50"))
    (card, _km), = nearby_gigs(NearbyQuery(HOME.lat, HOME.lng)).results
    assert (card.id, card.code, card.title, card.pay_amount, card.starts_at, card.ends_at, card.slots_left) == (
        gig.pk, gig.code, gig.title, Decimal("188.50"), gig.starts_at, gig.ends_at, gig.headcount)
    assert isinstance(card.pay_amount, Decimal) and card.starts_at.tzinfo is not None
    assert (card.category.code, card.center.name, card.center.is_demo, card.employer.name) == (
        gig.category.code, gig.center.name, gig.center.is_demo, gig.employer.name)
    assert isinstance(card.center.is_demo, bool)
