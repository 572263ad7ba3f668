"""One moment is written the same way everywhere: a gig's start in the REST API, in a socket frame, and as the
end of a check-in code's validity (ISO 8601 in the site's zone, +08:00), never +00:00 here and Z there."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import issue_api_token
from api import views
from audit.services import record_action, snapshot
from jobs import services
from tests.factories import (
    CityAdminFactory,
    EmployerFactory,
    QualifiedWorkerFactory,
    ServiceCenterFactory,
    TradeFactory,
    WageFloorFactory,
)
from zero_gig.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def post_gig(employer, starts_at):
    return services.create_gig(actor=employer.owner, category=TradeFactory(), title="急招小工", headcount=1,
                               pay_amount="200", pay_unit="day", address="王益区", latitude=35.069, longitude=109.0756,
                               starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=8))


async def test_a_gigs_start_reads_the_same_in_rest_in_a_socket_frame_and_as_a_check_in_codes_end(monkeypatch):
    center = await database_sync_to_async(lambda: (WageFloorFactory(), ServiceCenterFactory())[1])()
    employer = await database_sync_to_async(EmployerFactory)()
    city = await database_sync_to_async(CityAdminFactory)()
    key = await database_sync_to_async(lambda: issue_api_token(city)[1])()
    board = WebsocketCommunicator(application, f"/ws/centers/{center.pk}/board/",
                                  headers=[(b"authorization", f"Bearer {key}".encode())])
    assert (await board.connect())[0]
    assert (await board.receive_json_from(timeout=3))["type"] == "snapshot"

    moment = timezone.localtime(timezone.now() + dt.timedelta(days=1)).replace(hour=9, minute=0, second=0,
                                                                              microsecond=0)
    gig = await database_sync_to_async(post_gig)(employer, moment)
    in_frame = (await board.receive_json_from(timeout=3))["payload"]["gig"]["starts_at"]
    await board.disconnect()

    client = APIClient()
    client.force_authenticate(employer.owner)
    in_rest = (await database_sync_to_async(client.get)(f"/api/gigs/{gig.pk}/")).json()["starts_at"]
    # The code shown half a minute before that moment is valid until that moment.
    monkeypatch.setattr(views, "timezone", SimpleNamespace(now=lambda: moment - dt.timedelta(seconds=30)))
    code = (await database_sync_to_async(client.get)(f"/api/gigs/{gig.pk}/check-in-code/")).json()

    assert in_rest == in_frame == code["valid_until"] == moment.isoformat()
    assert in_rest.endswith("+08:00")


MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def moments_in(data) -> list[str]:
    if isinstance(data, dict):
        return [m for value in data.values() for m in moments_in(value)]
    if isinstance(data, list):
        return [m for value in data for m in moments_in(value)]
    return [data] if isinstance(data, str) and MOMENT.match(data) else []


def test_moments_in_plain_answers_read_as_in_every_other_answer():
    """A lockout's end, a person's data download and the audit log's before/after: every moment +08:00."""
    WageFloorFactory()
    ServiceCenterFactory()
    gig = post_gig(EmployerFactory(), timezone.now() + dt.timedelta(days=1))
    worker = QualifiedWorkerFactory(trades=[gig.category])
    api = APIClient()
    for _ in range(6):
        locked = api.post("/api/auth/login/", {"phone": worker.user.phone, "password": "wrong-horse-9"})
    assert locked.status_code == 403 and locked.json()["locked_until"].endswith("+08:00")

    services.accept_gig(gig, actor=worker.user)
    api.force_authenticate(worker.user)
    exported = moments_in(api.get("/api/me/data/").json())
    assert len(exported) >= 5 and all(m.endswith("+08:00") for m in exported), exported

    city = CityAdminFactory()
    record_action(city, "test", gig, before=snapshot(gig, "starts_at"), after=snapshot(gig, "ends_at"))
    api.force_authenticate(city)
    logged = moments_in(api.get("/api/audit/").json())
    assert len(logged) >= 3 and all(m.endswith("+08:00") for m in logged), logged


def test_options_answers_with_the_methods_and_no_english_description():
    answer = APIClient().options("/api/gigs/nearby/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 200 and answer.json() == {}
    assert "GET" in answer["Allow"]
