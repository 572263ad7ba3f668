"""The big screen in a center's hall: open to all, nothing personal on it, the day's going rates and counts,
and live over the center's screen socket, which carries the board's gig lines and nothing else."""

import datetime as dt
from decimal import Decimal

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from centers.models import HallVisit
from jobs import services
from jobs.models import AssignmentStatus, Gig, GigStatus, WageDispute
from tests.factories import (
    AssignmentFactory,
    CenterStaffFactory,
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
    TradeFactory,
    WageFloorFactory,
    WorkerFactory,
)
from tests.notifications.test_sockets import SITE, close_code, connect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hall(db):
    center = ServiceCenterFactory(name="王益区零工服务中心")
    employer = EmployerFactory(contact_phone="13912340000", name="王记装修")
    gigs = [GigFactory(center=center, employer=employer, pay_amount=Decimal(pay), title=f"小工{pay}",
                       address="王益区红旗街附近", site_address="红旗街18号3单元", headcount=2)
            for pay in ("150", "180", "200")]
    elsewhere = GigFactory(center=ServiceCenterFactory(name="宜君县零工服务中心"), title="别处的活")
    return {"center": center, "gigs": gigs, "elsewhere": elsewhere}


def test_anyone_sees_the_centers_open_gigs_and_going_rates_but_nothing_personal(client, hall):
    first, second, third = hall["gigs"]
    AssignmentFactory(gig=second, status=AssignmentStatus.ACCEPTED, accepted_at=timezone.now())
    AssignmentFactory(gig=third, status=AssignmentStatus.CANCELLED, accepted_at=timezone.now())
    clerk = CenterStaffFactory(center=hall["center"]).user
    today = timezone.localdate()
    HallVisit.objects.create(center=hall["center"], worker=WorkerFactory(display_name="在等的人"), day=today,
                             checked_in_by=clerk)
    HallVisit.objects.create(center=hall["center"], worker=WorkerFactory(), day=today, checked_in_by=clerk,
                             checked_out_at=timezone.now())
    response = client.get(f"/centers/{hall['center'].pk}/screen/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert all(f'data-testid="screen-gig-{gig.pk}"' in html for gig in hall["gigs"])
    assert "别处的活" not in html
    assert "¥180" in html and "¥150–200" in html  # the median, lowest and highest pay of the labourer trade
    assert 'data-testid="open-gigs">3<' in html and 'data-testid="placed-today">1<' in html
    assert 'data-testid="waiting">1<' in html  # one worker in the hall; the one who left is not counted
    for private in ("13912340000", "红旗街18号", "王记装修", "在等的人"):
        assert private not in html


def test_the_live_part_alone_is_what_the_screen_swaps_in(client, hall):
    part = client.get(f"/centers/{hall['center'].pk}/screen/", {"part": "gigs"}).content.decode()
    assert part.lstrip().startswith('<div id="live"') and "<html" not in part


def test_a_closed_or_unknown_center_has_no_screen(client, hall):
    hall["center"].is_active = False
    hall["center"].save()
    assert client.get(f"/centers/{hall['center'].pk}/screen/").status_code == 404
    assert client.get("/centers/99999/screen/").status_code == 404


async def test_the_screen_socket_needs_no_login_and_carries_gig_lines_but_never_a_wage_dispute():
    def setting_up():
        WageFloorFactory()
        center = ServiceCenterFactory()
        on_gig = AssignmentFactory(gig=GigFactory(center=center), status=AssignmentStatus.COMPLETED)
        return center, TradeFactory(), EmployerFactory(), on_gig

    center, trade, employer, on_gig = await database_sync_to_async(setting_up)()
    screen = await connect(f"/ws/centers/{center.pk}/screen/")
    snapshot = await screen.receive_json_from(timeout=3)
    assert snapshot["type"] == "snapshot" and [gig["id"] for gig in snapshot["gigs"]] == [on_gig.gig_id]

    def dispute_then_post():
        services.dispute_pay(on_gig, actor=on_gig.worker.user, reason="说好的钱没给", amount_claimed=Decimal("200"))
        start = timezone.now() + dt.timedelta(hours=3)
        return services.create_gig(actor=employer.owner, category=trade, title="急招小工", headcount=1,
                                   pay_amount="200", pay_unit="day", address="王益区", latitude=SITE[0],
                                   longitude=SITE[1], starts_at=start, ends_at=start + dt.timedelta(hours=8),
                                   center=center)

    gig = await database_sync_to_async(dispute_then_post)()
    line = await screen.receive_json_from(timeout=3)
    assert line["kind"] == "board" and line["payload"]["gig"]["code"] == gig.code  # the dispute was held back
    assert await screen.receive_nothing(timeout=0.3)
    assert await database_sync_to_async(WageDispute.objects.count)() == 1
    await screen.disconnect()


async def test_the_screen_of_an_unknown_center_closes_with_4404():
    assert await close_code(await connect("/ws/centers/99999/screen/")) == 4404


def test_a_gig_that_leaves_the_board_leaves_the_screen(client, hall):
    first = hall["gigs"][0]
    services.cancel_gig(first, actor=first.employer.owner, reason="不干了")
    assert first.__class__.objects.get(pk=first.pk).status == GigStatus.CANCELLED
    html = client.get(f"/centers/{hall['center'].pk}/screen/").content.decode()
    assert f'data-testid="screen-gig-{first.pk}"' not in html


def test_the_screen_lists_open_and_filling_gigs_soonest_first_each_read_by_its_own_index(hall):
    """Open and filled gigs' ids are read apart (each an ordered range of the (center, status, start, id) index),
    then the rows of those ids, merged."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jobs.selectors import HALL_SCREEN_GIGS, hall_screen_gigs

    center, now = hall["center"], timezone.now()
    for i in range(HALL_SCREEN_GIGS):
        GigFactory(center=center, starts_at=now + dt.timedelta(days=3, minutes=i),
                   status=GigStatus.FILLED if i % 3 == 0 else GigStatus.OPEN)
    with CaptureQueriesContext(connection) as queries:
        shown = hall_screen_gigs(center.pk)
    everything = sorted(Gig.objects.filter(center=center, status__in=(GigStatus.OPEN, GigStatus.FILLED)),
                        key=lambda gig: (gig.starts_at, gig.pk))
    assert [gig.pk for gig in shown] == [gig.pk for gig in everything[:HALL_SCREEN_GIGS]]
    assert {gig.status for gig in shown} == {GigStatus.OPEN, GigStatus.FILLED}
    ranges, rows = queries.captured_queries[:2], queries.captured_queries[2:]
    assert all("LIMIT" in q["sql"] for q in ranges) and len(rows) == 1
