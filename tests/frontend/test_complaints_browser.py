"""A wage-arrears complaint in a real browser, on 360×640 phones: the worker files it from the gig with a photo,
the center's staff acknowledge and resolve it from their queue, and the worker sees each step."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from complaints.models import Complaint, ComplaintStatus
from jobs.models import AssignmentStatus, CheckInMethod, GigStatus, PayStatus
from tests.factories import AssignmentFactory, CenterStaffFactory, GigFactory, WorkerFactory

from .conftest import fits_the_screen, screenshot, serious_violations, wait_until
from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def test_a_worker_files_an_arrears_complaint_with_a_photo_and_sees_staff_acknowledge_and_resolve_it(
        phone_page, live_asgi_server):
    staff = CenterStaffFactory()
    worked = timezone.now() - dt.timedelta(days=3)
    gig = GigFactory(center=staff.center, status=GigStatus.COMPLETED, title="搬瓷砖上三楼",
                     starts_at=worked - dt.timedelta(hours=8), ends_at=worked)
    assignment = AssignmentFactory(
        gig=gig, worker=WorkerFactory(), status=AssignmentStatus.COMPLETED, pay_status=PayStatus.RECORDED,
        accepted_at=worked - dt.timedelta(days=1), checked_in_at=worked - dt.timedelta(hours=8),
        check_in_method=CheckInMethod.GPS, checked_out_at=worked, minutes_worked=480, completed_at=worked,
        pay_quantity=1, amount_due=Decimal("180.00"), pay_recorded_at=worked)

    worker = phone_page()
    log_in(worker, live_asgi_server, assignment.worker.user)
    worker.goto(f"/me/gigs/{assignment.pk}/")
    worker.click("[data-testid=file-complaint-link]")
    worker.wait_for_url(f"**/me/gigs/{assignment.pk}/complaint/")
    fits_the_screen(worker)
    assert serious_violations(worker) == []
    worker.fill("[name=statement]", "说好一天180元，干完三天了老板一直不给钱，电话也不接。")
    worker.set_input_files("[name=photos]", files=[{"name": "聊天记录.jpg", "mimeType": "image/jpeg",
                                                    "buffer": jpeg()}])
    worker.click("[data-testid=file-complaint]")
    worker.wait_for_selector("[data-testid=step-filed]")
    complaint = Complaint.objects.get()
    assert worker.url.endswith(f"/complaints/{complaint.pk}/")
    # The photo is lazy-loaded once the page's stylesheets are in: wait for it rather than race it.
    wait_until(worker, "document.querySelector('[data-testid=evidence] img').complete")
    assert worker.locator("[data-testid=evidence] img").evaluate("img => img.naturalWidth") == 120
    fits_the_screen(worker)
    assert serious_violations(worker) == []

    desk = phone_page()
    log_in(desk, live_asgi_server, staff.user)
    desk.goto("/staff/")
    desk.click("[data-testid=tile-complaints]")
    desk.wait_for_url("**/staff/complaints/")
    assert desk.locator(f"[data-testid=complaint-{complaint.pk}]").is_visible()
    fits_the_screen(desk)
    assert serious_violations(desk) == []
    screenshot(desk, "complaint-queue")
    desk.locator(f"[data-testid=complaint-{complaint.pk}] a.button").click()
    desk.fill("[name=note]", "已受理，正在联系雇主。")
    desk.click("[data-testid=acknowledge]")
    desk.wait_for_selector("[data-testid=step-acknowledged]")
    desk.check("[name=outcome][value=paid_in_full]")
    desk.fill("[data-testid=resolve-form] [name=note]", "雇主已当面结清180元。")
    desk.click("[data-testid=resolve]")
    desk.wait_for_selector("[data-testid=step-resolved]")
    assert Complaint.objects.get().status == ComplaintStatus.RESOLVED

    worker.reload()
    steps = worker.locator("[data-testid=steps] li")
    assert steps.count() == 3
    assert [steps.nth(i).get_attribute("data-testid") for i in range(3)] == [
        "step-filed", "step-acknowledged", "step-resolved"]
    assert "雇主已当面结清180元。" in worker.locator("[data-testid=step-resolved]").inner_text()
    assert worker.locator("[data-testid=outcome]").is_visible()
    worker.locator("[data-testid=steps]").scroll_into_view_if_needed()
    screenshot(worker, "complaint-steps")
