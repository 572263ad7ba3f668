"""The public /wages/ page, and the fair-pay label in words on the feed's cards, a gig's page and the employer's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import EmployerFactory, GigFactory, ServiceCenterFactory, TradeFactory, WageFloorFactory
from wages.models import MarketRate, WageGuide

pytestmark = pytest.mark.django_db


@pytest.fixture
def labourer():
    WageFloorFactory(region_code="610202", hourly_minimum=Decimal("20.00"))
    trade = TradeFactory()
    WageGuide.objects.create(trade=trade, pay_unit="day", low=150, median=175, high=200,
                             effective_from=dt.date(2024, 1, 1), source="示例来源", is_demo=True)
    MarketRate.objects.create(trade=trade, pay_unit="day", region_code="", window_days=30, gigs=12, p25=160,
                              median=180, p75=195, computed_at=timezone.now())
    return trade


def test_the_wage_page_shows_guide_and_market_side_by_side_with_the_minimum_wage(client, labourer):
    page = client.get("/wages/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="demo-guide"' in html  # demo figures say so
    assert 'data-testid="minimum-wages"' in html and "¥20" in html and "¥2050" in html
    row = page.context["groups"][0]["rows"][0]
    assert (row["row"].guide.low, row["row"].market_30.gigs, row["row"].market_90) == (150, 12, None)
    # the chart is an image with a title and a description in words, and its figures are in a table too
    assert 'role="img"' in html and "<title id=" in html
    assert "Guide 150–200, median 175. Gigs, 30 days (12): 160–195, median 180." in html
    assert "<td>175</td>" in html


def test_an_areas_page_draws_its_legal_minimum_on_the_day_chart(client, labourer):
    page = client.get("/wages/", {"area": "610202"})
    assert page.context["groups"][0]["rows"][0]["chart"]["floor"]["text"] == "minimum 160"
    assert client.get("/wages/", {"area": "<script>"}).context["area"] == ""  # unknown: the whole city


def test_feed_cards_carry_the_label_in_words_and_are_labelled_in_a_fixed_number_of_queries(client, labourer):
    for pay in (140, 180, 260):
        GigFactory(category=labourer, pay_amount=Decimal(pay))
    page = client.get("/gigs/", {"lat": "35.069", "lng": "109.0756"})
    html = page.content.decode()
    assert html.count('data-testid="fair-pay"') == 3
    for words in ("Below the usual pay", "Fair pay", "Above the usual pay"):
        assert words in html
    with CaptureQueriesContext(connection) as few:
        client.get("/gigs/", {"lat": "35.069", "lng": "109.0756"})
    for pay in range(10):
        GigFactory(category=labourer, pay_amount=Decimal(150 + pay))
    with CaptureQueriesContext(connection) as many:
        client.get("/gigs/", {"lat": "35.069", "lng": "109.0756"})
    assert len(many) == len(few)


def test_a_piece_rate_gig_page_shows_its_pay_per_hour_and_the_minimum(client, labourer):
    bagging = TradeFactory(code="apple_bagging", name="苹果套袋", pay_units=["piece", "day"])
    gig = GigFactory(category=bagging, pay_unit="piece", pay_amount=Decimal("0.09"), expected_pieces_per_day=5000,
                     max_pieces=8000)
    html = client.get(f"/gigs/{gig.pk}/").content.decode()
    assert "No pay comparison yet" in html
    assert "≈ ¥56.25 per hour" in html and "legal minimum ¥20 per hour" in html


def test_an_employer_posting_below_the_guide_is_warned_and_the_gig_is_posted(client, labourer):
    from tests.frontend.test_employer_pages import post_form

    ServiceCenterFactory(region_code="610202")
    employer = EmployerFactory()
    client.force_login(employer.owner)
    response = client.post("/employer/gigs/new/", post_form(labourer, pay_amount="165"), follow=True)
    html = response.content.decode()
    assert "code-below_wage_guide" not in html and "Your pay is below the wage guide" not in html  # 165 is fair
    response = client.post("/employer/gigs/new/", post_form(labourer, pay_amount="162", title="另一个"), follow=True)
    assert employer.gigs.count() == 2
    response = client.post("/employer/gigs/new/", post_form(labourer, pay_amount="145"), follow=False)
    assert response.status_code == 200  # 145 a day is under the minimum wage (160): refused, not warned
    for line in WageGuide.objects.filter(trade=labourer):  # as the admin edits it
        line.low, line.median, line.high = 190, 200, 220
        line.save()
    response = client.post("/employer/gigs/new/", post_form(labourer, pay_amount="180", title="第三个"), follow=True)
    html = response.content.decode()
    assert employer.gigs.count() == 3
    assert "Your pay is below the wage guide" in html and "190–220" in html
    assert 'data-label="below"' in html  # and the gig's own page says so
    assert "Below the usual pay" in client.get("/employer/gigs/").content.decode()


def test_the_hall_screen_and_its_live_part_label_every_gig_in_words_from_one_book(client, labourer):
    center = ServiceCenterFactory(region_code="610202")
    for pay in (165, 260):
        GigFactory(category=labourer, center=center, pay_amount=Decimal(pay))
    for query in ({}, {"part": "gigs"}):
        html = client.get(f"/centers/{center.pk}/screen/", query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert html.count('data-testid="fair-pay"') == 2
        assert "Fair pay" in html and "Above the usual pay" in html
    with CaptureQueriesContext(connection) as few:
        client.get(f"/centers/{center.pk}/screen/", {"part": "gigs"})
    for pay in range(6):
        GigFactory(category=labourer, center=center, pay_amount=Decimal(150 + pay))
    with CaptureQueriesContext(connection) as many:
        client.get(f"/centers/{center.pk}/screen/", {"part": "gigs"})
    assert len(many) == len(few)


def test_the_post_form_shows_the_guide_and_warns_below_it_before_posting_without_refusing(client, labourer):
    from tests.frontend.test_employer_pages import post_form

    employer = EmployerFactory()
    client.force_login(employer.owner)
    assert 'data-testid="guide-range"' not in client.get("/employer/gigs/new/").content.decode()  # nothing chosen
    part = client.get("/employer/gigs/new/", {"part": "guide", "category": labourer.pk, "pay_unit": "day",
                                              "pay_amount": "140"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "¥150–¥200" in part and "median ¥175" in part and "Demo figures" in part
    assert 'data-testid="below-guide"' in part and "You can still post it" in part
    fair = client.get("/employer/gigs/new/", {"part": "guide", "category": labourer.pk, "pay_unit": "day",
                                              "pay_amount": "180"}).content.decode()
    assert "¥150–¥200" in fair and 'data-testid="below-guide"' not in fair
    for odd in ({"category": "x", "pay_unit": "day"}, {"category": labourer.pk, "pay_unit": "piece"},
                {"category": labourer.pk, "pay_unit": "day", "pay_amount": "１８０"}):
        assert client.get("/employer/gigs/new/", {"part": "guide", **odd}).status_code == 200
    other = TradeFactory(code="cleaner", name="保洁员", pay_units=["hour"])
    none = client.get("/employer/gigs/new/", {"part": "guide", "category": other.pk, "pay_unit": "hour"},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "no line for this trade" in none
    # a form sent back with an error keeps the guide drawn on it, server-side
    ServiceCenterFactory(region_code="610202")
    again = client.post("/employer/gigs/new/", post_form(labourer, pay_amount="170", title=""),
                        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="guide-range"' in again and "¥150–¥200" in again
    assert employer.gigs.count() == 0
