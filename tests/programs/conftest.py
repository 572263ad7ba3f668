import datetime as dt

import pytest
from django.utils import timezone

from programs import services
from tests.factories import CenterStaffFactory, ServiceCenterFactory, TradeFactory, TradeGroupFactory

YAOZHOU = (34.9100, 108.9800)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def center(db):
    return ServiceCenterFactory(name="王益区零工服务中心（测试）")


@pytest.fixture
def other_center(db):
    return ServiceCenterFactory(name="耀州区零工服务中心（测试）", region_code="610204",
                                latitude=YAOZHOU[0], longitude=YAOZHOU[1])


@pytest.fixture
def staff(center):
    return CenterStaffFactory(center=center).user


@pytest.fixture
def other_staff(other_center):
    return CenterStaffFactory(center=other_center).user


@pytest.fixture
def electrician(db):
    return TradeFactory(code="electrician", name="电工", parent=TradeGroupFactory(code="repair", name="装修维修"))


@pytest.fixture
def make_fair(center, staff, now):
    def make(capacity=2, starts_in=dt.timedelta(days=3), hours=4, actor=None, **fields):
        fields.setdefault("center", center)
        return services.create_fair(actor=actor or staff,
                                    title="春风行动现场招聘会", place="中心一楼大厅",
                                    starts_at=now + starts_in, ends_at=now + starts_in + dt.timedelta(hours=hours),
                                    capacity=capacity, **fields)
    return make


@pytest.fixture
def make_course(center, staff, electrician, now):
    def make(capacity=2, trade=None, sessions=2):
        first = now + dt.timedelta(days=2)
        return services.create_course(
            actor=staff, center=center, trade=trade or electrician, title="低压电工实操培训", place="中心二楼培训室",
            capacity=capacity, sessions=[(first + dt.timedelta(days=d), first + dt.timedelta(days=d, hours=3))
                                         for d in range(sessions)])
    return make
