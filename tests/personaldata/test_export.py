"""A worker or an employer downloads everything of theirs: every table's rows that are theirs, nobody else's."""

import json

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from rest_framework.test import APIClient

from personaldata import selectors

pytestmark = pytest.mark.django_db

PEOPLE_MODELS = {"accounts.User", "workers.WorkerProfile", "jobs.Employer"}


def exported_pks(export: dict) -> dict[str, set[int]]:
    pk = {label: apps.get_model(label)._meta.pk.attname for label in export["tables"]}
    return {label: {row[pk[label]] for row in rows} for label, rows in export["tables"].items()}


@pytest.mark.parametrize("who", ["worker", "employer"])
def test_the_download_holds_every_row_that_is_theirs_and_none_of_anyone_elses(people, others, who):
    user = people.worker.user if who == "worker" else people.employer.owner
    export = selectors.export_for(user, viewer=user)
    found = exported_pks(export)
    expected = people.rows_of(who)
    for label, pks in expected.items():
        assert found[label] == pks, label
    theirs = {label: set(rows) for label, rows in others.owned.items()}
    for label, pks in found.items():
        assert not pks & theirs.get(label, set()), f"{label} leaks another person's rows"
        if label not in expected:
            assert pks == set(), label


def test_every_table_that_points_at_a_person_is_exported_or_left_out_with_a_reason():
    exported = {table.label for table in selectors.TABLES}
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in {"accounts", "workers", "jobs", "notifications", "programs", "policy",
                                         "agreements", "wages", "gigreports", "complaints", "centers", "audit",
                                         "frontend", "figures"}:
            continue
        people = [f for f in model._meta.concrete_fields
                  if isinstance(f, models.ForeignKey) and f.related_model._meta.label in PEOPLE_MODELS]
        for f in people:
            if label in exported or f"{label}:{f.name}" in selectors.NOT_THEIRS or f"*:{f.name}" in \
                    selectors.NOT_THEIRS:
                continue
            missing.append(f"{label}.{f.name}")
    assert missing == []


def test_secrets_never_leave_even_to_their_owner(people):
    user = people.worker.user
    export = selectors.export_for(user, viewer=user)
    text = json.dumps(export, default=str)
    assert user.password not in text
    assert "key_hash" not in text and "code_hash" not in text and "id_number_hash" not in text
    assert "check_in_secret" not in text
    assert all("ip_address" not in row for row in export["tables"]["agreements.Acceptance"])


def test_nobody_downloads_another_persons_data(people, others, staff_user):
    for viewer in (others.worker.user, others.employer.owner, staff_user):
        with pytest.raises(PermissionDenied):
            selectors.export_for(people.worker.user, viewer=viewer)


def test_the_api_gives_the_caller_their_own_data_and_never_caches_it(people, others):
    client = APIClient()
    client.force_authenticate(people.employer.owner)
    response = client.get("/api/me/data/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["user_id"] == people.employer.owner.pk
    assert [row["id"] for row in body["tables"]["jobs.Employer"]] == [people.employer.pk]
    assert body["tables"]["workers.WorkerProfile"] == []
    assert APIClient().get("/api/me/data/").status_code == 401


def test_the_page_downloads_a_json_file(client, people):
    client.force_login(people.worker.user)
    page = client.get("/me/data/")
    assert page.status_code == 200
    download = client.post("/me/data/", {"action": "download"})
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.content)
    assert [row["id"] for row in data["tables"]["workers.WorkerProfile"]] == [people.worker.pk]


def test_the_page_asks_to_sign_in(client):
    assert client.get("/me/data/").status_code == 302
