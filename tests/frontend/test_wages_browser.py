"""Wage guidance in a real browser on a 360×640 phone: the /wages/ page (guide beside market, the minimum wage)
and a gig whose pay is below the guide, saying so in words. Screenshots for docs/screenshots."""

import datetime as dt
import os
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from jobs.models import Category, Gig
from jobs.services import load_wage_floors, sync_taxonomy
from tests.factories import EmployerFactory, GigFactory, ServiceCenterFactory
from wages.services import load_demo_guide, refresh_market_rates

from .conftest import fits_the_screen, screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_reads_the_wage_page_and_sees_a_gig_marked_below_the_usual_pay(phone_page):
    sync_taxonomy()
    load_wage_floors()
    load_demo_guide()
    center = ServiceCenterFactory(name="王益区零工服务中心（示例）", region_code="610202")
    employer = EmployerFactory(name="红旗建筑工程有限公司")
    rng = random.Random(7)
    trades = {code: Category.objects.get(code=code) for code in ("labourer", "loader", "cleaner", "electrician")}
    for code, unit, low, high in (("labourer", "day", 160, 210), ("loader", "day", 170, 230),
                                  ("cleaner", "hour", 22, 32), ("electrician", "day", 260, 340)):
        for _ in range(8):
            gig = GigFactory(category=trades[code], center=center, employer=employer, pay_unit=unit,
                             pay_amount=Decimal(rng.randint(low, high)))
            Gig.objects.filter(pk=gig.pk).update(created_at=timezone.now() - dt.timedelta(days=rng.randint(1, 60)))
    low_pay = GigFactory(category=trades["labourer"], center=center, employer=employer, pay_unit="day",
                         pay_amount=Decimal("165"), title="工地清理，急招2人")
    Gig.objects.filter(pk=low_pay.pk).update(pay_amount=Decimal("140"))  # posted before the floor was raised
    refresh_market_rates()

    phone = phone_page()
    phone.goto("/wages/?area=610202")
    phone.wait_for_selector("[data-testid=wage-row]")
    assert phone.locator("[data-testid=demo-guide]").is_visible()
    assert phone.locator("svg.wage-chart title").count() == phone.locator("[data-testid=wage-row]").count()
    fits_the_screen(phone)
    assert serious_violations(phone) == []
    phone.locator("[data-testid=wage-row]").first.evaluate("row => window.scrollTo(0, row.offsetTop - 8)")
    screenshot(phone, "wages-guide-and-market")
    if os.environ.get("WAGES_FULL_PAGE"):
        phone.screenshot(path=os.environ["WAGES_FULL_PAGE"], full_page=True)

    phone.goto(f"/gigs/{low_pay.pk}/")
    label = phone.locator("[data-testid=fair-pay]")
    assert label.get_attribute("data-label") == "below"
    assert "低于" in label.inner_text() or "Below" in label.inner_text()
    fits_the_screen(phone)
    assert serious_violations(phone) == []
    screenshot(phone, "gig-fair-pay-label")
