"""The whole story over HTTP: an employer posts, a nearby worker finds it and takes it, works, is paid, both rate."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from jobs.models import Assignment, Gig
from tests.factories import (
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
    TradeFactory,
    WageFloorFactory,
    WorkerFactory,
)
from tests.helpers import field_errors, listed
from workers.models import WorkerTrade

pytestmark = pytest.mark.django_db


@pytest.fixture
def market():
    WageFloorFactory()
    ServiceCenterFactory()
    trade = TradeFactory()
    employer = EmployerFactory()
    worker = WorkerFactory()
    WorkerTrade.objects.create(worker=worker, category=trade, years_experience=5)
    return trade, employer, worker


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_post_find_take_work_pay_rate(market):
    trade, employer, worker = market
    boss, me = client_for(employer.owner), client_for(worker.user)
    start = timezone.now() + dt.timedelta(minutes=30)
    posted = boss.post("/api/gigs/", {
        "trade": "labourer", "title": "卸一车水泥", "headcount": 1, "pay_amount": "30.00", "pay_unit": "hour",
        "address": "王益区红旗街（测试）", "latitude": 35.0700, "longitude": 109.0760,
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=4)).isoformat(),
    }, format="json")
    assert posted.status_code == 201, posted.json()
    gig = posted.json()
    assert gig["status"] == "open" and gig["slots_left"] == 1 and gig["center"]["id"]

    feed = APIClient().get("/api/gigs/nearby/", {"latitude": 35.069, "longitude": 109.0756, "trades": "labourer"})
    assert feed.status_code == 200
    found = feed.json()["results"][0]
    # A household's gig: the feed knows only the area (its centre within a few hundred metres of the site).
    assert found["id"] == gig["id"] and found["exact_site"] is False and found["distance_km"] < 0.7

    taken = me.post(f"/api/gigs/{gig['id']}/accept/")
    assert taken.status_code == 200 and taken.json()["status"] == "accepted"
    assert taken.json()["employer_contact"]["phone"] == employer.contact_phone
    assignment_id = taken.json()["id"]
    roster = listed(boss.get(f"/api/gigs/{gig['id']}/assignments/"))
    assert roster[0]["worker_phone"] == worker.user.phone

    code = boss.get(f"/api/gigs/{gig['id']}/check-in-code/").json()["code"]
    checked_in = me.post(f"/api/assignments/{assignment_id}/check-in/", {"code": code}, format="json")
    assert checked_in.status_code == 200 and checked_in.json()["status"] == "checked_in"
    # Four and a half hours later (the gig and the check-in move back in time instead of the test waiting).
    later = dt.timedelta(hours=4, minutes=30)
    Gig.objects.filter(pk=gig["id"]).update(starts_at=F("starts_at") - later, ends_at=F("ends_at") - later)
    Assignment.objects.filter(pk=assignment_id).update(checked_in_at=F("checked_in_at") - later)
    assert me.post(f"/api/assignments/{assignment_id}/check-out/").json()["status"] == "checked_out"

    paid = boss.post(f"/api/assignments/{assignment_id}/pay/", {"quantity": "4"}, format="json")
    assert paid.status_code == 200 and paid.json()["amount_due"] == "120.00"
    assert me.post(f"/api/assignments/{assignment_id}/confirm-paid/").json()["pay_status"] == "confirmed"

    assert me.post(f"/api/assignments/{assignment_id}/rate/", {"score": 5}, format="json").status_code == 201
    assert boss.post(f"/api/assignments/{assignment_id}/rate/", {"score": 4, "comment": "能干"},
                     format="json").status_code == 201
    detail = APIClient().get(f"/api/gigs/{gig['id']}/")
    assert detail.status_code == 404  # completed gigs are no longer public
    mine = boss.get(f"/api/gigs/{gig['id']}/").json()
    assert mine["status"] == "completed" and mine["employer"]["rating"] == 5.0
    card = boss.get(f"/api/workers/{worker.pk}/").json()
    assert card["reliability"]["completed"] == 1 and card["reliability"]["rating"] == 4.0


def test_the_last_slot_goes_to_one_worker_and_the_next_hears_409(market):
    trade, employer, worker = market
    other = WorkerFactory()
    WorkerTrade.objects.create(worker=other, category=trade)
    start = timezone.now() + dt.timedelta(days=1)
    gig = client_for(employer.owner).post("/api/gigs/", {
        "trade": "labourer", "title": "小工", "headcount": 1, "pay_amount": "200", "pay_unit": "day",
        "address": "王益区", "latitude": 35.07, "longitude": 109.07, "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=8)).isoformat()}, format="json").json()
    assert client_for(worker.user).post(f"/api/gigs/{gig['id']}/accept/").status_code == 200
    late = client_for(other.user).post(f"/api/gigs/{gig['id']}/accept/")  # offered the gig when it was posted
    assert late.status_code == 409
    assert late.json() == {"detail": "No slots left on this gig.", "code": "no_slots_left"}
    newcomer = WorkerFactory()  # never offered it: one of the crowd that taps a full gig
    with CaptureQueriesContext(connection) as reads:
        crowd = client_for(newcomer.user).post(f"/api/gigs/{gig['id']}/accept/")
    assert crowd.status_code == 409 and crowd.json()["code"] == "no_slots_left"
    assert len(reads.captured_queries) == 1  # one read each, not the gig, the profile and the locked way


def test_gig_detail_shows_distance_pay_rating_and_slots_left(market):
    trade, employer, _worker = market
    gig = GigFactory(employer=employer, category=trade, latitude=35.0780, longitude=109.0756, headcount=3)
    body = APIClient().get(f"/api/gigs/{gig.pk}/", {"latitude": 35.0690, "longitude": 109.0756}).json()
    assert body["distance_km"] == pytest.approx(1.0, abs=0.01)
    assert body["slots_left"] == 3 and body["pay_amount"] == "180.00"
    assert body["employer"]["rating"] is None and body["employer_standing"]["gigs_completed"] == 0
    assert APIClient().get(f"/api/gigs/{gig.pk}/").json()["distance_km"] is None
    half = APIClient().get(f"/api/gigs/{gig.pk}/", {"latitude": 35.0690})
    assert half.status_code == 400 and "longitude" in field_errors(half)
