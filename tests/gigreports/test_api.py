"""The report-and-hold story over the API: reports (with a photo, as multipart), the hold after the third worker,
the feed and the take refusing the held gig with its reason, and the staff's decision."""

import base64

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from gigreports.models import Case
from jobs.models import Assignment, AssignmentStatus, GigStatus
from tests.factories import WANGYI, QualifiedWorkerFactory

from .conftest import photo

pytestmark = pytest.mark.django_db


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def nearby(client=None) -> set[int]:
    response = (client or APIClient()).get("/api/gigs/nearby/", {"latitude": WANGYI[0], "longitude": WANGYI[1]})
    assert response.status_code == 200
    return {gig["id"] for gig in response.json()["results"]}


def test_three_workers_report_the_gig_over_the_api_and_it_is_held(market):
    gig = market.gig
    offered = QualifiedWorkerFactory()
    Assignment.objects.create(gig=gig, worker=offered, status=AssignmentStatus.OFFERED, offered_at=timezone.now())
    first, second, third = market.reporters

    picture = base64.b64encode(photo().read()).decode()
    with_photo = as_user(first.user).post(f"/api/gigs/{gig.pk}/report/",
                                          {"reason": "asks_money", "text": "要交押金", "photos": [picture]},
                                          format="json")
    assert with_photo.status_code == 201, with_photo.content
    assert with_photo.json()["case_status"] == "open" and len(with_photo.json()["photos"]) == 1
    assert as_user(first.user).post(f"/api/gigs/{gig.pk}/report/", {"reason": "fake"},
                                    format="json").json()["code"] == "already_reported"
    assert as_user(second.user).post(f"/api/gigs/{gig.pk}/report/", {"reason": "fake"}, format="json").status_code \
        == 201
    assert gig.pk in nearby()
    assert as_user(third.user).post(f"/api/gigs/{gig.pk}/report/", {"reason": "pay_differs"},
                                    format="json").status_code == 201

    assert gig.pk not in nearby() and gig.pk not in nearby(as_user(QualifiedWorkerFactory().user))
    # A newcomer cannot even see it; the worker whose offer the hold withdrew is told why they cannot take it.
    newcomer = as_user(QualifiedWorkerFactory().user)
    assert newcomer.post(f"/api/gigs/{gig.pk}/accept/").status_code == 404
    refused = as_user(offered.user).post(f"/api/gigs/{gig.pk}/accept/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "gig_held" and "held for review" in refused.json()["detail"]
    assert as_user(first.user).get("/api/reports/").json()["results"][0]["case_status"] == "open"


def test_a_photo_that_is_not_a_picture_is_a_400_naming_the_field(market):
    client = as_user(market.reporters[0].user)
    for junk, field in (("not base64!", "photos.0"), (base64.b64encode(b"%PDF-1.4").decode(), "photos")):
        refused = client.post(f"/api/gigs/{market.gig.pk}/report/", {"reason": "fake", "photos": [junk]},
                              format="json")
        assert refused.status_code == 400 and list(refused.json()["fields"]) == [field], refused.json()
    assert not Case.objects.exists()


def test_staff_read_the_queue_and_take_the_gig_down_over_the_api(market):
    for worker in market.reporters:
        as_user(worker.user).post(f"/api/gigs/{market.gig.pk}/report/", {"reason": "fake"}, format="json")
    staff = as_user(market.staff)
    queue = staff.get("/api/report-cases/").json()["results"]
    assert [(case["gig"]["id"], case["gig"]["status"], len(case["reports"])) for case in queue] == [
        (market.gig.pk, "held", 3)]
    case_id = queue[0]["id"]
    assert as_user(market.other_staff).get(f"/api/report-cases/{case_id}/").status_code == 403
    assert as_user(market.other_staff).get("/api/report-cases/").json()["results"] == []

    bad = staff.post(f"/api/report-cases/{case_id}/take-down/", {"employer_action": "ban", "note": ""}, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"employer_action", "note"}
    done = staff.post(f"/api/report-cases/{case_id}/take-down/", {"employer_action": "warn", "note": "虚假岗位"},
                      format="json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["gig"]["status"]) == ("taken_down", GigStatus.TAKEN_DOWN)
    again = staff.post(f"/api/report-cases/{case_id}/release/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "case_decided"
    assert Case.objects.get(pk=case_id).decided_by == market.staff


def test_an_employer_never_reads_who_reported(market):
    as_user(market.reporters[0].user).post(f"/api/gigs/{market.gig.pk}/report/", {"reason": "fake"}, format="json")
    employer = as_user(market.employer.owner)
    assert employer.get("/api/reports/").status_code == 403
    assert employer.get("/api/report-cases/").status_code == 403
