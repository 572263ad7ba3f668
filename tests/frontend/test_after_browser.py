"""A gig's day and what comes after, in a real browser: three workers check in (typing the site code, by the
phone's location, and by scanning the site's QR), the employer watches them arrive on the site code page without
reloading, they check out, the employer records their pay (a quantity over the bound refused beside the field),
one worker confirms and the other disputes, both sides rate, and the employer keeps a favourite."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jobs.models import AssignmentStatus, FavouriteWorker, PayStatus, Rating
from tests.factories import WANGYI, AssignmentFactory, EmployerFactory, GigFactory, WorkerFactory
from tests.frontend.conftest import wait_until

from .test_browser import log_in
from .test_myjobs_browser import fits_and_is_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AT_THE_SITE = {"latitude": WANGYI[0] + 0.0005, "longitude": WANGYI[1]}

# Chromium on Linux has no BarcodeDetector; this one "sees" whatever the test puts in window.scannedQr, and the
# camera is a canvas. Everything after the detection is the page's own script.
FAKE_CAMERA = """
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(["qr_code"]); }
  detect() { return Promise.resolve(window.scannedQr ? [{rawValue: window.scannedQr}] : []); }
};
navigator.mediaDevices.getUserMedia = function () {
  var canvas = document.createElement("canvas");
  canvas.width = canvas.height = 16;
  canvas.getContext("2d").fillRect(0, 0, 16, 16);
  return Promise.resolve(canvas.captureStream(1));
};
"""


def send(page, button) -> None:
    """Press a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()


