"""Job fairs (现场招聘会): staff run their centers' fairs, employers bring their own gigs, workers register online
or at the counter, staff record attendance on the day, and the hires that came of the fair are counted."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from jobs import services as job_services
from jobs.exceptions import Conflict
from programs import selectors, services
from programs.models import Channel, FairRegistration, JobFair
from tests.factories import (
    CityAdminFactory,
    EmployerFactory,
    GigFactory,
    QualifiedWorkerFactory,
    WageFloorFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db


def test_staff_create_a_fair_at_their_center_and_it_is_audited(make_fair, staff):
    fair = make_fair(capacity=50)
    assert fair.center.name == "王益区零工服务中心（测试）" and fair.capacity == 50
    entry = AuditEntry.objects.get(action="fair_created")
    assert (entry.actor, entry.center, entry.after["capacity"]) == (staff, fair.center, 50)


def test_staff_cannot_run_another_centers_fair_but_the_city_can(make_fair, other_staff, other_center, now):
    fair = make_fair()
    with pytest.raises(PermissionDenied):
        services.update_fair(fair, actor=other_staff, capacity=10)
    with pytest.raises(PermissionDenied):
        make_fair(center=other_center, actor=WorkerFactory().user)
    services.update_fair(fair, actor=CityAdminFactory(), capacity=10)
    fair.refresh_from_db()
    assert fair.capacity == 10
    assert selectors.managed_fairs(other_staff).count() == 0


def test_a_fair_must_end_after_it_starts(staff, center, now):
    with pytest.raises(ValidationError) as error:
        services.create_fair(actor=staff, center=center, title="招聘会", place="大厅", starts_at=now,
                             ends_at=now - dt.timedelta(hours=1), capacity=10)
    assert "ends_at" in error.value.message_dict


def test_a_fair_typed_for_a_far_year_or_weeks_long_is_refused_by_the_rule(make_fair):
    """9999 for 2026 in the year box: refused, naming the rule, instead of a fair no figure counts."""
    with pytest.raises(ValidationError) as error:
        make_fair(starts_in=dt.timedelta(days=366))
    assert error.value.message_dict == {"starts_at": ["A fair or a training session is dated at most 365 days "
                                                      "from today."]}
    with pytest.raises(ValidationError) as error:
        make_fair(starts_in=-dt.timedelta(days=366))
    assert "starts_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_fair(hours=15 * 24)
    assert error.value.message_dict == {"starts_at": ["A job fair lasts at most 14 days."]}
    assert make_fair(starts_in=dt.timedelta(days=364), hours=14 * 24).pk


def test_a_past_fair_can_still_be_edited_but_not_moved_to_a_far_year(make_fair, staff, now):
    fair = make_fair()
    JobFair.objects.filter(pk=fair.pk).update(starts_at=now - dt.timedelta(days=800),
                                              ends_at=now - dt.timedelta(days=800, hours=-4))
    fair.refresh_from_db()
    services.update_fair(fair, actor=staff, title="去年的招聘会", starts_at=fair.starts_at, ends_at=fair.ends_at)
    with pytest.raises(ValidationError):
        services.update_fair(fair, actor=staff, starts_at=now.replace(year=9999),
                             ends_at=now.replace(year=9999) + dt.timedelta(hours=2))
    fair.refresh_from_db()
    assert fair.title == "去年的招聘会" and fair.starts_at < now


def test_a_full_fair_refuses_the_next_registration_with_the_reason(make_fair, staff):
    fair = make_fair(capacity=2)
    first, second, third = (QualifiedWorkerFactory() for _ in range(3))
    services.register_for_fair(fair, actor=first.user)
    services.register_for_fair(fair, actor=staff, worker=second)  # at the counter
    with pytest.raises(Conflict) as refused:
        services.register_for_fair(fair, actor=third.user)
    assert refused.value.code == "full" and "2" in refused.value.message
    # Registering again is harmless, even when the fair is full.
    assert services.register_for_fair(fair, actor=first.user).channel == Channel.ONLINE
    assert FairRegistration.objects.get(worker=second).channel == Channel.COUNTER
    assert AuditEntry.objects.filter(action="fair_registered_at_counter", subject=second.user).exists()


def test_workers_register_only_themselves_and_staff_only_at_their_centers(make_fair, other_staff):
    fair = make_fair()
    me, someone = QualifiedWorkerFactory(), QualifiedWorkerFactory()
    with pytest.raises(PermissionDenied):
        services.register_for_fair(fair, actor=me.user, worker=someone)
    with pytest.raises(PermissionDenied):
        services.register_for_fair(fair, actor=other_staff, worker=someone)
    with pytest.raises(PermissionDenied):
        services.register_for_fair(fair, actor=EmployerFactory().owner)
    assert not FairRegistration.objects.exists()


def test_a_cancelled_or_past_fair_takes_no_registrations(make_fair, staff):
    fair = make_fair()
    services.update_fair(fair, actor=staff, is_cancelled=True)
    with pytest.raises(Conflict) as refused:
        services.register_for_fair(fair, actor=QualifiedWorkerFactory().user)
    assert refused.value.code == "cancelled"
    past = make_fair(starts_in=-dt.timedelta(days=2))
    with pytest.raises(Conflict) as refused:
        services.register_for_fair(past, actor=QualifiedWorkerFactory().user)
    assert refused.value.code == "over"


def test_employers_bring_their_own_gigs_and_staff_add_employers(make_fair, staff):
    fair = make_fair()
    employer, other = EmployerFactory(), EmployerFactory()
    gig = GigFactory(employer=employer, center=fair.center)
    with pytest.raises(PermissionDenied):
        services.bring_gig(fair, gig, actor=other.owner)
    services.bring_gig(fair, gig, actor=employer.owner)  # joins the fair too
    services.join_fair(fair, actor=staff, employer=other)
    another_gig = GigFactory(employer=employer, center=fair.center)
    detail = selectors.fair_detail(fair.pk, viewer=employer.owner)
    assert detail["employers"] == [employer, other] and detail["gigs"] == [gig]
    assert detail["registrations"] is None  # who registered is for the fair's staff
    # The employer sees that it takes part, and which of its own gigs it could still bring (never another's).
    assert detail["taking_part"] and detail["my_gigs"] == [another_gig]
    assert "my_gigs" not in selectors.fair_detail(fair.pk, viewer=staff)
    assert AuditEntry.objects.filter(action="fair_employer_added", subject=other.owner).exists()


def test_attendance_and_hires_are_counted(make_fair, staff, now):
    WageFloorFactory()
    fair = make_fair(capacity=5, starts_in=-dt.timedelta(hours=1), hours=5)  # under way
    employer = EmployerFactory()
    gig = GigFactory(employer=employer, center=fair.center, headcount=3, starts_at=now + dt.timedelta(days=1))
    services.bring_gig(fair, gig, actor=employer.owner)
    registered, walk_in, stranger = (QualifiedWorkerFactory() for _ in range(3))
    services.register_for_fair(fair, actor=registered.user)
    services.record_fair_attendance(fair, walk_in, actor=staff)  # came without registering
    services.record_fair_attendance(fair, registered, actor=staff)
    for worker in (registered, walk_in, stranger):
        job_services.accept_gig(gig, actor=worker.user)

    counts = selectors.fair_counts(fair)
    assert (counts.registered, counts.attended, counts.hires) == (2, 2, 2)  # the stranger was not at the fair
    assert AuditEntry.objects.filter(action="fair_attendance_recorded").count() == 2


def test_attendance_is_taken_on_the_day(make_fair, staff):
    fair = make_fair(starts_in=dt.timedelta(days=5))
    with pytest.raises(Conflict) as refused:
        services.record_fair_attendance(fair, QualifiedWorkerFactory(), actor=staff)
    assert refused.value.code == "not_today"


def test_a_cancelled_fair_is_hidden_from_the_public_but_not_from_its_managers(make_fair, staff, other_staff):
    fair = make_fair()
    services.update_fair(fair, actor=staff, is_cancelled=True)
    assert fair not in selectors.fairs(WorkerFactory().user)
    assert fair not in selectors.fairs(other_staff)
    assert fair in selectors.fairs(staff) and fair in selectors.fairs(CityAdminFactory())


def test_training_of_ones_own_is_a_workers(staff):
    worker = QualifiedWorkerFactory()
    mine = selectors.my_training(viewer=worker.user)
    assert mine["fairs"] == [] and mine["card"]["id"] == worker.pk
    for someone_else in (staff, EmployerFactory().owner):
        with pytest.raises(PermissionDenied):
            selectors.my_training(viewer=someone_else)
