"""Who may read which figures, on every route: the page, the CSV and the API, for each role and center.

Staff read their own center's figures and the city totals; a city administrator every center's; staff of
another center get 403 for a center not theirs (page and API); workers, employers and visitors never."""

import pytest

pytestmark = pytest.mark.django_db

PAGE, CSV, API = "/staff/figures/", "/staff/figures/export.csv", "/api/staff/figures/"
ROUTES = (PAGE, CSV, API)
QUERY = {"period": "quarter", "from": "2026-01-01", "to": "2026-06-30"}


@pytest.fixture
def known(db):
    """Only the centers and people of the known quarter (conftest.py): who may read what needs no facts."""
    from types import SimpleNamespace

    from tests.factories import CenterStaffFactory, CityAdminFactory, ServiceCenterFactory

    a, b = ServiceCenterFactory(name="甲中心"), ServiceCenterFactory(name="乙中心")
    return SimpleNamespace(a=a, b=b, staff_a=CenterStaffFactory(center=a).user,
                           staff_b=CenterStaffFactory(center=b).user, admin=CityAdminFactory())


@pytest.fixture
def people(known, outsider, employer_user):
    from tests.factories import WorkerFactory

    return {"staff of 甲": known.staff_a, "staff of 乙": known.staff_b, "staff of 丙": outsider,
            "city admin": known.admin, "worker": WorkerFactory().user, "employer": employer_user}


# (who, which figures) → may they read them
ALLOWED = {
    ("staff of 甲", "甲"): True, ("staff of 甲", "乙"): False, ("staff of 甲", "city"): True,
    ("staff of 乙", "甲"): False, ("staff of 乙", "乙"): True, ("staff of 乙", "city"): True,
    ("staff of 丙", "甲"): False, ("staff of 丙", "乙"): False, ("staff of 丙", "city"): True,
    ("city admin", "甲"): True, ("city admin", "乙"): True, ("city admin", "city"): True,
    ("worker", "甲"): False, ("worker", "乙"): False, ("worker", "city"): False,
    ("employer", "甲"): False, ("employer", "乙"): False, ("employer", "city"): False,
}


def scope_of(known, which):
    return {"甲": known.a.pk, "乙": known.b.pk, "city": "city"}[which]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("who", "which"), sorted(ALLOWED))
def test_each_route_role_and_center(client, known, people, route, who, which):
    client.force_login(people[who])
    response = client.get(route, {**QUERY, "center": scope_of(known, which)})
    assert response.status_code == (200 if ALLOWED[who, which] else 403)


@pytest.mark.parametrize("route", ROUTES)
def test_visitors_log_in_first(client, known, route):
    response = client.get(route, {"center": known.a.pk})
    assert response.status_code in (302, 401)
    if route != API:
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("center", ["999999", "abc", "-1", "１"])
def test_an_unknown_or_malformed_center_is_refused(client, people, route, center):
    client.force_login(people["city admin"])
    assert client.get(route, {"center": center}).status_code == 403


def test_the_export_of_every_center_holds_only_what_the_viewer_may_read(client, known, people):
    client.force_login(people["staff of 甲"])
    text = b"".join(client.get(CSV, {**QUERY, "center": "all"}).streaming_content).decode("utf-8-sig")
    assert "甲中心" in text and "Whole city" in text and "乙中心" not in text
    client.force_login(people["city admin"])
    text = b"".join(client.get(CSV, {**QUERY, "center": "all"}).streaming_content).decode("utf-8-sig")
    assert "甲中心" in text and "乙中心" in text and "丙中心" in text


def test_the_page_offers_staff_their_centers_and_the_city_only(client, known, people):
    client.force_login(people["staff of 甲"])
    page = client.get(PAGE).content.decode()
    assert "甲中心" in page and "Whole city" in page and "乙中心" not in page
