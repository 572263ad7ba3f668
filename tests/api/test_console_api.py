"""The staff console over the API: walk-ins found again instead of registered twice, the hall, and a dispatch
that takes a slot like an accept and is refused with the reason (409) when the gig is full or clashes."""

import datetime as dt

import pytest
from django.urls import reverse

from centers.models import HallVisit
from tests.factories import GigFactory, WageFloorFactory
from workers.models import WorkerProfile

pytestmark = pytest.mark.django_db


def test_a_walk_in_registered_twice_by_phone_is_found_the_second_time(world):
    staff = world.client("staff")
    url = reverse("staff-walk-in", kwargs={"pk": world.center.pk})
    body = {"display_name": "刘师傅", "trades": [world.trade.code], "phone": "139 1234 0002", "consent": True,
            "sex": "male", "stated_birth_year": 1965, "work_areas": ["610202"], "expected_pay": "200.00",
            "expected_pay_unit": "day"}
    first = staff.post(url, body, format="json")
    assert first.status_code == 201 and first.json()["created"] is True
    worker = first.json()["worker"]
    assert worker["phone_masked"] == "139****0002" and worker["intake"]["stated_birth_year"] == 1965
    assert worker["card_qr"] == f"zerogig:worker:{worker['number']}"
    again = staff.post(url, {**body, "display_name": "刘", "phone": "１３９１２３４０００２"}, format="json")
    assert again.status_code == 200
    assert again.json()["created"] is False and again.json()["matched_by"] == "phone"
    assert again.json()["worker"]["id"] == worker["id"]
    assert WorkerProfile.objects.filter(user__phone="13912340002").count() == 1


def test_bad_walk_in_input_names_the_field(world):
    response = world.client("staff").post(reverse("staff-walk-in", kwargs={"pk": world.center.pk}),
                                          {"display_name": "x", "trades": [world.trade.code], "consent": True,
                                           "id_number": "123"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "id_number" in response.json()["fields"]
    no_consent = world.client("staff").post(reverse("staff-walk-in", kwargs={"pk": world.center.pk}),
                                            {"display_name": "x", "trades": [world.trade.code], "consent": False},
                                            format="json")
    assert no_consent.status_code == 400 and "consent" in no_consent.json()["fields"]


def test_an_update_that_names_no_center_is_refused_by_field(world):
    walk_in = world.walk_in()
    response = world.client("staff").patch(reverse("staff-worker", kwargs={"pk": walk_in.pk}), {}, format="json")
    assert response.status_code == 400 and "center" in response.json()["fields"]


def test_scanning_a_card_checks_in_and_the_hall_lists_the_worker(world):
    staff = world.client("staff")
    walk_in = world.walk_in()
    hall = reverse("staff-hall", kwargs={"pk": world.center.pk})
    response = staff.post(hall, {"scan": f"zerogig:worker:{walk_in.number}"}, format="json")
    assert response.status_code == 201
    listed = staff.get(hall).json()
    assert [v["worker"]["id"] for v in listed["results"]] == [walk_in.pk]
    assert world.client("other_staff").get(hall).status_code == 403


def test_a_dispatch_takes_a_slot_and_a_full_or_clashing_gig_is_refused_with_the_reason(world):
    WageFloorFactory()
    staff = world.client("staff")
    world.console_hall()  # other_worker waits in the hall
    full = GigFactory(center=world.center, category=world.trade, headcount=1, accepted_count=1, status="filled")
    url = reverse("staff-dispatch-list", kwargs={"pk": world.center.pk})
    refused = staff.post(url, {"gig": full.pk, "worker": world.other_worker.pk, "consent": True}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] in ("no_slots_left", "not_open")
    taken = staff.post(url, {"gig": world.gig.pk, "worker": world.other_worker.pk, "consent": True}, format="json")
    assert taken.status_code == 201
    slip = taken.json()
    assert slip["status"] == "accepted" and slip["employer"]["contact_phone"] == world.employer.contact_phone
    assert not HallVisit.objects.filter(worker=world.other_worker, checked_out_at__isnull=True).exists()
    clash = GigFactory(center=world.center, category=world.trade, starts_at=world.gig.starts_at + dt.timedelta(hours=1))
    world.console_hall()
    overlap = staff.post(url, {"gig": clash.pk, "worker": world.other_worker.pk, "consent": True}, format="json")
    assert overlap.status_code == 409 and overlap.json()["code"] == "overlap"
    assert world.gig.code in overlap.json()["detail"]


def test_the_board_ranks_the_waiting_worker_for_the_gig(world):
    world.console_hall()
    board = world.client("staff").get(reverse("staff-board", kwargs={"pk": world.center.pk})).json()
    item = next(g for g in board["gigs"] if g["gig"]["id"] == world.gig.pk)
    assert [s["worker"]["id"] for s in item["suggestions"]] == [world.other_worker.pk]


def test_the_employer_checks_a_dispatched_worker_in_with_the_slip_code(world):
    from jobs.services import slip_code

    assignment = world.dispatch()
    url = reverse("assignment-slip-check-in", kwargs={"pk": assignment.pk})
    employer = world.client("employer")
    wrong = employer.post(url, {"code": "1234567x"}, format="json")
    assert wrong.status_code == 400 and "code" in wrong.json()["fields"]
    # The right code passes; the gig starts tomorrow, so the check-in window says no, with the reason.
    early = employer.post(url, {"code": slip_code(assignment)}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "too_early"
    assert world.client("other_worker").post(url, {"code": slip_code(assignment)},
                                             format="json").status_code == 403
