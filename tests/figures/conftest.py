"""A known quarter at two centers (2026 Q1, with a spill into Q2), whose figures are worked out by hand in
test_known_figures.py. Times are Beijing time; some facts sit where the UTC day or quarter differs from the
local one, so that a wrong time zone shows."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from centers.models import HallVisit
from jobs.models import Assignment, AssignmentStatus, Gig, GigStatus
from programs.models import Course, Enrolment, FairGig, FairRegistration, JobFair
from tests.factories import (
    AssignmentFactory,
    CenterStaffFactory,
    CityAdminFactory,
    GigFactory,
    ServiceCenterFactory,
    TradeFactory,
    UserFactory,
    WorkerFactory,
)

BJ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BJ)


def gig(center, created: str, *, headcount: int, taken: int, status=GigStatus.OPEN, reviewed: str | None = None):
    made = GigFactory(center=center, headcount=headcount, accepted_count=taken, status=status,
                      reviewed_at=at(reviewed) if reviewed else None, starts_at=at(created) + dt.timedelta(days=3))
    Gig.objects.filter(pk=made.pk).update(created_at=at(created))
    made.refresh_from_db()
    return made


def assignment(gig_, worker, *, created: str, accepted: str | None = None, offered: bool = False,
               checked_in: str | None = None, status=None):
    status = status or (AssignmentStatus.CHECKED_IN if checked_in else
                        AssignmentStatus.ACCEPTED if accepted else AssignmentStatus.APPLIED)
    made = AssignmentFactory(gig=gig_, worker=worker, status=status, offered_at=at(created) if offered else None,
                             accepted_at=at(accepted) if accepted else None,
                             checked_in_at=at(checked_in) if checked_in else None)
    Assignment.objects.filter(pk=made.pk).update(created_at=at(created))
    return made


def visit(center, worker, day: str, staff):
    return HallVisit.objects.create(center=center, worker=worker, day=dt.date.fromisoformat(day),
                                    checked_in_at=at(f"{day}T08:00"), checked_in_by=staff)


@dataclass
class Known:
    a: object
    b: object
    staff_a: object
    staff_b: object
    admin: object
    workers: list


@pytest.fixture
def known(db):
    a, b = ServiceCenterFactory(name="甲中心"), ServiceCenterFactory(name="乙中心")
    staff_a = CenterStaffFactory(center=a).user
    staff_b = CenterStaffFactory(center=b).user
    admin = CityAdminFactory()
    w1, w2, w3, w4 = (WorkerFactory() for _ in range(4))

    # 甲: a gig of 2 filled in 24 hours (w1 applied and took it at once, w2 accepted an offer next day).
    g1 = gig(a, "2026-01-05T09:00", headcount=2, taken=2, status=GigStatus.FILLED)
    assignment(g1, w1, created="2026-01-05T12:00", accepted="2026-01-05T12:00", checked_in="2026-01-07T08:00")
    assignment(g1, w2, created="2026-01-05T10:00", offered=True, accepted="2026-01-06T09:00")
    # 甲: a reviewed gig of 3 with one slot taken; a draft (no opening); an offer nobody took (no seeker).
    g2 = gig(a, "2026-02-10T10:00", headcount=3, taken=1, reviewed="2026-02-10T14:00")
    assignment(g2, w1, created="2026-02-11T10:00", accepted="2026-02-11T10:00")
    assignment(g2, w3, created="2026-02-11T11:00", offered=True, status=AssignmentStatus.DECLINED)
    gig(a, "2026-01-05T09:30", headcount=5, taken=0, status=GigStatus.DRAFT)
    # 乙: posted at 00:30 on 6 January Beijing time (still 5 January in UTC), filled in 2 hours; its worker
    # checked in at 23:00 on 31 March (Q1 here, though 15:00 UTC).
    g3 = gig(b, "2026-01-06T00:30", headcount=1, taken=1, status=GigStatus.IN_PROGRESS)
    assignment(g3, w3, created="2026-01-06T02:30", accepted="2026-01-06T02:30", checked_in="2026-03-31T23:00")
    # 乙: brought to a fair on 30 March, filled in 4 hours by w2, who registered for the fair: a fair hire.
    # w2 checked in at 00:30 on 1 April Beijing time (Q2 here, Q1 in UTC).
    g4 = gig(b, "2026-03-30T10:00", headcount=1, taken=1, status=GigStatus.IN_PROGRESS)
    assignment(g4, w2, created="2026-03-30T14:00", accepted="2026-03-30T14:00", checked_in="2026-04-01T00:30")
    fair = JobFair.objects.create(center=b, title="春季招聘会", place="大厅", capacity=50,
                                  starts_at=at("2026-03-30T09:00"), ends_at=at("2026-03-30T17:00"))
    FairGig.objects.create(fair=fair, gig=g4)
    FairRegistration.objects.create(fair=fair, worker=w2, signed_up_at=at("2026-03-29T10:00"))
    # Walk-ins: w1 twice and w4 once at 甲, w3 at 乙.
    visit(a, w1, "2026-01-05", staff_a)
    visit(a, w1, "2026-01-06", staff_a)
    visit(a, w4, "2026-01-06", staff_a)
    visit(b, w3, "2026-01-06", staff_b)
    # Training: w4 completes a course at 甲; w1 enrolled and did not.
    course = Course.objects.create(center=a, title="电工入门", place="教室", capacity=20, trade=TradeFactory())
    Enrolment.objects.create(course=course, worker=w4, signed_up_at=at("2026-02-01T09:00"),
                             completed_at=at("2026-03-02T10:00"))
    Enrolment.objects.create(course=course, worker=w1, signed_up_at=at("2026-02-01T09:00"))
    return Known(a, b, staff_a, staff_b, admin, [w1, w2, w3, w4])


@pytest.fixture
def outsider(db):
    """Staff of a third center: sees the city, not 甲 or 乙."""
    return CenterStaffFactory(center=ServiceCenterFactory(name="丙中心")).user


@pytest.fixture
def employer_user(db):
    return UserFactory(role=Role.EMPLOYER)
