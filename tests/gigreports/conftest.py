"""A small market for the report-and-hold stories: a verified employer's open gig at 王益区's center, a worker
hired on it, and enough workers of the trade to report it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jobs.models import AssignmentStatus
from tests.factories import (
    AssignmentFactory,
    CenterStaffFactory,
    EmployerFactory,
    GigFactory,
    QualifiedWorkerFactory,
    ServiceCenterFactory,
)


def photo(name: str = "sign.jpg", kind: str = "JPEG", size=(64, 48), exif: bool = False) -> SimpleUploadedFile:
    """A small real picture; with `exif`, a JPEG carrying a GPS position, as phones write them."""
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    extra = {}
    if exif:
        data = Image.Exif()
        data[0x8825] = {1: "N", 2: (35.0, 4.0, 8.4)}  # GPSInfo: latitude of the worker's phone
        data[0x010F] = "PhoneMaker"
        extra["exif"] = data
    image.save(buffer, format=kind, **extra)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{kind.lower()}")


class Market:
    def __init__(self):
        self.center = ServiceCenterFactory(name="王益区零工服务中心（测试）")
        self.other_center = ServiceCenterFactory(name="耀州区零工服务中心（测试）", region_code="610204")
        self.employer = EmployerFactory(name="假工地（测试）")
        self.gig = GigFactory(employer=self.employer, center=self.center, headcount=3, title="高薪日结")
        self.hired = QualifiedWorkerFactory()
        AssignmentFactory(gig=self.gig, worker=self.hired, status=AssignmentStatus.ACCEPTED)
        self.gig.accepted_count = 1
        self.gig.save(update_fields=["accepted_count"])
        self.reporters = [QualifiedWorkerFactory() for _ in range(3)]
        self.staff = CenterStaffFactory(center=self.center).user
        self.other_staff = CenterStaffFactory(center=self.other_center).user


@pytest.fixture
def market(db, settings):
    settings.GIG_REPORTS = {**settings.GIG_REPORTS, "REPORTS_TO_HOLD": 3}
    return Market()
