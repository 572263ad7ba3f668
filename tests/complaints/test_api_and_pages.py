"""The complaint over the API and on the pages: filing with a photo, refusals with their reasons, who sees the
photos, the staff queue, the posting block as the employer meets it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Complaint, Evidence
from tests.api.conftest import World
from tests.api.test_permissions import new_gig_body
from tests.complaints.conftest import photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return World()


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_worker_files_over_the_api_with_a_photo(world):
    unpaid = world.new_assignment("pay_recorded")
    response = api(world.worker.user).post("/api/complaints/", {
        "assignment": unpaid.pk, "statement": "干完活老板不给钱", "photos": [photo()]}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "filed" and body["amount_claimed"] == "180.00" and body["overdue"] is None
    assert [step["event"] for step in body["steps"]] == ["filed"]
    assert body["evidence"][0]["content_type"] == "image/jpeg"
    assert body["evidence"][0]["url"] == reverse("complaint_evidence", args=[body["evidence"][0]["id"]])


def test_an_upload_that_is_not_an_image_is_a_400_naming_the_field_and_nothing_is_kept(world):
    unpaid = world.new_assignment("pay_recorded")
    fake = SimpleUploadedFile("工资条.jpg", b"MZ\x90\x00 an exe", content_type="image/jpeg")
    response = api(world.worker.user).post("/api/complaints/", {
        "assignment": unpaid.pk, "statement": "干完活老板不给钱", "photos": [photo(), fake]}, format="multipart")
    assert response.status_code == 400
    assert response.json()["fields"]["photos"] == ["工资条.jpg is not a photo: send a JPEG, PNG or WebP picture."]
    assert not Complaint.objects.exists() and not Evidence.objects.exists()


def test_someone_elses_assignment_is_403(world):
    unpaid = world.new_assignment("pay_recorded")
    response = api(world.other_worker.user).post("/api/complaints/", {
        "assignment": unpaid.pk, "statement": "干完活老板不给钱"}, format="json")
    assert response.status_code == 403 and not Complaint.objects.exists()


def test_the_staff_take_each_step_and_the_worker_reads_them(world):
    complaint = world.complaint()
    staff = api(world.staff)
    assert staff.post(f"/api/complaints/{complaint.pk}/acknowledge/", {"note": "已受理"}).status_code == 200
    assert staff.post(f"/api/complaints/{complaint.pk}/mediate/", {}).status_code == 200
    refused = staff.post(f"/api/complaints/{complaint.pk}/resolve/", {"outcome": "partly_paid"})
    assert refused.status_code == 400 and "amount_recovered" in refused.json()["fields"]
    assert staff.post(f"/api/complaints/{complaint.pk}/resolve/", {"outcome": "referred_12333"}).status_code == 200
    again = staff.post(f"/api/complaints/{complaint.pk}/mediate/", {})
    assert again.status_code == 409 and again.json()["code"] == "bad_transition"
    seen = api(world.worker.user).get(f"/api/complaints/{complaint.pk}/").json()
    assert [(s["event"], s["actor_role"]) for s in seen["steps"]] == [
        ("filed", "worker"), ("acknowledged", "center_staff"), ("mediating", "center_staff"),
        ("resolved", "center_staff")]
    assert seen["outcome"] == "referred_12333"


def test_an_employer_with_an_open_complaint_is_refused_posting_with_the_reason(world):
    world.complaint()
    response = api(world.employer.owner).post("/api/gigs/", new_gig_body(world), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "unresolved_wage_complaint" and "not resolved" in response.json()["detail"]


def test_the_photo_is_shown_only_to_the_worker_the_employer_and_the_centers_staff(world, client):
    unpaid = world.new_assignment("pay_recorded")
    from complaints.services import file_complaint

    complaint = file_complaint(unpaid, actor=world.worker.user, statement="没给钱的截图", photos=[photo()])
    url = reverse("complaint_evidence", args=[complaint.evidence.get().pk])
    for user in (world.worker.user, world.employer.owner, world.staff, world.city_admin):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
    for user in (world.other_worker.user, world.other_employer.owner, world.other_staff):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_filing_on_the_page_and_the_staff_queue(world, client):
    unpaid = world.new_assignment("pay_recorded")
    client.force_login(world.worker.user)
    page = client.get(reverse("my_assignment", args=[unpaid.pk]))
    assert reverse("my_file_complaint", args=[unpaid.pk]) in page.content.decode()
    bad = client.post(reverse("my_file_complaint", args=[unpaid.pk]), {
        "statement": "没给钱", "amount_claimed": "180", "photos": [SimpleUploadedFile("a.gif", b"GIF89a nope")]})
    assert bad.status_code == 400 and "a.gif is not a photo" in bad.content.decode()
    assert not Complaint.objects.exists()
    done = client.post(reverse("my_file_complaint", args=[unpaid.pk]), {
        "statement": "说好180元，没给钱", "amount_claimed": "180", "photos": [photo()]})
    complaint = Complaint.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("complaint", args=[complaint.pk])
    someone_else = world.new_assignment("pay_recorded", worker=world.other_worker)
    assert client.get(reverse("my_file_complaint", args=[someone_else.pk])).status_code == 404

    client.force_login(world.staff)
    queue = client.get(reverse("staff_complaints")).content.decode()
    assert f'data-testid="complaint-{complaint.pk}"' in queue
    client.force_login(world.other_staff)
    assert f'data-testid="complaint-{complaint.pk}"' not in client.get(reverse("staff_complaints")).content.decode()
    assert client.post(reverse("complaint_step", args=[complaint.pk, "acknowledge"])).status_code == 404


def test_show_up_pay_shows_on_both_money_pages_until_confirmed(world, client):
    from jobs.models import Compensation

    cancelled = world.new_assignment("cancelled")
    owed = Compensation.objects.create(assignment=cancelled, amount="100.00", reason="临时取消")
    client.force_login(world.employer.owner)
    assert 'data-testid="owed-show_up"' in client.get(reverse("my_money")).content.decode()
    client.force_login(world.worker.user)
    assert 'data-testid="owed-show_up"' in client.get(reverse("my_money")).content.decode()
    client.post(reverse("my_confirm_show_up", args=[owed.pk]))
    assert 'data-testid="owed-show_up"' not in client.get(reverse("my_money")).content.decode()
    owed.refresh_from_db()
    assert owed.settled_at is not None and owed.settled_at > world.now - dt.timedelta(minutes=1)


def test_more_evidence_over_the_api_and_the_inbox_links_each_step_to_the_complaint(world, client):
    complaint = world.complaint()
    response = api(world.worker.user).post(f"/api/complaints/{complaint.pk}/evidence/",
                                           {"photos": [photo(), photo("b.png", "PNG")]}, format="multipart")
    assert response.status_code == 200 and len(response.json()["evidence"]) == 2
    api(world.staff).post(f"/api/complaints/{complaint.pk}/acknowledge/", {})
    client.force_login(world.worker.user)
    inbox = client.get(reverse("inbox")).content.decode()
    assert reverse("complaint", args=[complaint.pk]) in inbox


def test_the_employer_responds_on_the_page_and_every_gig_page_shows_the_unpaid_wages(world, client):
    complaint = world.complaint()
    gig_page = client.get(reverse("gig", args=[world.gig.pk])).content.decode()
    assert 'data-testid="unpaid-wages"' in gig_page and "1 unresolved wage complaint: ¥180 unpaid" in gig_page
    client.force_login(world.employer.owner)
    page = client.get(reverse("complaint", args=[complaint.pk])).content.decode()
    assert "cannot post new gigs" in page and 'data-testid="respond"' in page
    sent = client.post(reverse("complaint_respond", args=[complaint.pk]), {"response": "周三到中心当面支付。"})
    assert sent.status_code == 302
    client.force_login(world.worker.user)
    page = client.get(reverse("complaint", args=[complaint.pk])).content.decode()
    assert "周三到中心当面支付。" in page and 'data-testid="step-employer_responded"' in page
    assert 'data-testid="respond"' not in page and 'data-testid="acknowledge"' not in page


def test_a_complaint_with_photos_sent_twice_with_one_idempotency_key_is_filed_once(world):
    """A phone on a weak signal uploads again: each upload has its own multipart boundary, but the same fields
    and photos with the same key are the same request."""
    unpaid = world.new_assignment("pay_recorded")
    me = api(world.worker.user)

    def file(statement="干完活老板不给钱"):
        return me.post("/api/complaints/", {"assignment": unpaid.pk, "statement": statement, "photos": [photo()]},
                       format="multipart", headers={"Idempotency-Key": "complaint-1"})

    first, retried = file(), file()
    assert first.status_code == retried.status_code == 201
    assert retried.headers["Idempotent-Replayed"] == "true" and retried.json() == first.json()
    assert Complaint.objects.count() == 1 and Evidence.objects.count() == 1
    assert file("老板不给钱").status_code == 422  # another statement: another request
