"""The Tongchuan demo: centers, taxonomy, people and gigs, the same every time, and loading it twice changes nothing."""

import pytest
from django.core.management import call_command

from accounts.models import Role, User
from centers.models import ServiceCenter
from jobs.models import SLOT_HOLDING, Assignment, AssignmentStatus, Category, Employer, Gig, GigStatus, WageFloor
from jobs.taxonomy import TAXONOMY
from workers.models import WorkerProfile

pytestmark = pytest.mark.django_db

MODELS = (User, ServiceCenter, Category, Employer, WorkerProfile, Gig, Assignment, WageFloor)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module's tests (each test's own changes are rolled back)."""
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
        yield
        call_command("flush", interactive=False, verbosity=0)


def test_seed_demo_twice_leaves_the_same_rows(demo):
    first = counts()
    codes = list(Gig.objects.order_by("code").values_list("code", "pay_amount", "latitude"))
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    assert list(Gig.objects.order_by("code").values_list("code", "pay_amount", "latitude")) == codes


def test_the_demo_has_the_tongchuan_centers_people_and_gigs(demo):
    centers = ServiceCenter.objects.filter(is_demo=True)
    assert {c.region_code for c in centers} >= {"610202", "610203", "610222"}
    assert centers.filter(level="city").count() == 1
    assert all(c.parent.level == "city" for c in centers.exclude(level="city"))
    assert Category.objects.filter(parent__isnull=False).count() == sum(len(t[3]) for t in TAXONOMY)
    assert Employer.objects.count() == 50
    assert WorkerProfile.objects.count() == 500
    assert Gig.objects.count() == 300
    assert Gig.objects.filter(status=GigStatus.OPEN).count() > 100
    for role in Role.values:
        assert User.objects.filter(role=role).exists()


def test_demo_gigs_are_in_tongchuan_with_allowed_units_and_never_overfilled(demo):
    for gig in Gig.objects.select_related("category"):
        assert 34.6 < gig.latitude < 35.7 and 108.7 < gig.longitude < 109.4
        assert gig.pay_unit in gig.category.pay_units
        assert gig.assignments.filter(status__in=SLOT_HOLDING).count() == gig.accepted_count <= gig.headcount
        gig.full_clean()


def test_the_demo_history_was_made_by_the_services(demo):
    """Every demo gig went through the market's rules: posted ahead of its start, taken within the headcount,
    paid only after check-in, by workers of its trade."""
    assert Gig.objects.filter(status=GigStatus.COMPLETED).exists()
    for assignment in Assignment.objects.filter(status__in=SLOT_HOLDING).select_related("gig", "worker"):
        assert assignment.accepted_at < assignment.gig.starts_at
        assert assignment.worker.worker_trades.filter(category_id=assignment.gig.category_id).exists()
        if assignment.status == AssignmentStatus.COMPLETED:
            assert assignment.checked_in_at <= assignment.checked_out_at and assignment.amount_due > 0
    assert not Gig.objects.filter(status=GigStatus.PENDING_REVIEW, employer__verification_status="verified",
                                  reviewed_at__isnull=True).exists()


def test_the_demo_is_the_same_in_two_fresh_loads(demo):
    snapshot = list(WorkerProfile.objects.order_by("user__phone").values_list("user__phone", "display_name",
                                                                              "latitude", "id_number_masked"))
    from complaints.models import Complaint

    Complaint.objects.all().delete()  # a complaint keeps its assignment
    Assignment.objects.all().delete()
    Gig.objects.all().delete()
    User.objects.filter(role=Role.WORKER).delete()
    call_command("seed_demo", verbosity=0)
    again = list(WorkerProfile.objects.order_by("user__phone").values_list("user__phone", "display_name",
                                                                           "latitude", "id_number_masked"))
    assert again == snapshot


def test_the_demo_has_job_fairs_and_courses_ahead_and_loading_again_adds_none(demo):
    from programs.models import Course, JobFair

    assert JobFair.objects.filter(center__is_demo=True).count() == 2
    assert Course.objects.filter(center__is_demo=True, sessions__isnull=False).distinct().count() == 2
    call_command("seed_demo", verbosity=0)
    assert (JobFair.objects.count(), Course.objects.count()) == (2, 2)


def test_the_demo_fills_the_complaint_queue_and_the_report_queue_marked_as_demo(demo, client):
    from complaints.models import Complaint, ComplaintStatus
    from gigreports.models import Case, Report

    complaints = Complaint.objects.order_by("pk")
    assert [c.status for c in complaints] == [ComplaintStatus.FILED, ComplaintStatus.ACKNOWLEDGED,
                                              ComplaintStatus.RESOLVED]
    assert all(c.statement.startswith("【示例】") and c.center.is_demo for c in complaints)
    assert all(c.filed_at > c.assignment.gig.ends_at for c in complaints)
    case = Case.objects.get()
    assert case.held_at is not None and case.gig.status == GigStatus.HELD and case.gig.code.startswith("DEMO")
    assert Report.objects.filter(case=case).count() >= 3
    assert all(r.text.startswith("【示例】") for r in Report.objects.all())
    call_command("seed_demo", verbosity=0)
    assert (Complaint.objects.count(), Case.objects.count()) == (3, 1)
    # the gig's center sees both in its console's queues
    staff = User.objects.get(pk=complaints[0].center.staff.first().user_id)
    client.force_login(staff)
    queue = client.get("/staff/complaints/")
    assert queue.status_code == 200 and complaints[0].assignment.gig.title in queue.content.decode()
    client.force_login(case.gig.center.staff.first().user)
    reports = client.get("/staff/reports/")
    assert reports.status_code == 200 and case.gig.title in reports.content.decode()
