"""Live market rates: what gigs of a trade paid lately, per unit and area, as count, p25, median and p75."""

import datetime as dt
import random
import statistics
from decimal import Decimal

import pytest
from django.utils import timezone

from jobs.models import Gig, GigStatus
from tests.factories import GigFactory, ServiceCenterFactory, TradeFactory
from wages.models import MarketRate
from wages.services import quartiles, refresh_market_rates


def brute_force_quantile(values, p):
    """Linear interpolation between closest ranks, written out: rank p·(n−1) from the smallest."""
    ordered = sorted(values)
    rank = Decimal(p) * (len(ordered) - 1)
    below = int(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


@pytest.mark.parametrize("seed", range(5))
def test_quartiles_agree_with_statistics_and_with_brute_force(seed):
    rng = random.Random(seed)
    values = [Decimal(rng.randint(1000, 40000)) / 100 for _ in range(rng.randint(2, 40))]
    got = quartiles(sorted(values))
    assert list(got) == statistics.quantiles(values, n=4, method="inclusive")
    assert list(got) == [brute_force_quantile(values, p) for p in ("0.25", "0.5", "0.75")]


def test_one_gig_is_its_own_quartiles():
    assert quartiles([Decimal("180")]) == (Decimal("180"),) * 3


def gig_at(trade, center, pay, days_ago, unit="day", status=GigStatus.OPEN):
    gig = GigFactory(category=trade, center=center, pay_amount=Decimal(pay), pay_unit=unit, status=status)
    Gig.objects.filter(pk=gig.pk).update(created_at=timezone.now() - dt.timedelta(days=days_ago))
    return gig


@pytest.mark.django_db
def test_rates_per_trade_unit_area_and_window_from_known_gigs():
    trade = TradeFactory()
    wangyi, yintai = ServiceCenterFactory(region_code="610202"), ServiceCenterFactory(region_code="610203")
    recent = [150, 160, 170, 180, 200]
    for pay in recent:
        gig_at(trade, wangyi, pay, days_ago=3)
    gig_at(trade, wangyi, 300, days_ago=60)            # counted over 90 days, not over 30
    gig_at(trade, wangyi, 999, days_ago=120)           # too old for either
    gig_at(trade, yintai, 220, days_ago=5)
    gig_at(trade, wangyi, 25, days_ago=5, unit="hour")  # another unit
    gig_at(trade, wangyi, 10, days_ago=5, status=GigStatus.PENDING_REVIEW)  # never on the market
    gig_at(trade, wangyi, 11, days_ago=5, status=GigStatus.DRAFT)

    assert refresh_market_rates() == MarketRate.objects.count()
    rate = {(r.pay_unit, r.region_code, r.window_days): r for r in MarketRate.objects.all()}

    def figures(unit, area, days):
        r = rate[(unit, area, days)]
        return r.gigs, float(r.p25), float(r.median), float(r.p75)

    def expected(pays):
        return (len(pays), *(float(q) for q in statistics.quantiles([Decimal(p) for p in pays], n=4,
                                                                     method="inclusive")))

    assert figures("day", "610202", 30) == expected(recent)
    assert figures("day", "610202", 90) == expected([*recent, 300])
    assert figures("day", "", 30) == expected([*recent, 220])
    assert figures("day", "", 90) == expected([*recent, 300, 220])
    assert figures("day", "610203", 30) == (1, 220.0, 220.0, 220.0)
    assert figures("hour", "610202", 30) == (1, 25.0, 25.0, 25.0)

    # rebuilt, not added to: the old gigs age out
    Gig.objects.update(created_at=timezone.now() - dt.timedelta(days=200))
    assert refresh_market_rates() == 0 and not MarketRate.objects.exists()


@pytest.mark.django_db
def test_the_scheduler_rebuilds_the_rates():
    from jobs.scheduler import run_due_duties

    gig_at(TradeFactory(), ServiceCenterFactory(), 180, days_ago=1)
    done = run_due_duties(timezone.now())
    assert done["refresh_market_rates"] == 4  # day × (district, city) × (30, 90 days)
