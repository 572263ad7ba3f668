"""The agreement over the API: read it (binding text, translation, terms, fingerprint, intact, acceptances),
accept it, record it at the counter; the device of an acceptance is never returned."""

import pytest
from rest_framework.test import APIClient

from agreements.models import Agreement
from jobs import services as jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(gig, worker, now):
    return jobs.accept_gig(gig, actor=worker.user, now=now).agreement


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_worker_reads_the_agreement_and_accepts_what_was_shown(agreement, worker):
    client = api(worker.user)
    shown = client.get(f"/api/assignments/{agreement.assignment_id}/agreement/").json()

    assert shown["id"] == agreement.pk and shown["number"] == agreement.number and shown["language"] == "zh-hans"
    assert shown["text"] == agreement.text and shown["translation"]["language"] == "en"
    assert "Gig work agreement" in shown["translation"]["text"]
    assert shown["terms"]["pay"] == {"amount": "180.00", "unit": "day", "expected_hours": None,
                                     "expected_pieces_per_day": None, "max_pieces": None, "piece": ""}
    assert shown["intact"] is True and shown["acceptances"] == [] and shown["your_party"] == "worker"

    accepted = client.post(f"/api/agreements/{agreement.pk}/accept/", {"content_hash": shown["content_hash"]},
                           format="json", HTTP_USER_AGENT="WeChat/8.0", REMOTE_ADDR="203.0.113.9")

    assert accepted.status_code == 200
    [acceptance] = accepted.json()["acceptances"]
    assert acceptance["party"] == "worker" and acceptance["channel"] == "online" and acceptance["center"] is None
    assert "WeChat" not in accepted.content.decode() and "203.0.113.9" not in accepted.content.decode()


def test_accepting_a_different_text_is_a_400_naming_the_field(agreement, worker):
    response = api(worker.user).post(f"/api/agreements/{agreement.pk}/accept/", {"content_hash": "0" * 64},
                                     format="json")
    assert response.status_code == 400 and "content_hash" in response.json()["fields"]


def test_a_tampered_agreement_reads_as_not_intact_and_cannot_be_accepted(agreement, worker):
    Agreement.objects.filter(pk=agreement.pk).update(text="改过的协议")
    client = api(worker.user)

    assert client.get(f"/api/agreements/{agreement.pk}/").json()["intact"] is False
    refused = client.post(f"/api/agreements/{agreement.pk}/accept/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "agreement_altered"


def test_staff_record_the_counter_acceptance(agreement, staff):
    response = api(staff).post(f"/api/agreements/{agreement.pk}/counter-accept/", {}, format="json")
    assert response.status_code == 200
    [acceptance] = response.json()["acceptances"]
    assert (acceptance["party"], acceptance["channel"], acceptance["center"]) == (
        "worker", "counter", agreement.assignment.gig.center_id)
    assert response.json()["your_party"] is None


def test_an_assignment_never_hired_has_no_agreement(application_gig, worker, now):
    applied = jobs.apply_to_gig(application_gig, actor=worker.user, now=now)
    assert api(worker.user).get(f"/api/assignments/{applied.pk}/agreement/").status_code == 404


def test_the_agreement_carries_no_full_phone_or_id_number_of_anyone(agreement, gig, worker, staff):
    from tests.api.test_privacy import ANY_ID_NUMBER, ANY_MOBILE

    full = {worker.user.phone, worker.raw_id_number, gig.employer.owner.phone, gig.employer.contact_phone}
    for user in (worker.user, gig.employer.owner, staff):
        body = api(user).get(f"/api/agreements/{agreement.pk}/").content.decode()
        assert not [secret for secret in full if secret in body]
        assert not ANY_MOBILE.search(body) and not ANY_ID_NUMBER.search(body)
        assert "139****5678" in body  # the masked phone, enough to recognise one's own
