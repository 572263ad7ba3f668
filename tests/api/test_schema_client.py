"""A client generated from the schema by a standard generator works as it comes, against a running server.

openapi-python-client writes a typed client from /api/schema/; with it a worker and an employer list the trades,
browse the nearby feed, log in, post a gig and take its one slot, and read refusals (409, 400) as the typed
error model.

Nothing in the generated code is patched: if the schema lies (a 201 where the view answers 200, a string id, a
field marked optional that is always there), the parsed answers come back as None or of the wrong type.
"""

import datetime as dt
import importlib
import subprocess
import sys

import pytest
from django.utils import timezone

from tests.factories import (
    EmployerFactory,
    QualifiedWorkerFactory,
    ServiceCenterFactory,
    TradeFactory,
    WageFloorFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-9"  # the factories' password
WANGYI = (35.0690, 109.0710)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, django_db_blocker):
    """The generated package, from the schema the app serves (no database needed to serve it)."""
    from django.test import Client

    folder = tmp_path_factory.mktemp("client")
    with django_db_blocker.unblock():
        schema = Client().get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en")
    assert schema.status_code == 200
    (folder / "schema.json").write_bytes(schema.content)
    (folder / "config.yaml").write_text("post_hooks: []\n")
    subprocess.run([sys.executable, "-m", "openapi_python_client", "generate", "--path", "schema.json",
                    "--config", "config.yaml", "--meta", "none", "--output-path", "zero_gig_client"],
                   cwd=folder, check=True, capture_output=True, timeout=120)
    sys.path.insert(0, str(folder))
    try:
        yield lambda name: importlib.import_module(f"zero_gig_client{name}")
    finally:
        sys.path.remove(str(folder))
        for module in [name for name in sys.modules if name.startswith("zero_gig_client")]:
            del sys.modules[module]


@pytest.fixture
def market(db):
    ServiceCenterFactory()
    WageFloorFactory()
    trade = TradeFactory()
    return {"employer": EmployerFactory(), "worker": QualifiedWorkerFactory(trades=[trade]),
            "late_worker": QualifiedWorkerFactory(trades=[trade]), "trade": trade}


def test_a_generated_client_drives_the_market(generated, live_server, market):
    client_module = generated("")
    models = generated(".models")
    api = {name: generated(f".api.{name.split('.')[0]}.{name.split('.')[1]}") for name in (
        "trades.trades_list", "gigs.gigs_nearby_retrieve", "accounts.auth_login", "gigs.gigs_create",
        "gigs.gigs_accept_create", "accounts.me")}
    anonymous = client_module.Client(base_url=live_server.url, raise_on_unexpected_status=True)

    def log_in(user):
        body = models.LoginRequest(phone=user.phone, password=PASSWORD, session=False)
        result = api["accounts.auth_login"].sync(client=anonymous, body=body)
        assert isinstance(result, models.AuthResult), result
        return client_module.AuthenticatedClient(base_url=live_server.url, token=result.token,
                                                 raise_on_unexpected_status=True)

    groups = api["trades.trades_list"].sync(client=anonymous)
    assert [trade.code for group in groups for trade in group.trades] == [market["trade"].code]

    employer = log_in(market["employer"].owner)
    assert api["accounts.me"].sync(client=employer).role == models.RoleEnum.EMPLOYER
    start = timezone.now() + dt.timedelta(days=1)
    gig = api["gigs.gigs_create"].sync(client=employer, body=models.GigWriteRequest(
        trade=market["trade"].code, title="搬砖", headcount=1, pay_amount="200", pay_unit=models.PayUnitEnum.DAY,
        address="王益区", latitude=WANGYI[0], longitude=WANGYI[1], starts_at=start,
        ends_at=start + dt.timedelta(hours=8)))
    assert isinstance(gig, models.GigPosted) and isinstance(gig.id, int), gig
    assert gig.warnings == [] and gig.fair_pay.label == models.PayPositionEnum.UNKNOWN  # no guide for the trade here

    feed = api["gigs.gigs_nearby_retrieve"].sync(client=anonymous, latitude=WANGYI[0], longitude=WANGYI[1],
                                                 radius_km=5)
    assert [found.id for found in feed.results] == [gig.id]
    assert feed.results[0].slots_left == 1

    worker = log_in(market["worker"].user)
    taken = api["gigs.gigs_accept_create"].sync_detailed(id=gig.id, client=worker)
    assert taken.status_code == 200 and isinstance(taken.parsed, models.Assignment), taken
    assert taken.parsed.status == models.AssignmentStatusEnum.ACCEPTED

    too_late = api["gigs.gigs_accept_create"].sync_detailed(id=gig.id, client=log_in(market["late_worker"].user))
    assert too_late.status_code == 409 and isinstance(too_late.parsed, models.Error), too_late
    assert too_late.parsed.code and too_late.parsed.detail

    bad = api["gigs.gigs_create"].sync_detailed(client=employer, body=models.GigWriteRequest(
        trade=market["trade"].code, title="搬砖", headcount=0, pay_amount="200", pay_unit=models.PayUnitEnum.DAY,
        address="王益区", latitude=WANGYI[0], longitude=WANGYI[1], starts_at=start,
        ends_at=start + dt.timedelta(hours=8)))
    assert bad.status_code == 400 and isinstance(bad.parsed, models.Error), bad
    assert bad.parsed.code == "invalid" and list(bad.parsed.fields.additional_properties) == ["headcount"]
