import datetime as dt

import pytest
from django.utils import timezone

from jobs.models import HiringMode
from tests.factories import (
    CenterStaffFactory,
    EmployerFactory,
    GigFactory,
    QualifiedWorkerFactory,
    ServiceCenterFactory,
    WageFloorFactory,
)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def gig_center(db):
    return ServiceCenterFactory(name="王益区零工服务中心（测试）", contact_phone="0919-3181234",
                                address="王益区（测试地址）")


@pytest.fixture
def employer(db):
    return EmployerFactory(name="王益建筑队（测试）", kind="organisation", credit_code="91350100M000100Y43")


@pytest.fixture
def gig(db, now, gig_center, employer):
    """An organisation's instant gig for 2 labourers tomorrow, 180 yuan a day, at a site with a street address."""
    WageFloorFactory()
    return GigFactory(employer=employer, center=gig_center, starts_at=now + dt.timedelta(days=1), headcount=2,
                      description="搬砖、清理工地", site_address="王益区红旗街1号（测试工地）")


@pytest.fixture
def application_gig(gig):
    gig.hiring_mode = HiringMode.APPLICATION
    gig.save(update_fields=["hiring_mode"])
    return gig


@pytest.fixture
def worker(db, gig):
    return QualifiedWorkerFactory(trades=[gig.category], display_name="李师傅", user__phone="13912345678")


@pytest.fixture
def other_worker(db, gig):
    return QualifiedWorkerFactory(trades=[gig.category])


@pytest.fixture
def staff(gig_center):
    return CenterStaffFactory(center=gig_center).user


@pytest.fixture
def other_staff(db):
    return CenterStaffFactory(center=ServiceCenterFactory(name="耀州区零工服务中心（测试）",
                                                          region_code="610204")).user
