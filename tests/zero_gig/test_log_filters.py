"""A refusal is one line in the log; a fault of ours keeps its traceback."""

import logging

import pytest
from rest_framework.test import APIClient

from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def request_records(caplog):
    return [record for record in caplog.records if record.name == "django.request"]


def test_a_page_refused_for_who_asks_is_logged_without_a_traceback(client, caplog):
    client.force_login(WorkerFactory().user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/staff/").status_code == 403
    [record] = request_records(caplog)
    assert record.status_code == 403 and record.exc_info is None and "Traceback" not in caplog.text


def test_a_fault_of_ours_keeps_its_traceback(monkeypatch, caplog):
    from api import views

    def broken(*args, **kwargs):
        raise RuntimeError("a fault of ours")

    monkeypatch.setattr(views.CenterList, "list", broken)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert APIClient(raise_request_exception=False).get("/api/centers/").status_code == 500
    assert any(record.status_code == 500 and record.exc_info for record in request_records(caplog))
