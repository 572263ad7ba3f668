"""A client that retries a POST after losing the answer sends the same `Idempotency-Key`, and gets the first answer
again instead of a second gig, a second wave of offers or a second pay record (api.idempotency)."""

import datetime as dt
import hashlib
import json
import threading
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from idempotency import services as keys
from idempotency.models import IdempotencyKey
from jobs.models import Assignment, AssignmentStatus, Gig, GigMatching, PayRecord
from jobs.scheduler import DUTIES, run_due_duties
from notifications.models import Notification
from tests.factories import EmployerFactory, ServiceCenterFactory, TradeFactory, WageFloorFactory, WorkerFactory
from tests.helpers import field_errors
from workers.models import WorkerTrade

SITE = (35.0690, 109.0756)
KEY = "8d0a6d1e-5b4f-4c2a-9e7d-2f1c3b4a5d6e"


@pytest.fixture
def market(db, settings):
    """An employer, and three labourers within a kilometre of the site who get the first wave of offers."""
    settings.MATCHING = {**settings.MATCHING, "WAVE_SIZE": 3, "OFFERS_PER_SLOT": 3, "WAVE_RADII_KM": [3, 8],
                         "WAVE_DELAY_SECONDS": 120, "MAX_WAVES": 2}
    WageFloorFactory()
    ServiceCenterFactory()
    trade = TradeFactory()
    for km in (0.2, 0.5, 0.9):
        worker = WorkerFactory(latitude=SITE[0] + km / 111.0, longitude=SITE[1])
        WorkerTrade.objects.create(worker=worker, category=trade, years_experience=3)
    return EmployerFactory()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def gig_body(title="卸一车水泥", **fields) -> dict:
    start = timezone.now() + dt.timedelta(hours=3)
    return {"trade": "labourer", "title": title, "headcount": 1, "pay_amount": "30.00", "pay_unit": "hour",
            "address": "王益区红旗街（测试）", "latitude": SITE[0], "longitude": SITE[1],
            "starts_at": start.replace(microsecond=0).isoformat(),
            "ends_at": (start + dt.timedelta(hours=4)).replace(microsecond=0).isoformat(), **fields}


def post_gig(client, body, key=KEY):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post("/api/gigs/", body, format="json", headers=headers)


def offers() -> tuple[int, int]:
    return (Assignment.objects.filter(status=AssignmentStatus.OFFERED).count(),
            Notification.objects.filter(kind="offer").count())


def test_a_retried_gig_post_creates_one_gig_and_one_wave_of_offers(market):
    boss, body = client_for(market.owner), gig_body()

    first = post_gig(boss, body)
    assert first.status_code == 201, first.json()
    assert "Idempotent-Replayed" not in first.headers
    sent = offers()
    assert sent == (3, 3)  # the first wave went out to the three labourers nearby

    retried = post_gig(boss, body)
    assert retried.status_code == 201
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json() == first.json()
    assert Gig.objects.filter(employer=market).count() == 1
    assert offers() == sent  # no second wave
    assert GigMatching.objects.get(gig_id=first.json()["id"]).waves_sent == 1


def test_without_a_key_each_post_is_a_new_gig(market):
    boss, body = client_for(market.owner), gig_body()
    assert post_gig(boss, body, key=None).status_code == 201
    assert post_gig(boss, body, key=None).status_code == 201
    assert Gig.objects.filter(employer=market).count() == 2


def test_the_same_key_with_another_body_or_route_is_refused_naming_the_header(market):
    boss = client_for(market.owner)
    posted = post_gig(boss, gig_body())
    assert posted.status_code == 201

    other = post_gig(boss, gig_body(title="搬家具"))
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused" and "Idempotency-Key" in other.json()["detail"]
    elsewhere = boss.post(f"/api/gigs/{posted.json()['id']}/cancel/", {"reason": "不需要了"}, format="json",
                          headers={"Idempotency-Key": KEY})
    assert elsewhere.status_code == 200  # cancelling takes no key: the header means nothing there
    assert Gig.objects.filter(employer=market).count() == 1


