"""The web pages through Django's test client: signing up and in by SMS code, gigs near me, a gig and
taking it, senior mode, the installable app and the error pages."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.views.defaults import server_error

from accounts.models import Role, SmsCode, User
from frontend.gcj02 import wgs84_to_gcj02
from frontend.models import DisplayPreference
from jobs.models import Assignment, AssignmentStatus, approximate_point
from tests.accounts.conftest import last_code
from tests.factories import WANGYI, GigFactory, QualifiedWorkerFactory, TradeFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db

NEAR = (WANGYI[0] + 0.01, WANGYI[1])  # about 1.1 km north of the worker's home
FAR = (WANGYI[0] + 0.07, WANGYI[1])  # about 7.8 km north


def ask_code(client, path, **fields):
    return client.post(path, {"action": "send_code", **fields})


# --- Signing up and logging in ----------------------------------------------------------------------

def test_a_worker_signs_up_with_a_texted_code_and_lands_on_gigs_near_them(client, outbox, center):
    page = ask_code(client, "/signup/", role="worker", name="张师傅", phone="13812345678", home=center.pk)
    assert page.status_code == 200
    assert "a code is on its way" in page.content.decode()
    code = last_code(outbox)

    response = client.post("/signup/", {"action": "sign_up", "role": "worker", "name": "张师傅",
                                        "phone": "13812345678", "code": code, "home": center.pk})

    assert response.status_code == 302 and response["Location"] == "/gigs/"
    user = User.objects.get(phone="13812345678")
    assert user.role == Role.WORKER and user.worker_profile.display_name == "张师傅"
    assert (user.worker_profile.latitude, user.worker_profile.longitude) == (center.latitude, center.longitude)
    assert client.get("/gigs/").context["user"] == user


def test_an_employer_signs_up_and_then_logs_in_again_by_code(client, outbox):
    ask_code(client, "/signup/", role="employer", name="李老板", phone="13912345678")
    client.post("/signup/", {"action": "sign_up", "role": "employer", "name": "李老板", "phone": "13912345678",
                             "code": last_code(outbox), "kind": "individual"})
    assert User.objects.get(phone="13912345678").employer.name == "李老板"
    logged_out = client.post("/logout/")
    assert logged_out["Clear-Site-Data"] == '"cache", "storage"'  # the pages kept offline were theirs
    assert not client.get("/").context["user"].is_authenticated
    SmsCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))  # codes go one a minute

    ask_code(client, "/login/", phone="139 1234 5678")
    response = client.post("/login/", {"action": "log_in", "phone": "13912345678", "code": last_code(outbox)})

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["user"].phone == "13912345678"


def test_full_width_digits_from_a_chinese_keyboard_are_read_as_digits(client, outbox):
    UserFactory(phone="13812340000")
    ask_code(client, "/login/", phone="１３８１２３４００００")
    assert outbox[-1].phone == "13812340000"


def test_a_wrong_code_is_shown_beside_the_code_field_and_nobody_is_logged_in(client, outbox):
    UserFactory(phone="13812340001")
    ask_code(client, "/login/", phone="13812340001")
    page = client.post("/login/", {"action": "log_in", "phone": "13812340001", "code": "000000"})
    assert page.status_code == 200
    assert "phone number or code is wrong" in page.content.decode()
    assert not page.context["user"].is_authenticated


def test_a_worker_must_say_where_they_look_for_work(client, center):
    page = ask_code(client, "/signup/", role="worker", name="张师傅", phone="13812345679")
    assert page.context["form"].errors["home"] == ["Choose where you look for work."]


def test_logging_in_without_a_code_asks_for_one(client):
    page = client.post("/login/", {"action": "log_in", "phone": "13812340002"})
    assert page.context["form"].errors["code"]


def test_a_second_code_within_a_minute_is_refused_with_the_wait(client, outbox):
    UserFactory(phone="13812340003")
    ask_code(client, "/login/", phone="13812340003")
    page = ask_code(client, "/login/", phone="13812340003")
    assert "Only one code a minute" in page.content.decode()
    assert len(outbox) == 1


def test_after_login_the_page_goes_where_the_person_was_going_but_not_off_site(client, outbox):
    UserFactory(phone="13812340004")
    ask_code(client, "/login/", phone="13812340004")
    response = client.post("/login/", {"action": "log_in", "phone": "13812340004", "next": "https://evil.example/",
                                       "code": last_code(outbox)})
    assert response["Location"] == "/gigs/"


# --- Gigs near me -------------------------------------------------------------------------------------

@pytest.fixture
def worker(client):
    worker = QualifiedWorkerFactory()
    client.force_login(worker.user)
    return worker


def test_a_worker_sees_open_gigs_near_home_with_pay_distance_slots_and_standing(client, worker):
    GigFactory(title="搬砖", latitude=NEAR[0], longitude=NEAR[1], pay_amount=Decimal("25.00"), pay_unit="hour",
               headcount=3)
    GigFactory(title="远处的活", latitude=FAR[0], longitude=FAR[1])

    page = client.get("/gigs/")

    body = page.content.decode()
    assert page.context["source"] == "home"
    [card] = page.context["cards"]
    assert card["gig"].title == "搬砖" and 1.0 < card["distance_km"] < 1.3
    assert card["estimate"] == Decimal("200")  # 25 yuan an hour for the gig's 8 hours
    assert "¥25" in body and "≈ ¥200 for the whole 8.0 h" in body
    assert "Verified" in body and 'data-testid="slots-left">3<' in body
    assert "远处的活" not in body


def test_the_browser_location_comes_before_the_home_point(client, worker):
    GigFactory(title="耀州的活", latitude=34.9089, longitude=108.9805)
    page = client.get("/gigs/", {"lat": "34.9089", "lng": "108.9805"})
    assert page.context["source"] == "here"
    assert [card["gig"].title for card in page.context["cards"]] == ["耀州的活"]


def test_without_a_location_or_home_the_search_starts_at_the_city_center(client):
    page = client.get("/gigs/")
    assert page.context["source"] == "city"
    assert "Near the city center" in page.content.decode()


def test_no_gigs_within_5_km_offers_to_widen_to_10(client, worker):
    GigFactory(latitude=FAR[0], longitude=FAR[1])
    page = client.get("/gigs/")
    assert page.context["cards"] == []
    assert "No gigs within 5 km." in page.content.decode()
    assert page.context["wider_url"] == "/gigs/?radius=10"
    assert len(client.get(page.context["wider_url"]).context["cards"]) == 1


@pytest.mark.parametrize("path", ["/employer/gigs/new/", "/employer/favourites/", "/agreements/1/",
                                  "/live/gigs/1/", "/employer/gigs/1/pay/"])
def test_a_page_that_needs_a_login_sends_a_visitor_to_the_text_message_login_not_the_admins(client, path):
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (302, f"/login/?next={path}")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2100-01-01"])
def test_a_day_at_the_end_of_the_calendar_is_refused_by_the_filter_not_a_500(client, worker, day):
    """The day's bounds are computed in the city's time zone, a day either side."""
    page = client.get("/gigs/", {"day": day})
    assert page.status_code == 200
    assert page.context["form"].errors["day"] == ["Give a date between 2000-01-01 and 2099-12-31."]


def test_filters_by_trade_pay_unit_minimum_pay_and_day(client, worker):
    cleaner = TradeFactory(code="cleaner", name="保洁员", pay_units=["hour"])
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    GigFactory(title="保洁", category=cleaner, pay_unit="hour", pay_amount=Decimal("30"),
               starts_at=tomorrow.replace(hour=9, minute=0))
    GigFactory(title="小工", pay_amount=Decimal("200"))
    GigFactory(title="低价保洁", category=cleaner, pay_unit="hour", pay_amount=Decimal("22"))

    def titles(**query):
        return sorted(card["gig"].title for card in client.get("/gigs/", query).context["cards"])

    assert titles(trade=cleaner.pk) == ["低价保洁", "保洁"]
    assert titles(pay_unit="hour", min_pay="25") == ["保洁"]
    assert titles(day=(tomorrow + dt.timedelta(days=1)).date().isoformat()) == []


def test_a_filter_that_cannot_be_read_is_shown_beside_its_field_and_the_gigs_stay(client, worker):
    GigFactory(latitude=NEAR[0], longitude=NEAR[1])
    page = client.get("/gigs/", {"min_pay": "lots"})
    assert page.context["form"].errors["min_pay"] and page.context["filtered"]
    assert len(page.context["cards"]) == 1


def household_gig(latitude: float, longitude: float, **fields):
    """A household's gig whose site is (latitude, longitude): its public place is the area around it."""
    gig = GigFactory(**fields)
    gig.place_at(latitude, longitude, "王益区红旗街12号（测试）")
    gig.save()
    return gig