def test_workers_check_in_three_ways_get_paid_confirm_or_dispute_and_both_sides_rate(phone_page, live_asgi_server):
    now = timezone.now()
    gig = GigFactory(employer=EmployerFactory(), starts_at=now - dt.timedelta(minutes=10),
                     ends_at=now + dt.timedelta(hours=8), headcount=3, accepted_count=3, status="filled")
    typed, located, scanned = (AssignmentFactory(gig=gig, worker=WorkerFactory(display_name=name),
                                                 status=AssignmentStatus.ACCEPTED,
                                                 accepted_at=now - dt.timedelta(days=1))
                               for name in ("张师傅", "李师傅", "王师傅"))
    employer = phone_page()
    log_in(employer, live_asgi_server, gig.employer.owner)
    employer.goto(f"/employer/gigs/{gig.pk}/code/")
    assert employer.get_by_test_id("checked-in-count").get_attribute("data-checked-in") == "0"
    assert employer.get_by_test_id("full-screen").is_visible()
    fits_and_is_accessible(employer, "employer-site-code")
    code = employer.get_by_test_id("code").inner_text().strip()
    employer.get_by_test_id("full-screen").click()  # for workers to scan; the code keeps changing inside it
    wait_until(employer, "document.fullscreenElement && document.fullscreenElement.id === 'site-code'")
    link = employer.get_by_test_id("qr").get_attribute("data-link")

    # 1. typing the code shown at the site
    worker = phone_page()
    log_in(worker, live_asgi_server, typed.worker.user)
    worker.goto(f"/me/gigs/{typed.pk}/")
    assert worker.get_by_test_id("scan").is_hidden()  # this browser cannot scan: the code is typed
    worker.fill("[name=code]", code)
    send(worker, worker.get_by_test_id("check-in-code"))
    send(worker, worker.get_by_test_id("check-out"))

    # 2. by the phone's location
    by_location = phone_page(geolocation=AT_THE_SITE, permissions=["geolocation"])
    log_in(by_location, live_asgi_server, located.worker.user)
    by_location.goto(f"/me/gigs/{located.pk}/")
    send(by_location, by_location.get_by_test_id("check-in-location"))
    send(by_location, by_location.get_by_test_id("check-out"))

    # 3. scanning the QR: another gig's QR is refused in place, this gig's checks in
    scanner = phone_page()
    scanner.context.add_init_script(FAKE_CAMERA)
    log_in(scanner, live_asgi_server, scanned.worker.user)
    scanner.goto(f"/me/gigs/{scanned.pk}/")
    scanner.get_by_test_id("scan").scroll_into_view_if_needed()
    fits_and_is_accessible(scanner, "my-gig-scan")
    scanner.evaluate("url => { window.scannedQr = url; }", link.replace(gig.code, "G0THER00"))
    scanner.get_by_test_id("scan").click()
    scanner.get_by_test_id("scan-note").wait_for()
    other_gig = scanner.locator("[data-code-form]").get_attribute("data-other-gig")
    assert scanner.get_by_test_id("scan-note").inner_text() == other_gig
    scanner.evaluate("url => { window.scannedQr = url; }", link)
    scanner.get_by_test_id("check-out").wait_for()

    # the employer's page caught up by itself (htmx polls every 15 s)
    employer.locator("[data-testid=checked-in-count][data-checked-in='3']").wait_for(timeout=25_000)
    assert employer.evaluate("document.fullscreenElement.id") == "site-code"  # swapped in place, still full screen
    employer.get_by_test_id("on-site-person").last.scroll_into_view_if_needed()
    assert employer.evaluate("(s => s.scrollWidth <= s.clientWidth)(document.getElementById('site-code'))")
    fits_and_is_accessible(employer, "employer-site-code-checked-in")
    for assignment, method, status in ((typed, "code", AssignmentStatus.CHECKED_OUT),
                                       (located, "gps", AssignmentStatus.CHECKED_OUT),
                                       (scanned, "code", AssignmentStatus.CHECKED_IN)):
        assignment.refresh_from_db()
        assert (assignment.check_in_method, assignment.status) == (method, status)

    # the employer records the pay: 2 days for a one-day gig is refused beside the field
    employer.goto(f"/employer/gigs/{gig.pk}/")
    send(employer, employer.get_by_test_id("pay-link"))
    people = employer.get_by_test_id("pay-person")
    assert people.count() == 3
    first = people.filter(has_text="张师傅")
    first.locator("[name=quantity]").fill("2")
    send(employer, first.get_by_test_id("record-pay"))
    error = employer.locator(f"#id_quantity_{typed.pk}_error")
    assert "1" in error.inner_text()
    error.scroll_into_view_if_needed()
    fits_and_is_accessible(employer, "employer-pay-error")
    for name in ("张师傅", "李师傅"):
        row = employer.get_by_test_id("pay-person").filter(has_text=name)
        row.locator("[name=quantity]").fill("１")  # a full-width 1 from a Chinese keyboard
        send(employer, row.get_by_test_id("record-pay"))
    typed.refresh_from_db()
    located.refresh_from_db()
    assert typed.amount_due == located.amount_due == Decimal("180.00")

    # one worker confirms and rates the employer; the other disputes
    worker.goto(f"/me/gigs/{typed.pk}/")
    send(worker, worker.get_by_test_id("confirm-pay"))
    worker.locator("input[name=score][value='5']").check()
    worker.fill("[name=comment]", "结账及时")
    send(worker, worker.get_by_test_id("rate"))
    by_location.goto(f"/me/gigs/{located.pk}/")
    by_location.fill("[name=reason]", "只收到一百元")
    by_location.fill("[name=amount_claimed]", "80")
    send(by_location, by_location.get_by_test_id("dispute-pay"))

    # the employer sees both answers, rates the worker and keeps them as a favourite
    employer.goto(f"/employer/gigs/{gig.pk}/pay/")
    first = employer.get_by_test_id("pay-person").filter(has_text="张师傅")
    assert first.get_by_test_id("confirmed").is_visible()
    dispute = employer.get_by_test_id("pay-person").filter(has_text="李师傅").get_by_test_id("dispute")
    assert "80" in dispute.inner_text() and "只收到一百元" in dispute.inner_text()
    first.locator("input[name=score][value='4']").check()
    send(employer, first.get_by_test_id("rate-worker"))
    send(employer, employer.get_by_test_id("pay-person").filter(has_text="张师傅").get_by_test_id("favourite"))
    fits_and_is_accessible(employer, "employer-pay")
    employer.goto("/employer/favourites/")
    assert employer.get_by_test_id("favourite-worker").inner_text().startswith("张师傅")
    fits_and_is_accessible(employer, "employer-favourites")

    typed.refresh_from_db()
    located.refresh_from_db()
    assert (typed.pay_status, located.pay_status) == (PayStatus.CONFIRMED, PayStatus.DISPUTED)
    assert sorted(Rating.objects.filter(assignment=typed).values_list("direction", "score")) == [
        ("of_employer", 5), ("of_worker", 4)]
    assert FavouriteWorker.objects.filter(employer=gig.employer, worker=typed.worker).exists()

    # the same pages in senior mode and English
    senior = phone_page(locale="en-US", senior=True)
    log_in(senior, live_asgi_server, gig.employer.owner)
    for url, name in ((f"/employer/gigs/{gig.pk}/pay/", "employer-pay-senior-english"),
                      (f"/employer/gigs/{gig.pk}/code/", "employer-site-code-senior-english")):
        senior.goto(url)
        html = senior.locator("html")
        assert html.get_attribute("lang") == "en" and "senior" in html.get_attribute("class")
        fits_and_is_accessible(senior, name)