def test_json_key_order_and_spacing_do_not_make_another_request(market):
    boss, body = client_for(market.owner), gig_body()
    assert post_gig(boss, body).status_code == 201
    reordered = dict(reversed(list(body.items())))
    assert post_gig(boss, reordered).headers["Idempotent-Replayed"] == "true"


def test_two_users_with_the_same_key_are_independent(market):
    other = EmployerFactory()
    mine = post_gig(client_for(market.owner), gig_body())
    theirs = post_gig(client_for(other.owner), gig_body())
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json()["id"] != theirs.json()["id"]
    assert Gig.objects.filter(employer__in=[market, other]).count() == 2


@pytest.mark.parametrize("key", ["", "two words", "工号-1", "x" * 256, "tab\tkey"])
def test_a_malformed_key_is_a_400_naming_the_header(market, key):
    answer = post_gig(client_for(market.owner), gig_body(), key=key)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid" and list(field_errors(answer)) == ["Idempotency-Key"]
    assert not Gig.objects.filter(employer=market).exists()


def test_a_refused_request_keeps_no_answer_so_the_corrected_retry_runs(market):
    boss = client_for(market.owner)
    refused = post_gig(boss, gig_body(headcount=0))
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post_gig(boss, gig_body()).status_code == 201  # same key, now a valid body


def test_a_retry_while_the_first_still_runs_is_told_so(market):
    boss, body = client_for(market.owner), gig_body()
    posted = post_gig(boss, body)
    # The same request, but its first run has not finished (its answer is not stored yet).
    IdempotencyKey.objects.update(status_code=None, body=None, locked_at=timezone.now())
    answer = post_gig(boss, body)
    assert answer.status_code == 409 and answer.json()["code"] == "in_progress"
    assert Gig.objects.filter(employer=market).count() == 1
    # A claim left by a process that died mid-request is taken over once it is long abandoned.
    IdempotencyKey.objects.update(locked_at=timezone.now() - keys.ABANDONED_AFTER - dt.timedelta(seconds=1))
    Gig.objects.filter(pk=posted.json()["id"]).delete()  # (that process had not got as far as the gig)
    assert post_gig(boss, body).status_code == 201
    assert Gig.objects.filter(employer=market).count() == 1


def test_keys_are_kept_a_day_then_pruned_by_the_scheduler(market):
    boss, body = client_for(market.owner), gig_body()
    assert post_gig(boss, body).status_code == 201
    later = timezone.now() + keys.KEY_LIFETIME + dt.timedelta(minutes=1)
    prune = [duty for duty in DUTIES if duty.name == "prune_idempotency_keys"]
    assert run_due_duties(later, duties=prune) == {"prune_idempotency_keys": 1}
    assert not IdempotencyKey.objects.exists()
    assert "Idempotent-Replayed" not in post_gig(boss, body).headers  # a new request now
    assert Gig.objects.filter(employer=market).count() == 2


def test_an_expired_key_not_yet_pruned_counts_as_unused(market):
    boss, body = client_for(market.owner), gig_body()
    assert post_gig(boss, body).status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - keys.KEY_LIFETIME - dt.timedelta(minutes=1))
    again = post_gig(boss, body)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert Gig.objects.filter(employer=market).count() == 2
    assert IdempotencyKey.objects.count() == 1


