"""A worker or an employer deletes their account: they can no longer be named or reached, and the other party
still sees the gig, its pay, ratings, agreement and complaint, without the name."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, AuthThrottle, SmsCode
from agreements.models import Agreement
from complaints.models import Complaint, Evidence
from gigreports.models import Report, ReportPhoto
from jobs.exceptions import Conflict
from jobs.models import Assignment, Employer, Gig, PayRecord, Rating
from notifications.models import Notification
from personaldata import services
from tests.factories import AssignmentFactory, GigFactory
from workers.models import IdentityClaim, WorkerIntake, WorkerProfile, WorkerTrade

pytestmark = pytest.mark.django_db


def test_a_deleted_worker_is_nameless_and_unreachable_but_the_employer_keeps_the_gig_history(people, client):
    worker = people.worker
    user = worker.user
    client.force_login(user)
    WorkerProfile.objects.filter(pk=worker.pk).update(current_latitude=35.1, current_longitude=109.1,
                                                      current_at=timezone.now(), id_number_masked="61****X",
                                                      birth_year=1980, id_number_hash="h" * 64)
    phone = user.phone

    services.delete_account(user, actor=user)

    user.refresh_from_db()
    assert (user.name, user.phone, user.is_active, user.has_usable_password()) == ("", None, False, False)
    profile = WorkerProfile.objects.get(pk=worker.pk)
    assert profile.display_name == ""
    assert (profile.id_number_hash, profile.id_number_masked, profile.birth_year) == (None, "", None)
    assert (profile.current_latitude, profile.current_longitude, profile.current_at) == (None, None, None)
    assert (profile.latitude, profile.longitude) == (0.0, 0.0)
    assert not ApiToken.objects.filter(user=user).exists()
    assert not SmsCode.objects.filter(phone=phone).exists() and not AuthThrottle.objects.filter(phone=phone).exists()
    assert not Notification.objects.filter(user=user).exists()
    assert not WorkerTrade.objects.filter(worker=worker).exists()
    assert not WorkerIntake.objects.filter(worker=worker).exists()
    assert not IdentityClaim.objects.filter(claimant=worker).exists()
    assert not ReportPhoto.objects.filter(report__worker=worker).exists()
    assert Report.objects.filter(worker=worker).exists()  # the case against the gig rests on it
    assert not Evidence.objects.filter(uploaded_by=user).exists()
    assert not Session.objects.exists()  # signed out everywhere
    assert client.get("/me/data/").status_code == 302

    # The employer's side: the assignment, pay, ratings, agreement and complaint are all still there.
    assignment = Assignment.objects.get(pk=people.assignment.pk)
    assert assignment.status == "completed" and assignment.worker_id == worker.pk
    assert PayRecord.objects.filter(assignment=assignment).count() == 1
    assert Rating.objects.filter(assignment=assignment).count() == 2
    assert Agreement.objects.filter(assignment=assignment).exists()
    assert Complaint.objects.filter(assignment=assignment).exists()
    employer_api = APIClient()
    employer_api.force_authenticate(people.employer.owner)
    seen = employer_api.get(f"/api/gigs/{people.gig.pk}/assignments/")
    assert seen.status_code == 200, seen.content
    text = seen.content.decode()
    assert phone not in text and phone[-4:] not in text


def test_a_deleted_employer_loses_name_contact_and_private_site_but_the_worker_keeps_the_gig(people):
    owner = people.employer.owner
    services.delete_account(owner, actor=owner)
    employer = Employer.objects.get(pk=people.employer.pk)
    assert (employer.name, employer.contact_name, employer.contact_phone, employer.credit_code) == ("", "", "", None)
    gig = Gig.objects.get(pk=people.gig.pk)
    assert (gig.site_address, gig.site_latitude, gig.site_longitude) == ("", None, None)
    worker_api = APIClient()
    worker_api.force_authenticate(people.worker.user)
    mine = worker_api.get("/api/assignments/")
    assert mine.status_code == 200
    assert people.assignment.pk in {row["id"] for row in mine.json()["results"]}


def test_a_worker_on_a_gig_cannot_delete_until_it_is_over(people):
    AssignmentFactory(worker=people.worker, gig=GigFactory(category=people.gig.category), status="accepted")
    user = people.worker.user
    with pytest.raises(Conflict) as refused:
        services.delete_account(user, actor=user)
    assert refused.value.code == "active_assignment"
    user.refresh_from_db()
    assert user.is_active and user.phone


def test_the_api_answers_409_with_the_reason_and_changes_nothing(people):
    gig = GigFactory(employer=people.employer, category=people.gig.category)  # still open
    api = APIClient()
    api.force_authenticate(people.employer.owner)
    response = api.delete("/api/me/")
    assert response.status_code == 409
    assert response.json()["code"] == "active_gig"
    assert "gig" in response.json()["detail"]
    assert Employer.objects.get(pk=people.employer.pk).name == people.employer.name
    Gig.objects.filter(pk=gig.pk).update(status="cancelled")
    assert api.delete("/api/me/").status_code == 204


def test_an_open_complaint_or_unrecorded_pay_holds_the_deletion(people):
    Complaint.objects.filter(assignment=people.assignment).update(status="mediating")
    for user in (people.worker.user, people.employer.owner):
        with pytest.raises(Conflict) as refused:
            services.delete_account(user, actor=user)
        assert refused.value.code == "open_complaint"
    Complaint.objects.filter(assignment=people.assignment).update(status="closed")
    Assignment.objects.filter(pk=people.assignment.pk).update(pay_status="not_due")
    owner = people.employer.owner
    with pytest.raises(Conflict) as refused:
        services.delete_account(owner, actor=owner)
    assert refused.value.code == "pay_owed"


def test_only_the_owner_deletes_and_staff_close_no_account_of_their_own(people, others, staff_user):
    with pytest.raises(PermissionDenied):
        services.delete_account(people.worker.user, actor=others.worker.user)
    with pytest.raises(PermissionDenied):
        services.delete_account(staff_user, actor=staff_user)
    api = APIClient()
    api.force_authenticate(staff_user)
    assert api.delete("/api/me/").status_code == 403
    assert APIClient().delete("/api/me/").status_code == 401


def test_the_page_deletes_after_the_box_is_ticked_and_signs_out(client, people):
    user = people.worker.user
    client.force_login(user)
    assert client.post("/me/data/", {"action": "delete"}).status_code == 400
    user.refresh_from_db()
    assert user.is_active
    done = client.post("/me/data/", {"action": "delete", "confirm": "yes"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert client.get("/me/data/").status_code == 302


def test_the_page_shows_why_deletion_must_wait(client, people):
    AssignmentFactory(worker=people.worker, gig=GigFactory(category=people.gig.category), status="accepted")
    client.force_login(people.worker.user)
    page = client.get("/me/data/")
    assert b'data-testid="delete-blockers"' in page.content
    assert b'data-testid="delete-account"' not in page.content


def test_live_locations_are_forgotten_once_matching_no_longer_uses_them(people, settings):
    from workers.services import prune_live_locations

    now = timezone.now()
    fresh = dt.timedelta(minutes=settings.MATCHING["FRESH_LOCATION_MINUTES"])
    WorkerProfile.objects.filter(pk=people.worker.pk).update(current_latitude=35.1, current_longitude=109.1,
                                                             current_at=now - fresh - dt.timedelta(minutes=1))
    assert prune_live_locations(now) == 1
    profile = WorkerProfile.objects.get(pk=people.worker.pk)
    assert (profile.current_latitude, profile.current_at) == (None, None)
    WorkerProfile.objects.filter(pk=people.worker.pk).update(current_latitude=35.1, current_longitude=109.1,
                                                             current_at=now - fresh + dt.timedelta(minutes=1))
    assert prune_live_locations(now) == 0
