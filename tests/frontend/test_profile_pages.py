"""A worker keeps their profile: the trades they do (from the taxonomy), where they look for work (a center's area
or a point on the map) and when they can work; offers and the feed follow it."""

import pytest

from centers.models import CenterLevel
from tests.factories import (
    EmployerFactory,
    QualifiedWorkerFactory,
    ServiceCenterFactory,
    TradeFactory,
    TradeGroupFactory,
)
from workers.models import Availability, WorkerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def trades(db):
    group = TradeGroupFactory()
    return {"labourer": TradeFactory(parent=group), "mason": TradeFactory(parent=group, code="mason", name="瓦工")}


@pytest.fixture
def worker(client, trades):
    worker = QualifiedWorkerFactory(trades=[trades["labourer"]])
    client.force_login(worker.user)
    return worker


def test_the_page_shows_what_the_worker_does_and_saves_new_trades_availability_and_home(client, worker, trades):
    yijun = ServiceCenterFactory(name="宜君县零工服务中心", level=CenterLevel.COUNTY, latitude=35.3986,
                                 longitude=109.1169)
    page = client.get("/me/profile/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'value="{trades["labourer"].pk}" checked' in page and f'value="{trades["mason"].pk}" checked' not in page

    saved = client.post("/me/profile/", {"display_name": "张 师傅", "trades": [trades["mason"].pk],
                                         "availability": Availability.WEEKENDS, "home": yijun.pk})
    assert saved.status_code == 302
    worker = WorkerProfile.objects.get(pk=worker.pk)
    assert [t.category for t in worker.worker_trades.all()] == [trades["mason"]]
    assert worker.availability == Availability.WEEKENDS and worker.display_name == "张 师傅"
    assert (worker.latitude, worker.longitude) == (yijun.latitude, yijun.longitude)


def test_a_point_on_the_map_is_a_home_too_and_keeps_the_years_of_a_kept_trade(client, worker, trades):
    years = worker.worker_trades.get().years_experience
    response = client.post("/me/profile/", {"display_name": "张师傅", "trades": [trades["labourer"].pk,
                                                                               trades["mason"].pk],
                                            "availability": Availability.ANY_DAY, "latitude": "３５.０７",
                                            "longitude": "109.08"})
    assert response.status_code == 302
    worker = WorkerProfile.objects.get(pk=worker.pk)
    assert (round(worker.latitude, 2), worker.longitude) == (35.07, 109.08)
    assert worker.worker_trades.get(category=trades["labourer"]).years_experience == years


@pytest.mark.parametrize(("posted", "field", "words"), [
    ({"availability": "now"}, "home", "put a pin on the map"),
    ({"availability": "now", "latitude": "95", "longitude": "109"}, "latitude", "less than or equal to 90"),
    ({"availability": "sometimes", "latitude": "35", "longitude": "109"}, "availability", "valid choice"),
    ({"availability": "now", "latitude": "35", "longitude": "109", "trades": ["²"]}, "trades", "valid choice"),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_changes(client, worker, posted, field, words):
    before = WorkerProfile.objects.values().get(pk=worker.pk)
    response = client.post("/me/profile/", {"display_name": "张师傅", **posted}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400 and words in html
    assert f'id="id_{field}_error"' in html or (field == "trades" and 'class="error"' in html)
    assert WorkerProfile.objects.values().get(pk=worker.pk) == before


def test_only_workers_have_this_page(client):
    client.force_login(EmployerFactory().owner)
    assert client.get("/me/profile/").status_code == 403
    client.logout()
    assert client.get("/me/profile/").status_code == 302