def test_a_retried_accept_and_pay_record_happen_once(market):
    boss, body = client_for(market.owner), gig_body()
    gig_id = post_gig(boss, body).json()["id"]
    offered = Assignment.objects.filter(gig_id=gig_id, status=AssignmentStatus.OFFERED).first()
    me = client_for(offered.worker.user)
    taken = me.post(f"/api/gigs/{gig_id}/accept/", headers={"Idempotency-Key": "accept-1"})
    again = me.post(f"/api/gigs/{gig_id}/accept/", headers={"Idempotency-Key": "accept-1"})
    assert taken.status_code == again.status_code == 200 and again.json() == taken.json()
    assert again.headers["Idempotent-Replayed"] == "true"  # not a 409 "already taken"
    assignment = Assignment.objects.get(pk=taken.json()["id"])
    Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.CHECKED_OUT)
    Gig.objects.filter(pk=gig_id).update(starts_at=timezone.now() - dt.timedelta(hours=5),
                                         ends_at=timezone.now() - dt.timedelta(hours=1))

    for _ in range(2):
        paid = boss.post(f"/api/assignments/{assignment.pk}/pay/", {"quantity": "4"}, format="json",
                         headers={"Idempotency-Key": "pay-1"})
        assert paid.status_code == 200, paid.json()
    assert PayRecord.objects.filter(assignment=assignment).count() == 1


def test_the_schema_documents_the_header_on_the_creating_posts_only():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    def takes_key(path, method):
        operation = paths[path][method]
        return any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation.get("parameters", []))

    creating = [("/api/gigs/", "post"), ("/api/gigs/{id}/accept/", "post"), ("/api/gigs/{id}/apply/", "post"),
                ("/api/assignments/{id}/pay/", "post"), ("/api/complaints/", "post"),
                ("/api/gigs/{id}/report/", "post"), ("/api/staff/centers/{id}/walk-ins/", "post"),
                ("/api/staff/centers/{id}/dispatches/", "post"), ("/api/fairs/{id}/register/", "post")]
    for path, method in creating:
        assert takes_key(path, method), path
        assert {"400", "409", "422"} <= set(paths[path][method]["responses"]), path
    assert not takes_key("/api/gigs/", "get")
    assert not takes_key("/api/gigs/{id}/cancel/", "post")


# --- Retries racing on PostgreSQL ---------------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
def test_concurrent_retries_create_one_gig(market):
    racers = 6
    body = gig_body()
    barrier = threading.Barrier(racers)
    answers = []

    def retry():
        try:
            barrier.wait(timeout=30)
            answer = post_gig(client_for(market.owner), body)
            answers.append((answer.status_code, answer.headers.get("Idempotent-Replayed"),
                            answer.json().get("id") if answer.status_code == 201 else answer.json()["code"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(answers) == racers
    assert Gig.objects.filter(employer=market).count() == 1
    gig_id = Gig.objects.get(employer=market).pk
    ran = [answer for answer in answers if answer[0] == 201 and answer[1] is None]
    assert ran == [(201, None, gig_id)]
    assert {answer for answer in answers if answer not in ran} <= {(201, "true", gig_id), (409, None, "in_progress")}
    assert offers() == (3, 3)


def test_the_kept_fingerprint_of_a_walk_ins_registration_does_not_give_the_id_number_back(world, settings):
    """Staff register a walk-in with a key: the row kept for 24 hours holds a hash of the request body, ID number
    included. Someone with only the database, who guesses the number right, still cannot confirm the guess: the
    hash is keyed with the server's secret."""
    from django.urls import reverse

    from api.idempotency import fingerprint
    from workers.id_numbers import check_char

    first17 = f"{world.center.region_code}19850317427"
    id_number = first17 + check_char(first17)
    body = {"display_name": "刘师傅", "trades": [world.trade.code], "consent": True, "id_number": id_number}
    path = reverse("staff-walk-in", kwargs={"pk": world.center.pk})
    assert world.client("staff").post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=KEY).status_code == 201

    kept = IdempotencyKey.objects.get().fingerprint
    guess = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    unkeyed = {hashlib.sha256(text.encode()).hexdigest() for text in (guess, f"POST\n{path}\n{guess}")}
    assert kept not in unkeyed

    retried = SimpleNamespace(method="POST", path=path, data=body)  # the same request again, as the server sees it
    assert fingerprint(retried) == kept  # a retry still matches
    settings.SECRET_KEY = "another-deployment-" + "x" * 40
    assert fingerprint(retried) != kept  # and only under this server's key
