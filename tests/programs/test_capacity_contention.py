"""Sign-ups racing for the last place on PostgreSQL: the event's row is locked before its places are counted,
so of several workers signing up at the same moment exactly one gets the last place and the others are told the
event is full — never a fair or course over its capacity."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from jobs.exceptions import Conflict
from programs import services
from programs.models import Enrolment, FairRegistration
from tests.factories import CenterStaffFactory, ServiceCenterFactory, TradeFactory, WorkerFactory

RACERS = 6

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]


def race(sign_up, users) -> list[str]:
    """Each user signs up in their own thread and connection, released together; what each got."""
    barrier = threading.Barrier(len(users))
    outcomes = []

    def run(user):
        try:
            barrier.wait(timeout=30)
            sign_up(user)
            outcomes.append("ok")
        except Conflict as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.fixture
def staff():
    return CenterStaffFactory(center=ServiceCenterFactory())


def test_workers_racing_for_the_last_place_at_a_fair_one_gets_it(staff):
    starts = timezone.now() + dt.timedelta(days=2)
    fair = services.create_fair(actor=staff.user, center=staff.center, title="招聘会", place="大厅",
                                starts_at=starts, ends_at=starts + dt.timedelta(hours=3), capacity=3)
    for _ in range(2):
        services.register_for_fair(fair, actor=WorkerFactory().user)
    racers = [WorkerFactory().user for _ in range(RACERS)]

    outcomes = race(lambda user: services.register_for_fair(fair, actor=user), racers)

    assert outcomes == ["full"] * (RACERS - 1) + ["ok"]
    assert FairRegistration.objects.filter(fair=fair).count() == 3


def test_workers_and_staff_racing_for_the_last_place_on_a_course_one_gets_it(staff):
    first = timezone.now() + dt.timedelta(days=2)
    course = services.create_course(actor=staff.user, center=staff.center, trade=TradeFactory(), title="培训",
                                    place="教室", capacity=1, sessions=[(first, first + dt.timedelta(hours=2))])
    walk_in = WorkerFactory()
    racers = [WorkerFactory().user for _ in range(RACERS - 1)] + [staff.user]

    def sign_up(user):
        if user == staff.user:
            services.enrol(course, actor=user, worker=walk_in)  # at the counter, at the same moment
        else:
            services.enrol(course, actor=user)

    outcomes = race(sign_up, racers)

    assert outcomes == ["full"] * (RACERS - 1) + ["ok"]
    assert Enrolment.objects.filter(course=course).count() == 1
