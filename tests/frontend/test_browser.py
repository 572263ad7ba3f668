"""The pages in a real browser: Chromium at 360×640 against the live ASGI server.

Selectors are names and test ids, not words, so the tests hold whatever the catalogs say.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from accounts.models import Role, SmsCode, User
from jobs.services import accept_gig
from tests.factories import (
    WANGYI,
    EmployerFactory,
    GigFactory,
    QualifiedWorkerFactory,
    ServiceCenterFactory,
    TradeFactory,
)

from .conftest import fits_the_screen, screenshot, serious_violations, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEAR = (WANGYI[0] + 0.008, WANGYI[1] + 0.004)


def log_in(page, server, user) -> None:
    """Give the browser a session for `user` (logging in through the pages is tested on its own)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": server.url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def codes_may_be_sent_again() -> None:
    """One code a minute per phone: pretend the minute has passed."""
    SmsCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))


def sign_up_and_log_in_again(page, server, role: str, phone: str) -> None:
    page.goto(f"/signup/?role={role}")
    page.fill("[name=name]", "测试用户")
    page.fill("[name=phone]", phone)
    if role == Role.WORKER:
        page.select_option("[name=home]", index=1)
    page.click("button[value=send_code]")
    page.fill("[name=code]", server.texted_code(phone))
    page.click("button[value=sign_up]")
    page.wait_for_url("**/gigs/" if role == Role.WORKER else f"{server.url}/")
    assert User.objects.get(phone=phone).role == role

    page.click("nav form button[type=submit]")  # log out
    page.wait_for_url(f"{server.url}/")
    assert page.locator("nav a[href='/login/']").is_visible()
    codes_may_be_sent_again()
    page.goto("/login/")
    page.fill("[name=phone]", phone)
    page.click("button[value=send_code]")
    page.fill("[name=code]", server.texted_code(phone))
    page.click("button[value=log_in]")
    page.wait_for_url("**/gigs/" if role == Role.WORKER else f"{server.url}/")
    assert page.locator("nav form button[type=submit]").is_visible()  # the log-out button: logged in


@pytest.mark.parametrize(("role", "phone"), [(Role.WORKER, "13811112222"), (Role.EMPLOYER, "13911112222")])
def test_sign_up_and_log_in_by_sms_code(phone_page, live_asgi_server, role, phone):
    ServiceCenterFactory(name="王益区零工服务中心")
    sign_up_and_log_in_again(phone_page(), live_asgi_server, role, phone)


@pytest.fixture
def market():
    """A worker at home in 王益区 with gigs around: one for two, one with a single slot, one far away."""
    worker = QualifiedWorkerFactory(user__phone="13822223333", display_name="张师傅")
    trade = TradeFactory()
    employer = EmployerFactory(name="铜川测试建筑公司")
    soon = timezone.now() + dt.timedelta(days=1)
    gigs = {
        "two": GigFactory(employer=employer, category=trade, title="搬砖", headcount=2, latitude=NEAR[0],
                          longitude=NEAR[1], starts_at=soon.replace(hour=0, minute=0) + dt.timedelta(hours=8),
                          pay_amount=Decimal("25"), pay_unit="hour"),
        "one": GigFactory(employer=employer, category=trade, title="卸水泥", headcount=1,
                          latitude=WANGYI[0] - 0.01, longitude=WANGYI[1] + 0.01, pay_amount=Decimal("220"),
                          description="卸一车水泥，约200袋。"),
        "far": GigFactory(employer=employer, category=trade, title="宜君县的活", latitude=35.3986,
                          longitude=109.1169),
    }
    return worker, gigs


def test_a_worker_sees_gigs_near_home_and_takes_one(phone_page, live_asgi_server, market):
    worker, gigs = market
    page = phone_page()
    page.add_init_script("window.said = []; speechSynthesis.speak = (u) => window.said.push([u.lang, u.text]);")
    log_in(page, live_asgi_server, worker.user)
    page.goto("/gigs/")
    cards = page.locator("[data-testid=gig-card]")
    assert cards.count() == 2  # the far one is 37 km away
    screenshot(page, "worker-home-list")
    cards.first.locator(".say").click()  # read aloud, in Chinese
    [(lang, text)] = page.evaluate("window.said")
    assert lang == "zh-CN" and "25" in text and "1.0" in text

    page.click("a[href*='view=map']")
    page.wait_for_selector("#map .leaflet-interactive")
    assert page.locator("#map path.leaflet-interactive").count() == 3  # two gigs and the worker
    screenshot(page, "worker-home-map")

    page.goto(f"/gigs/{gigs['two'].pk}/")
    screenshot(page, "gig-page")
    with page.expect_navigation(wait_until="load"):  # is_visible below does not wait: the next page, loaded
        page.click("[data-testid=take]")
    assert page.locator("[data-testid=message].success").is_visible()
    assert page.locator("[data-testid=my-state]").is_visible()
    assert worker.assignments.get().gig == gigs["two"]


def test_gigs_are_searched_from_where_the_phone_is_when_allowed(phone_page):
    yaozhou = GigFactory(title="耀州区的活", latitude=34.9089, longitude=108.9805)
    page = phone_page(geolocation={"latitude": 34.9095, "longitude": 108.9801}, permissions=["geolocation"])
    page.goto("/gigs/")
    page.wait_for_url("**/gigs/?lat=34.90950&lng=108.98010")  # allowed before: no tap, no prompt
    assert page.locator("[data-testid=gig-card] a").all_inner_texts() == [yaozhou.category.name]
    assert page.locator(f"a[href='/gigs/{yaozhou.pk}/']").is_visible()


