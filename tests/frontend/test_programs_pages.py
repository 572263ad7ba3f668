"""Job fairs and skills training on the web: the public lists and pages with their sign-up buttons, the worker's
own training page with their verified skills, and the staff pages that create and run fairs and courses."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from programs import services
from programs.models import Channel, Course, Enrolment, FairRegistration, JobFair
from tests.factories import (
    CenterStaffFactory,
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
    TradeFactory,
    TradeGroupFactory,
    WorkerFactory,
)
from workers.models import WorkerTrade

pytestmark = pytest.mark.django_db


@pytest.fixture
def center():
    return ServiceCenterFactory(name="王益区零工服务中心（测试）")


@pytest.fixture
def staff(center):
    return CenterStaffFactory(center=center).user


@pytest.fixture
def electrician():
    return TradeFactory(code="electrician", name="电工", parent=TradeGroupFactory(code="repair", name="装修维修"))


@pytest.fixture
def fair(center, staff):
    starts = timezone.now() + dt.timedelta(hours=1)
    return services.create_fair(actor=staff, center=center, title="春风行动招聘会", place="一楼大厅",
                                starts_at=starts, ends_at=starts + dt.timedelta(hours=4), capacity=1)


@pytest.fixture
def course(center, staff, electrician):
    first = timezone.now() + dt.timedelta(days=1)
    return services.create_course(actor=staff, center=center, trade=electrician, title="低压电工培训",
                                   place="二楼教室", capacity=1,
                                   sessions=[(first, first + dt.timedelta(hours=3))])


def test_the_edit_pages_fill_their_date_inputs_as_a_phone_reads_them_in_chinese_too(client, staff, fair, course):
    """<input type="date"> shows nothing unless its value is yyyy-mm-dd: Chinese formats dates as 2026/12/09."""
    client.force_login(staff)
    fair_day = timezone.localtime(fair.starts_at).date().isoformat()
    course_day = timezone.localtime(course.sessions.first().starts_at).date().isoformat()
    for language in ("zh-hans", "en"):
        page = client.get(f"/staff/programs/fairs/{fair.pk}/edit/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'type="date" name="day" value="{fair_day}"' in page, language
        page = client.get(f"/staff/programs/courses/{course.pk}/edit/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'type="date" name="day_1" value="{course_day}"' in page, language


def test_anyone_sees_the_fairs_and_a_worker_registers_with_one_tap(client, fair):
    assert "春风行动招聘会" in client.get("/fairs/").content.decode()
    page = client.get(f"/fairs/{fair.pk}/")
    assert page.status_code == 200 and 'data-testid="register"' in page.content.decode()
    assert client.post(f"/fairs/{fair.pk}/register/")["Location"].startswith("/login/")

    worker = WorkerFactory()
    client.force_login(worker.user)
    response = client.post(f"/fairs/{fair.pk}/register/", follow=True)
    assert 'data-testid="registered"' in response.content.decode()
    assert FairRegistration.objects.get(fair=fair).worker == worker


def test_a_full_fair_says_why_on_the_page(client, fair):
    services.register_for_fair(fair, actor=WorkerFactory().user)
    client.force_login(WorkerFactory().user)
    response = client.post(f"/fairs/{fair.pk}/register/", follow=True)
    html = response.content.decode()
    assert "code-full" in html and FairRegistration.objects.count() == 1


def test_an_employer_brings_a_gig_to_the_fair(client, fair):
    employer = EmployerFactory()
    gig = GigFactory(employer=employer, title="装卸工")
    client.force_login(employer.owner)
    client.post(f"/fairs/{fair.pk}/join/", {"gig": gig.pk})
    assert "装卸工" in client.get(f"/fairs/{fair.pk}/").content.decode()


def test_staff_create_a_fair_register_a_walk_in_and_take_attendance(client, center, staff):
    client.force_login(staff)
    day = (timezone.localtime() + dt.timedelta(days=7)).date()
    response = client.post("/staff/programs/fairs/new/", {
        "center": center.pk, "title": "秋季招聘会", "place": "广场", "capacity": 30, "day": day.isoformat(),
        "starts": "09:00", "ends": "12:00"})
    fair = JobFair.objects.get(title="秋季招聘会")
    assert response["Location"] == f"/staff/programs/fairs/{fair.pk}/"
    walk_in = WorkerFactory()
    client.post(f"/staff/programs/fairs/{fair.pk}/register/", {"worker": walk_in.user.phone})
    assert FairRegistration.objects.get(fair=fair).channel == Channel.COUNTER
    # Attendance is taken on the day: a week ahead, the page says so.
    response = client.post(f"/staff/programs/fairs/{fair.pk}/attendance/", {"worker": walk_in.number}, follow=True)
    assert "code-not_today" in response.content.decode()
    page = client.get(f"/staff/programs/fairs/{fair.pk}/")
    assert walk_in.display_name in page.content.decode()


def test_a_fair_with_its_end_before_its_start_is_refused_naming_the_field(client, center, staff):
    client.force_login(staff)
    response = client.post("/staff/programs/fairs/new/", {
        "center": center.pk, "title": "x", "place": "y", "capacity": 3, "day": "2030-01-01", "starts": "12:00",
        "ends": "09:00"})
    assert response.status_code == 400 and "ends" in response.context["form"].errors
    assert not JobFair.objects.exists()


def test_staff_of_another_center_get_403_on_the_staff_pages(client, fair, course):
    client.force_login(CenterStaffFactory().user)
    for url in (f"/staff/programs/fairs/{fair.pk}/", f"/staff/programs/fairs/{fair.pk}/edit/",
                f"/staff/programs/courses/{course.pk}/", f"/staff/programs/courses/{course.pk}/edit/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/staff/programs/courses/{course.pk}/enrol/", {"worker": "1"}).status_code == 403
    client.force_login(WorkerFactory().user)
    assert client.get("/staff/programs/").status_code == 403


def test_staff_create_a_course_with_sessions(client, center, staff, electrician):
    client.force_login(staff)
    day = (timezone.localtime() + dt.timedelta(days=3)).date()
    response = client.post("/staff/programs/courses/new/", {
        "center": center.pk, "trade": electrician.pk, "title": "电工上岗培训", "place": "教室", "capacity": 20,
        "day_1": day.isoformat(), "starts_1": "09:00", "ends_1": "12:00",
        "day_2": (day + dt.timedelta(days=1)).isoformat(), "starts_2": "09:00", "ends_2": "12:00"})
    course = Course.objects.get(title="电工上岗培训")
    assert response.status_code == 302 and course.sessions.count() == 2
    assert AuditEntry.objects.filter(action="course_created", actor=staff).exists()


def test_a_worker_signs_up_and_staff_mark_completion_which_shows_on_their_card(client, course, staff):
    worker = WorkerFactory()
    client.force_login(worker.user)
    client.post(f"/training/{course.pk}/enrol/")
    enrolment = Enrolment.objects.get(course=course, worker=worker)
    # The one place is taken: the next worker hears why.
    client.force_login(WorkerFactory().user)
    assert "code-full" in client.post(f"/training/{course.pk}/enrol/", follow=True).content.decode()

    client.force_login(staff)
    session = course.sessions.get()
    client.post(f"/staff/programs/courses/{course.pk}/people/{enrolment.pk}/attendance/", {"session": session.pk})
    client.post(f"/staff/programs/courses/{course.pk}/people/{enrolment.pk}/complete/")
    assert WorkerTrade.objects.get(worker=worker, category=course.trade).verified_by_course == course

    client.force_login(worker.user)
    card = client.get("/me/training/").content.decode()
    assert 'data-testid="verified-skill"' in card and "电工" in card


# --- Naming a worker at the counter: the console's one look-up (workers.selectors.find_workers) ---------------

@pytest.mark.parametrize("typed", [
    "card", "number", "number lower case", "phone", "phone +86 with spaces", "phone full-width", "name"])
def test_staff_name_the_walk_in_as_the_counter_does(client, staff, course, typed):
    walk_in = WorkerFactory(display_name="王建国", user__phone="13912345678")
    text = {"card": f"zerogig:worker:{walk_in.number}", "number": walk_in.number,
            "number lower case": walk_in.number.lower(), "phone": "13912345678",
            "phone +86 with spaces": "+86 139 1234 5678", "phone full-width": "１３９１２３４５６７８",
            "name": "王建国"}[typed]
    client.force_login(staff)
    client.post(f"/staff/programs/courses/{course.pk}/enrol/", {"worker": text})
    assert Enrolment.objects.get(course=course).worker == walk_in


def test_a_name_two_workers_share_or_nobodys_number_signs_up_nobody_and_says_why(client, staff, course):
    WorkerFactory(display_name="李明")
    WorkerFactory(display_name="李明")
    client.force_login(staff)
    page = client.post(f"/staff/programs/courses/{course.pk}/enrol/", {"worker": "李明"}, follow=True)
    assert "Several workers have this name" in page.content.decode()
    page = client.post(f"/staff/programs/courses/{course.pk}/enrol/", {"worker": "W9999999"}, follow=True)
    assert "No worker has this worker number" in page.content.decode()
    assert not Enrolment.objects.exists()


# --- Cancelling a sign-up -----------------------------------------------------------------------------------

def test_a_worker_cancels_their_fair_registration_and_the_place_is_free_again(client, fair):
    me = WorkerFactory()
    client.force_login(me.user)
    client.post(f"/fairs/{fair.pk}/register/")
    page = client.get(f"/fairs/{fair.pk}/").content.decode()
    assert 'data-testid="cancel-registration"' in page
    page = client.post(f"/fairs/{fair.pk}/cancel/", follow=True).content.decode()
    assert "Your registration is cancelled" in page
    assert not FairRegistration.objects.exists()
    client.force_login(WorkerFactory().user)  # the one place is free
    client.post(f"/fairs/{fair.pk}/register/")
    assert FairRegistration.objects.count() == 1


def test_after_the_start_the_page_says_a_sign_up_stands_and_a_cancel_is_refused_with_the_reason(client, course):
    me = WorkerFactory()
    services.enrol(course, actor=me.user)
    course.sessions.update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    client.force_login(me.user)
    page = client.get(f"/training/{course.pk}/").content.decode()
    assert 'data-testid="cancel-enrolment"' not in page and "can no longer be cancelled" in page
    page = client.post(f"/training/{course.pk}/cancel/", follow=True).content.decode()
    assert "code-started" in page
    assert Enrolment.objects.filter(worker=me).exists()


def test_staff_cancel_sign_ups_at_the_counter_audited_and_only_at_their_centers(client, staff, fair, course):
    walk_in = WorkerFactory()
    services.register_for_fair(fair, actor=staff, worker=walk_in)
    enrolment = services.enrol(course, actor=staff, worker=walk_in)
    client.force_login(CenterStaffFactory().user)
    assert client.post(f"/staff/programs/fairs/{fair.pk}/unregister/",
                       {"worker": walk_in.number}).status_code == 403
    assert client.post(f"/staff/programs/courses/{course.pk}/people/{enrolment.pk}/cancel/").status_code == 403
    client.force_login(staff)
    page = client.get(f"/staff/programs/fairs/{fair.pk}/").content.decode()
    assert 'data-testid="unregister"' in page
    client.post(f"/staff/programs/fairs/{fair.pk}/unregister/", {"worker": walk_in.number})
    client.post(f"/staff/programs/courses/{course.pk}/people/{enrolment.pk}/cancel/")
    assert not FairRegistration.objects.exists() and not Enrolment.objects.exists()
    assert set(AuditEntry.objects.filter(actor=staff, subject=walk_in.user).values_list("action", flat=True)) >= {
        "fair_registration_cancelled", "enrolment_cancelled"}


def test_anonymous_visitors_log_in_before_cancelling(client, fair):
    response = client.post(f"/fairs/{fair.pk}/cancel/")
    assert response.status_code == 302 and "/login" in response["Location"]
