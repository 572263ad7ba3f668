"""A small market for wage complaints: a center open 9:00–17:00 on working days, its staff, an employer, a
worker whose work is done and whose pay was recorded but never arrived."""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from centers.models import OpenDays
from jobs.models import AssignmentStatus, CheckInMethod, GigStatus, PayStatus
from tests.factories import (
    AssignmentFactory,
    CenterStaffFactory,
    CityAdminFactory,
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
    WorkerFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def photo(name="pay-slip.jpg", kind="JPEG", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=kind)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@dataclass
class Market:
    center: object
    staff: object
    other_staff: object
    city_admin: object
    employer: object
    worker: object
    other_worker: object

    def done_assignment(self, worked_at: dt.datetime, worker=None, **fields):
        """Worked 08:00–16:00 on `worked_at`'s day; the employer recorded 180 yuan the worker never received."""
        gig = GigFactory(employer=self.employer, center=self.center, status=GigStatus.COMPLETED,
                         starts_at=worked_at - dt.timedelta(hours=8), ends_at=worked_at)
        values = {"status": AssignmentStatus.COMPLETED, "pay_status": PayStatus.RECORDED,
                  "accepted_at": worked_at - dt.timedelta(days=1), "checked_in_at": worked_at - dt.timedelta(hours=8),
                  "check_in_method": CheckInMethod.GPS, "checked_out_at": worked_at, "minutes_worked": 480,
                  "completed_at": worked_at, "pay_quantity": 1, "amount_due": Decimal("180.00"),
                  "pay_recorded_at": worked_at, **fields}
        return AssignmentFactory(gig=gig, worker=worker or self.worker, **values)


@pytest.fixture
def market(db):
    center = ServiceCenterFactory(opens_at=dt.time(9), closes_at=dt.time(17), open_days=OpenDays.WORKING_DAYS,
                                  opening_hours="周一至周五 9:00–17:00")
    other_center = ServiceCenterFactory(region_code="610204")
    return Market(center=center, staff=CenterStaffFactory(center=center).user,
                  other_staff=CenterStaffFactory(center=other_center).user, city_admin=CityAdminFactory(),
                  employer=EmployerFactory(), worker=WorkerFactory(), other_worker=WorkerFactory())