def test_a_refused_take_shows_its_reason(phone_page, live_asgi_server, market):
    worker, gigs = market
    page = phone_page()
    log_in(page, live_asgi_server, worker.user)
    page.goto(f"/gigs/{gigs['one'].pk}/")
    accept_gig(gigs["one"], actor=QualifiedWorkerFactory().user)  # someone else is quicker

    with page.expect_navigation(wait_until="load"):
        page.click("[data-testid=take]")

    refusal = page.locator("[data-testid=message].error.code-no_slots_left")
    with translation.override("zh-hans"):
        assert translation.gettext("No slots left on this gig.") in refusal.inner_text()
    assert page.locator("[data-testid=full]").is_visible()
    screenshot(page, "gig-refused-no-slots")
    assert not worker.assignments.exists()


def px(page, selector: str, prop: str) -> float:
    return page.eval_on_selector(selector, f"e => parseFloat(getComputedStyle(e)['{prop}'])")


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_senior_mode_follows_the_age_friendly_guideline_and_english_renders(phone_page, live_asgi_server, market):
    worker, gigs = market
    page = phone_page()
    page.goto("/gigs/")
    assert px(page, "body", "fontSize") >= 16
    assert box(page, "[data-testid=senior-switch]")["height"] >= 48

    # The switch posts a form and the next page comes back: its styles count once it has loaded, not when its
    # <html> tag has arrived (reading them earlier saw the browser's own 16 px on a slow run).
    with page.expect_navigation(wait_until="load"):
        page.click("[data-testid=senior-switch]")
    page.wait_for_selector("html.senior")
    assert px(page, "body", "fontSize") >= 18
    assert px(page, "body", "lineHeight") >= 1.3 * px(page, "body", "fontSize")
    for key_figure in ("[data-testid=pay]", "[data-testid=distance]", "time.key"):
        assert px(page, key_figure, "fontSize") >= 30, key_figure
    screenshot(page, "worker-home-senior")

    page.goto(f"/gigs/{gigs['two'].pk}/")  # remembered from page to page
    take = box(page, "[data-testid=take]")
    assert take["height"] >= 60 and take["width"] >= 60
    for control in ("[data-testid=senior-switch]", "button[value=en]", ".say"):
        size = box(page, control)
        assert size["height"] >= 60 and size["width"] >= 60, control
    screenshot(page, "gig-page-senior")

    with page.expect_navigation(wait_until="load"):
        page.click("button[value=en]")
    page.wait_for_selector("html[lang=en].senior")
    assert page.locator("h1").inner_text() == f"{gigs['two'].category.name_en or gigs['two'].category.name} 搬砖"
    assert page.locator("[data-testid=take]").inner_text() == "Take this gig"
    screenshot(page, "gig-page-senior-english")


# The server runs with DEBUG on, where Django answers a missing page with its technical page: /__errors__/404/
# shows ours, as production answers one.
ANONYMOUS_PAGES = {"home": "/", "login": "/login/", "signup": "/signup/", "offline": "/offline/",
                   "not-found": "/__errors__/404/"}
WORKER_PAGES = {"feed": "/gigs/", "feed-map": "/gigs/?view=map", "feed-filtered": "/gigs/?pay_unit=day&min_pay=200",
                "feed-empty": "/gigs/?lat=34.0&lng=108.0", "gig": "/gigs/{gig}/", "my-data": "/me/data/"}


@pytest.mark.parametrize("senior", [False, True], ids=["normal", "senior"])
def test_every_page_fits_a_small_phone_and_passes_an_accessibility_scan(phone_page, live_asgi_server, market,
                                                                        senior):
    worker, gigs = market
    page = phone_page(senior=senior)
    problems = {}
    for name, path in [*ANONYMOUS_PAGES.items(), ("log in", None), *WORKER_PAGES.items()]:
        if path is None:
            log_in(page, live_asgi_server, worker.user)
            continue
        page.goto(path.format(gig=gigs["one"].pk))
        fits_the_screen(page, name=name)
        if serious := serious_violations(page):
            problems[name] = serious
        if not senior and name in ("home", "login", "signup", "feed-filtered", "feed-empty", "offline"):
            screenshot(page, name)
    assert problems == {}


def test_the_last_feed_opens_offline(browser, live_asgi_server, market):
    worker, gigs = market
    context = browser.new_context(viewport={"width": 360, "height": 640}, base_url=live_asgi_server.url,
                                  service_workers="allow")
    try:
        page = context.new_page()
        page.goto("/gigs/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now under the service worker, which keeps this copy
        wait_until(page, "navigator.serviceWorker.controller !== null")
        wait_until(page, "caches.match('/gigs/').then(Boolean)")  # the copy is stored
        context.set_offline(True)
        page.goto("/gigs/")
        assert page.locator("[data-testid=gig-card]").count() == 2
        page.goto("/login/")  # never kept: the offline page stands in
        assert page.locator("[data-testid=offline]").is_visible()
    finally:
        context.close()


def test_the_keyboard_reaches_the_content_first_and_every_control(phone_page, market):
    worker, gigs = market
    page = phone_page()
    page.goto(f"/gigs/{gigs['two'].pk}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.locator("a.skip").bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    for _ in range(30):  # onwards to the take button, without a mouse
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "take":
            break
    else:
        pytest.fail("the take button cannot be reached with the keyboard")
