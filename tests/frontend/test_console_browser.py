"""The staff console in a real browser at the counter (1280×800): a staff member registers a walk-in, checks them
into the hall, assigns them on the board and prints the dispatch slip."""

import pytest

from jobs.models import Assignment, AssignmentStatus
from tests.factories import CenterStaffFactory, EmployerFactory, GigFactory, TradeFactory, WageFloorFactory
from workers.models import WorkerProfile

from .conftest import screenshot, serious_violations
from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def desk_page(browser, live_asgi_server):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_asgi_server.url,
                                  service_workers="block")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_staff_member_registers_a_walk_in_checks_them_in_assigns_them_and_prints_the_slip(desk_page,
                                                                                          live_asgi_server):
    WageFloorFactory()
    staff = CenterStaffFactory(center__name="王益区零工服务中心", center__contact_phone="0919-3180000")
    trade = TradeFactory()
    employer = EmployerFactory(name="王益建筑队", contact_name="陈队长")
    gig = GigFactory(center=staff.center, category=trade, employer=employer, title="搬运砖块",
                     site_address="王益区红旗街12号", headcount=2)
    page = desk_page
    log_in(page, live_asgi_server, staff.user)

    page.goto("/staff/")
    assert page.locator("h1").inner_text().endswith("王益区零工服务中心")
    assert serious_violations(page) == []
    screenshot(page, "console-home-desktop")

    # At the counter: a name, a trade, no phone; the worker agrees to the text read out to them.
    page.click("[data-testid=tile-walk-in]")
    page.fill("[name=display_name]", "赵大爷")
    page.get_by_label(trade.name, exact=True).check()
    page.fill("[name=stated_birth_year]", "63")
    page.fill("[name=expected_pay]", "180")
    assert serious_violations(page) == []
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "console-walk-in-desktop")
    page.check("[name=consent]")
    page.click("[data-testid=register]")
    page.wait_for_selector("[data-testid=worker-number]")
    worker = WorkerProfile.objects.get(display_name="赵大爷")
    assert worker.user.phone is None
    assert page.locator("[data-testid=worker-number]").inner_text() == worker.number

    # The card prints; next time the scanner reads its QR.
    page.click("[data-testid=print-card]")
    page.wait_for_url("**/card/")  # the count below does not wait
    assert page.locator("[data-testid=worker-card] svg").count() == 1

    # Today's hall: the scanner types the card's QR and Enter.
    page.click("[data-testid=console-hall]")
    page.fill("#scan_q", f"zerogig:worker:{worker.number}")
    page.press("#scan_q", "Enter")
    page.wait_for_selector("[data-testid=waiting-worker]")
    assert "赵大爷" in page.locator("[data-testid=waiting]").inner_text()
    assert serious_violations(page) == []

    # The board: the engine suggests him for the gig; staff assign him with his consent.
    page.click("[data-testid=console-board]")
    card = page.locator(f"[data-testid=board-gig-{gig.pk}]")
    assert "赵大爷" in card.locator("[data-testid=suggestion]").first.inner_text()
    assert serious_violations(page) == []
    screenshot(page, "console-board-desktop")
    card.locator("[data-testid=assign-consent]").check()
    card.locator("[data-testid=assign]").click()
    page.wait_for_selector("[data-testid=slip]")
    assignment = Assignment.objects.get(gig=gig, worker=worker)
    assert assignment.status == AssignmentStatus.ACCEPTED
    slip = page.locator("[data-testid=slip]")
    assert "王益区红旗街12号" in slip.inner_text() and "陈队长" in slip.inner_text()
    assert serious_violations(page) == []

    # Printed: only the slip, no navigation.
    page.emulate_media(media="print")
    assert not page.locator(".console-nav").is_visible() and not page.locator(".main-nav").is_visible()
    assert slip.is_visible()
    screenshot(page, "console-dispatch-slip")
