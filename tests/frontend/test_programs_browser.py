"""Skills training in a real browser: a worker signs up for a course on a 360×640 phone, staff mark them complete,
and the worker's card shows the trade as a verified skill."""

import datetime as dt

import pytest
from django.utils import timezone

from programs import services
from programs.models import Enrolment
from tests.factories import CenterStaffFactory, TradeFactory, TradeGroupFactory, WorkerFactory

from .conftest import fits_the_screen, screenshot, serious_violations
from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_signs_up_for_a_course_on_a_phone_and_staff_mark_them_complete(phone_page, live_asgi_server):
    staff = CenterStaffFactory()
    repair = TradeGroupFactory(code="repair", name="装修维修")
    electrician = TradeFactory(code="electrician", name="电工", parent=repair)
    first = timezone.now() + dt.timedelta(days=1)
    course = services.create_course(
        actor=staff.user, center=staff.center, trade=electrician, title="低压电工实操培训", place="中心二楼培训室",
        capacity=12, sessions=[(first, first + dt.timedelta(hours=3)),
                               (first + dt.timedelta(days=1), first + dt.timedelta(days=1, hours=3))])
    worker = WorkerFactory(display_name="李师傅")

    phone = phone_page()
    log_in(phone, live_asgi_server, worker.user)
    phone.goto("/training/")
    phone.click(f"a[href='/training/{course.pk}/']")
    phone.wait_for_url(f"**/training/{course.pk}/")
    fits_the_screen(phone)
    assert serious_violations(phone) == []
    screenshot(phone, "training-course-phone")
    phone.click("[data-testid=enrol]")
    phone.wait_for_selector("[data-testid=enrolled]")
    assert Enrolment.objects.filter(course=course, worker=worker).exists()

    desk = phone_page()
    log_in(desk, live_asgi_server, staff.user)
    desk.goto(f"/staff/programs/courses/{course.pk}/")
    row = desk.locator("[data-testid=enrolment]", has_text="李师傅")
    row.locator("[data-testid=attend]").first.click()
    desk.wait_for_selector("[data-testid=message]")
    desk.locator("[data-testid=enrolment]", has_text="李师傅").locator("[data-testid=complete]").click()
    desk.wait_for_selector("[data-testid=completed]")
    fits_the_screen(desk)
    assert serious_violations(desk) == []
    screenshot(desk, "training-staff-completion")

    phone.goto("/me/training/")
    skill = phone.locator("[data-testid=skill-electrician]")
    assert skill.locator("[data-testid=verified-skill]").is_visible()
    assert serious_violations(phone) == []
    screenshot(phone, "training-verified-skill")
