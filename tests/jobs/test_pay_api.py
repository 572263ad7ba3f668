"""Money and time over HTTP: the new gig fields, ending a gig early, correcting pay and its history."""

import datetime as dt
from decimal import Decimal

import pytest

from jobs.models import AssignmentStatus, GigStatus
from tests.api.conftest import World
from tests.factories import TradeFactory, WageFloorFactory
from tests.helpers import field_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    WageFloorFactory()
    return World()


def gig_body(world, **overrides) -> dict:
    starts = world.now + dt.timedelta(days=2)
    body = {"trade": world.trade.code, "title": "搬砖", "headcount": 2, "pay_amount": "200.00", "pay_unit": "day",
            "address": "王益区（测试地点）", "latitude": 35.069, "longitude": 109.0756,
            "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=8)).isoformat()}
    body.update(overrides)
    return body


def test_a_gig_ending_in_9999_is_a_400_naming_ends_at(world):
    end = "9999-12-31T23:59:59+08:00"
    response = world.client("employer").post("/api/gigs/", gig_body(world, ends_at=end), format="json")
    assert response.status_code == 400
    assert "ends_at" in field_errors(response)


def test_a_gig_in_beijing_is_a_400_naming_the_coordinates_and_the_rule(world):
    response = world.client("employer").post("/api/gigs/", gig_body(world, latitude=39.9042, longitude=116.4074),
                                             format="json")
    assert response.status_code == 400
    errors = field_errors(response)
    assert "80 km" in errors["latitude"][0] and "80 km" in errors["longitude"][0]


def test_a_per_job_gig_states_its_hours_over_the_api(world):
    TradeFactory(code="locksmith", name="开锁换锁", pay_units=["job"])
    boss = world.client("employer")
    body = gig_body(world, trade="locksmith", pay_unit="job", pay_amount="120.00")
    refused = boss.post("/api/gigs/", body, format="json")
    assert refused.status_code == 400 and "expected_hours" in field_errors(refused)
    posted = boss.post("/api/gigs/", {**body, "expected_hours": "2.5"}, format="json")
    assert posted.status_code == 201, posted.content
    assert posted.json()["expected_hours"] == "2.50" and posted.json()["max_pieces"] is None


def test_the_employer_ends_a_gig_early_over_the_api(world):
    on_site = world.new_assignment("checked_in")
    boss = world.client("employer")
    url = f"/api/gigs/{on_site.gig_id}/end-early/"
    assert "reason" in field_errors(boss.post(url, {}, format="json"))
    ended = boss.post(url, {"reason": "下雨停工"}, format="json")
    assert ended.status_code == 200, ended.content
    gig = ended.json()
    assert gig["end_early_reason"] == "下雨停工" and gig["ended_early_at"] and gig["planned_ends_at"]
    assert gig["status"] == GigStatus.IN_PROGRESS
    on_site.refresh_from_db()
    assert on_site.status == AssignmentStatus.CHECKED_OUT
    again = boss.post(url, {"reason": "下雨停工"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "ended"


def test_pay_is_corrected_with_a_reason_its_history_kept_and_a_stale_confirmation_refused(world):
    assignment = world.new_assignment("checked_out")  # a day gig: at most 1 day
    boss, worker = world.client("employer"), world.client("worker")
    pay = f"/api/assignments/{assignment.pk}/pay/"
    too_much = boss.post(pay, {"quantity": "2"}, format="json")
    assert too_much.status_code == 400 and "days the worker was on site" in field_errors(too_much)["quantity"][0]
    first = boss.post(pay, {"quantity": "1"}, format="json")
    assert first.status_code == 200 and first.json()["max_pay_quantity"] == "1.00"
    seen = first.json()["amount_due"]
    assert "reason" in field_errors(boss.post(pay, {"quantity": "0.5"}, format="json"))
    corrected = boss.post(pay, {"quantity": "0.5", "reason": "只干了半天"}, format="json")
    assert corrected.status_code == 200 and corrected.json()["amount_due"] == "90.00"

    history = worker.get(f"/api/assignments/{assignment.pk}/pay-history/")
    assert history.status_code == 200
    assert [(v["quantity"], v["amount"], v["reason"]) for v in history.json()["results"]] == [
        ("1.00", "180.00", ""), ("0.50", "90.00", "只干了半天")]

    confirm = f"/api/assignments/{assignment.pk}/confirm-paid/"
    stale = worker.post(confirm, {"amount_due": seen}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "pay_changed"
    assert worker.post(confirm, {"amount_due": "90.00"}, format="json").json()["pay_status"] == "confirmed"
    late = boss.post(pay, {"quantity": "1", "reason": "补上"}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "pay_settled"
    assert Decimal(world.client("worker").get(f"/api/assignments/{assignment.pk}/").json()["amount_due"]) == 90
