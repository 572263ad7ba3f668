"""Job fairs and training courses over the API: the same rules as the services, the one error body, pages of
results, and completion showing on the worker's card."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from programs.models import FairRegistration
from tests.factories import QualifiedWorkerFactory
from tests.helpers import listed

pytestmark = pytest.mark.django_db


def _fair_for_one(world, staff) -> int:
    """Staff create a fair in three days with one place; its id."""
    starts = world.now + dt.timedelta(days=3)
    created = staff.post("/api/fairs/", {"center": world.center.pk, "title": "招聘会", "place": "大厅", "capacity": 1,
                                         "starts_at": starts.isoformat(),
                                         "ends_at": (starts + dt.timedelta(hours=3)).isoformat()}, format="json")
    assert created.status_code == 201, created.content
    return created.json()["id"]


def test_a_full_fair_answers_409_full_with_the_reason(world):
    staff = world.client("staff")
    fair = _fair_for_one(world, staff)
    assert world.client("worker").post(f"/api/fairs/{fair}/register/", {}, format="json").status_code == 200

    refused = world.client("other_worker").post(f"/api/fairs/{fair}/register/", {}, format="json")

    assert refused.status_code == 409
    assert refused.json()["code"] == "full" and "1" in refused.json()["detail"]
    assert FairRegistration.objects.filter(fair_id=fair).count() == 1


def test_bad_input_names_the_field(world):
    staff = world.client("staff")
    starts = world.now + dt.timedelta(days=3)
    body = {"center": world.center.pk, "title": "招聘会", "place": "大厅", "capacity": 0,
            "starts_at": starts.isoformat(), "ends_at": (starts - dt.timedelta(hours=1)).isoformat()}
    response = staff.post("/api/fairs/", body, format="json")
    assert response.status_code == 400 and set(response.json()["fields"]) == {"capacity"}
    response = staff.post("/api/fairs/", {**body, "capacity": 5}, format="json")
    assert response.status_code == 400 and set(response.json()["fields"]) == {"ends_at"}
    fair = world.fair()
    response = staff.post(f"/api/fairs/{fair.pk}/register/", {"worker": 10**12}, format="json")
    assert response.status_code == 400 and set(response.json()["fields"]) == {"worker"}
    response = staff.post("/api/courses/", {"center": world.center.pk, "trade": world.trade.pk, "title": "x",
                                            "place": "y", "capacity": 3, "sessions": []}, format="json")
    assert response.status_code == 400 and set(response.json()["fields"]) == {"sessions"}
    response = staff.post("/api/fairs/", {**body, "capacity": 5, "starts_at": "9999-12-31T09:00:00+08:00",
                                          "ends_at": "9999-12-31T12:00:00+08:00"}, format="json")
    assert response.status_code == 400 and set(response.json()["fields"]) == {"starts_at"}


def test_a_patch_giving_sessions_names_each_half_given_session_and_keeps_the_old_ones(world):
    """A PATCH's sessions replace the course's, so each is given whole even in a partial update."""
    course = world.course()
    starts = (world.now + dt.timedelta(days=5)).isoformat()
    response = world.client("staff").patch(f"/api/courses/{course.pk}/", {"sessions": [{"starts_at": starts}]},
                                           format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"sessions.0.ends_at": ["This field is required."]}
    assert course.sessions.count() == 2


def test_staff_register_a_walk_in_and_the_hire_counts_for_the_fair(world):
    fair = world.fair()  # under way; the world's worker registered, the world's gig brought by its employer
    walk_in = QualifiedWorkerFactory(trades=[world.trade])
    staff = world.client("staff")
    assert staff.post(f"/api/fairs/{fair.pk}/attendance/", {"worker": walk_in.pk}, format="json").status_code == 200
    assert world.client("other_worker").post(f"/api/gigs/{world.gig.pk}/accept/").status_code == 200  # not at fair
    client = APIClient()
    client.force_authenticate(walk_in.user)
    assert client.post(f"/api/gigs/{world.gig.pk}/accept/").status_code == 200

    detail = world.client("anonymous").get(f"/api/fairs/{fair.pk}/").json()
    assert (detail["registered"], detail["attended"], detail["hires"]) == (2, 1, 1)
    rows = listed(staff.get(f"/api/fairs/{fair.pk}/registrations/"))
    assert {(row["worker"], row["channel"]) for row in rows} == {(world.worker.pk, "online"),
                                                                 (walk_in.pk, "counter")}


def test_completing_a_course_shows_on_the_worker_card(world):
    course = world.course()
    staff = world.client("staff")
    assert staff.post(f"/api/courses/{course.pk}/complete/", {"worker": world.worker.pk},
                      format="json").status_code == 200
    card = world.client("city_admin").get(f"/api/workers/{world.worker.pk}/").json()
    (trade,) = card["trades"]
    assert trade["verified_by_course"] == course.pk and trade["verified_at"]
    # A worker not signed up cannot be completed: bad input naming the worker.
    response = staff.post(f"/api/courses/{course.pk}/complete/", {"worker": world.other_worker.pk}, format="json")
    assert response.status_code == 400 and set(response.json()["fields"]) == {"worker"}


def test_lists_come_in_pages_and_hide_cancelled_events_from_the_public(world):
    fairs = [world.fair() for _ in range(3)]
    world.client("staff").patch(f"/api/fairs/{fairs[0].pk}/", {"is_cancelled": True}, format="json")
    first = world.client("anonymous").get("/api/fairs/", {"limit": 1}).json()
    assert len(first["results"]) == 1 and first["next"]
    assert {row["id"] for row in listed(world.client("anonymous").get("/api/fairs/"))} == {f.pk for f in fairs[1:]}
    assert fairs[0].pk in {row["id"] for row in listed(world.client("staff").get("/api/fairs/"))}
    assert world.client("anonymous").get(f"/api/fairs/{fairs[0].pk}/").status_code == 404
    assert world.client("anonymous").get("/api/fairs/", {"cursor": "nonsense"}).status_code == 400


def test_a_worker_cancels_over_the_api_and_the_place_is_free_again(world):
    staff = world.client("staff")
    fair = _fair_for_one(world, staff)
    worker = world.client("worker")
    assert worker.post(f"/api/fairs/{fair}/register/", {}, format="json").status_code == 200
    assert worker.post(f"/api/fairs/{fair}/unregister/", {}, format="json").status_code == 204
    again = worker.post(f"/api/fairs/{fair}/unregister/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "not_signed_up"
    assert world.client("other_worker").post(f"/api/fairs/{fair}/register/", {}, format="json").status_code == 200
    # Staff cancel the other worker's at the counter.
    cancelled = staff.post(f"/api/fairs/{fair}/unregister/", {"worker": world.other_worker.pk}, format="json")
    assert cancelled.status_code == 204 and not FairRegistration.objects.filter(fair_id=fair).exists()