def test_the_map_view_pins_gigs_at_approximate_places(client, worker):
    gig = household_gig(NEAR[0] + 0.00123, NEAR[1] + 0.00234)
    page = client.get("/gigs/", {"view": "map"})
    [pin] = page.context["pins"]
    assert (pin["lat"], pin["lng"]) == approximate_point(gig.site_latitude, gig.site_longitude) != (
        gig.site_latitude, gig.site_longitude)
    assert 'id="map"' in page.content.decode() and "leaflet/leaflet.js" in page.content.decode()


def test_an_htmx_filter_request_gets_only_the_results(client, worker):
    GigFactory(latitude=NEAR[0], longitude=NEAR[1])
    body = client.get("/gigs/", headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<section id="results"') and "<html" not in body


# --- A gig, and taking it -------------------------------------------------------------------------------

def test_the_gig_page_shows_an_approximate_site_and_navigates_in_gcj02(client, worker):
    gig = household_gig(35.07123, 109.07891, description="搬运水泥")
    page = client.get(f"/gigs/{gig.pk}/")
    body = page.content.decode()
    assert "搬运水泥" in body and gig.site_address not in body
    assert f"王益区, near {gig.center.name} (the exact address is shown once you are hired)" in body
    area = approximate_point(35.07123, 109.07891)
    assert (page.context["pin"]["lat"], page.context["pin"]["lng"]) == area
    gcj_lat, gcj_lng = wgs84_to_gcj02(*area)
    assert f"position={gcj_lng:.6f}%2C{gcj_lat:.6f}" in page.context["amap_url"]
    assert "You may cancel free within 5 minutes" in body


def test_a_worker_takes_an_instant_gig_and_is_told_so(client, worker):
    gig = GigFactory(headcount=1)
    response = client.post(f"/gigs/{gig.pk}/take/", follow=True)
    assert "You took this gig" in response.content.decode()
    assert Assignment.objects.get(gig=gig, worker=worker).status == AssignmentStatus.ACCEPTED
    assert response.context["exact"] and gig.address in response.content.decode()


def test_a_take_refused_for_lack_of_slots_says_why(client, worker):
    gig = GigFactory(headcount=1)
    other = QualifiedWorkerFactory()
    from jobs.services import accept_gig

    accept_gig(gig, actor=other.user)
    response = client.post(f"/gigs/{gig.pk}/take/", follow=True)
    body = response.content.decode()
    assert "Not done:" in body and "No slots left on this gig." in body
    assert "every place on this gig is taken" in body and 'data-testid="take"' not in body  # no button to fail again
    assert not Assignment.objects.filter(gig=gig, worker=worker).exists()


def test_a_gig_hiring_by_application_is_applied_for(client, worker):
    gig = GigFactory(hiring_mode="application")
    response = client.post(f"/gigs/{gig.pk}/take/", follow=True)
    assert "You applied" in response.content.decode()
    assert Assignment.objects.get(gig=gig, worker=worker).status == AssignmentStatus.APPLIED


def test_taking_a_gig_needs_a_worker_login(client):
    gig = GigFactory()
    response = client.post(f"/gigs/{gig.pk}/take/")
    assert response["Location"] == f"/login/?next=/gigs/{gig.pk}/"


def test_a_gig_that_is_not_public_is_not_found(client, worker):
    gig = GigFactory(status="draft")
    assert client.get(f"/gigs/{gig.pk}/").status_code == 404


# --- Senior mode and languages ---------------------------------------------------------------------------

def test_senior_mode_is_kept_in_a_cookie_for_everyone(client):
    response = client.post("/display/senior/", {"senior": "on", "next": "/gigs/"})
    assert response["Location"] == "/gigs/"
    assert response.cookies["zg_senior"].value == "1"
    assert '<html lang="en" class="senior">' in client.get("/").content.decode()


@pytest.mark.parametrize("wanted", ["24:00", "2026-02-30", "home", "https://example.com/", "//example.com/"])
def test_senior_mode_goes_back_only_to_a_path_of_this_site(client, wanted):
    """Anything else is not followed: a word without a slash was read as the name of a URL pattern (a 500)."""
    response = client.post("/display/senior/", {"senior": "on", "next": wanted})
    assert (response.status_code, response["Location"]) == (302, "/")


def test_senior_mode_follows_a_logged_in_person_to_another_phone(client, outbox):
    worker = WorkerFactory(user__phone="13812349999")
    client.force_login(worker.user)
    client.post("/display/senior/", {"senior": "on"})
    assert DisplayPreference.objects.get(user=worker.user).senior_mode

    other_phone = client.__class__()
    ask_code(other_phone, "/login/", phone="13812349999")
    response = other_phone.post("/login/", {"action": "log_in", "phone": "13812349999",
                                            "code": last_code(outbox)})
    assert response.cookies["zg_senior"].value == "1"


def test_logging_in_without_a_saved_preference_sets_the_cookie_so_pages_stop_asking_the_database(
        client, outbox):
    WorkerFactory(user__phone="13812348888")
    ask_code(client, "/login/", phone="13812348888")
    response = client.post("/login/", {"action": "log_in", "phone": "13812348888", "code": last_code(outbox)})
    assert response.cookies["zg_senior"].value == "0"
    with CaptureQueriesContext(connection) as queries:
        client.get("/gigs/")
    assert not [q for q in queries.captured_queries if "frontend_displaypreference" in q["sql"]]


def test_chinese_is_the_default_and_english_a_button_away(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = client.get("/").content.decode()
    assert '<html lang="zh-CN"' in page and "零工服务中心" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en"' in client.get("/").content.decode()


# --- Installable, offline, and errors ------------------------------------------------------------------------

def test_the_app_can_be_installed(client):
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/gigs/"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_service_worker_keeps_the_shell_and_the_last_feed_and_inbox(client):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("application/javascript")
    body = response.content.decode()
    assert '["/gigs/", "/inbox/"]' in body and '"/offline/"' in body
    assert client.get("/offline/").status_code == 200


def test_a_missing_page_is_friendly_in_both_languages(client, settings):
    settings.DEBUG = False
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert "Page not found" in page.content.decode() and "Traceback" not in page.content.decode()
    settings.LANGUAGE_CODE = "zh-hans"
    assert '<html lang="zh-CN"' in client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_a_server_error_page_is_friendly_and_shows_no_traceback():
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body and "Traceback" not in body
    assert "出错了" in body  # the other language too, in case the failure came before the language was chosen


def test_a_form_sent_without_its_csrf_token_gets_a_friendly_page(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    page = client.post("/display/senior/", {"senior": "on"})
    assert page.status_code == 403
    assert "Please try again" in page.content.decode() and "CSRF" not in page.content.decode()


# --- The GCJ-02 conversion ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("wgs", "gcj"), [
    # Published pairs: eviltransform's tests (Shanghai, Shenzhen, Beijing) and coordtransform's README (Beijing).
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
    ((39.915, 116.404), (39.91640428150164, 116.41024449916938)),
])
def test_wgs84_converts_to_gcj02_as_published(wgs, gcj):
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)


def test_outside_mainland_china_there_is_no_offset():
    assert wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)


@pytest.mark.parametrize(("language", "label"), [("en", "5 km"), ("zh-hans", "5 公里")])
def test_the_radius_choices_are_in_the_pages_language(client, language, label):
    html = client.get("/gigs/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f">{label}</option>" in html
