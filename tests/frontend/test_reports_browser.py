"""Report and hold in a real browser: a worker reports a fake gig from a phone, which (with two earlier reports)
holds it; the staff of its center take it down from their queue (issue 12's browser story)."""

import io

import pytest
from PIL import Image

from gigreports.models import Case, Report
from gigreports.services import report_gig
from jobs.models import Employer, Gig, GigStatus
from tests.factories import CenterStaffFactory, EmployerFactory, GigFactory, QualifiedWorkerFactory

from .conftest import fits_the_screen, screenshot, serious_violations
from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 90, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_worker_reports_a_fake_gig_until_it_is_held_and_staff_take_it_down(phone_page, live_asgi_server):
    staff = CenterStaffFactory()
    employer = EmployerFactory(name="高薪招聘（测试）", kind=Employer.Kind.INDIVIDUAL)
    gig = GigFactory(center=staff.center, employer=employer, title="日结500元", description="报名先交300元服装押金")
    other_post = GigFactory(center=staff.center, employer=employer, title="另一个岗位")
    for earlier in (QualifiedWorkerFactory(), QualifiedWorkerFactory()):
        report_gig(gig, actor=earlier.user, reason="asks_money", text="要先交押金")
    worker = QualifiedWorkerFactory()

    page = phone_page()
    log_in(page, live_asgi_server, worker.user)
    page.goto(f"/gigs/{gig.pk}/")
    page.click("[data-testid=report]")
    page.wait_for_url(f"**/gigs/{gig.pk}/report/")
    page.check("input[name=reason][value=asks_money]")
    page.fill("textarea[name=text]", "电话里要我先交300元押金")
    page.set_input_files("input[name=photos]", [{"name": "chat.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    fits_the_screen(page)
    page.click("[data-testid=send-report]")
    page.wait_for_url("**/me/reports/")
    assert page.locator("[data-testid=message]").is_visible()

    # The third report held the gig: off the feed and its page, for this worker as for everyone.
    assert Report.objects.filter(gig=gig).count() == 3
    assert Gig.objects.get(pk=gig.pk).status == GigStatus.HELD
    assert page.goto(f"/gigs/{gig.pk}/").status == 404

    desk = phone_page()
    log_in(desk, live_asgi_server, staff.user)
    desk.goto("/staff/")
    desk.click("[data-testid=tile-reports]")
    desk.wait_for_url("**/staff/reports/")
    case = Case.objects.get(gig=gig)
    card = desk.locator(f"[data-testid=case-{case.pk}]")
    assert card.locator("[data-testid=held-badge]").is_visible()
    assert card.locator("li[data-testid^=report-]").count() == 3
    assert card.locator("a[data-testid^=photo-] img").count() == 1
    fits_the_screen(desk)
    assert serious_violations(desk) == []
    screenshot(desk, "staff-report-queue")

    card.locator(f"input[name=t{case.pk}-employer_action][value=suspend]").check()
    card.locator(f"[name=t{case.pk}-note]").fill("收取押金，属虚假招聘")
    card.locator("[data-testid=take-down]").click()
    desk.wait_for_selector("[data-testid=message]")
    desk.wait_for_load_state("load")  # is_visible below does not wait: the rest of the page, laid out
    assert Gig.objects.get(pk=gig.pk).status == GigStatus.TAKEN_DOWN
    # The employer's other open post now waits in the same queue.
    assert Gig.objects.get(pk=other_post.pk).status == GigStatus.HELD
    assert desk.locator(f"[data-testid=case-{Case.objects.get(gig=other_post).pk}]").is_visible()
