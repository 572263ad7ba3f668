import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import GigFactory, TradeFactory, WageFloorFactory, WorkerFactory
from workers.models import WorkerTrade


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def make_worker(db):
    """A worker who does the given trade (the labourer trade by default)."""

    def make(trade=None, **fields):
        worker = WorkerFactory(**fields)
        WorkerTrade.objects.create(worker=worker, category=trade or TradeFactory(), years_experience=3)
        return worker

    return make


@pytest.fixture
def open_gig(db, now):
    """A verified employer's instant gig for 2 labourers tomorrow, 180 yuan a day, in 王益区."""
    WageFloorFactory()
    return GigFactory(starts_at=now + dt.timedelta(days=1), headcount=2)
