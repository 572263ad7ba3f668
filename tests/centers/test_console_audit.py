"""Every staff action at the console is in the audit log: who, which center, what, about whom, before and after —
never a phone or an ID number."""

import datetime as dt

import pytest

from audit.models import AuditEntry
from centers.services import check_in_to_hall, check_out_of_hall
from jobs.services import assign_for_worker
from tests.factories import CenterStaffFactory, GigFactory, WageFloorFactory, id_number_for
from workers.services import register_walk_in, update_walk_in

pytestmark = pytest.mark.django_db


def test_a_walk_in_from_the_counter_to_a_gig_leaves_a_trail(trade):
    WageFloorFactory()
    desk = CenterStaffFactory()
    number = id_number_for(dt.date(1966, 4, 2))
    worker = register_walk_in(actor=desk.user, center=desk.center, display_name="吴师傅", trades={trade: 4},
                              phone="13912340003", id_number=number, consent=True, skills="电焊证").profile
    update_walk_in(worker, actor=desk.user, center=desk.center, expected_pay="220", expected_pay_unit="day")
    visit = check_in_to_hall(worker, actor=desk.user, center=desk.center)
    check_out_of_hall(visit, actor=desk.user)
    check_in_to_hall(worker, actor=desk.user, center=desk.center)
    assign_for_worker(GigFactory(center=desk.center, category=trade), worker, actor=desk.user, center=desk.center,
                      consent=True)

    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == [
        "walk_in_registered", "id_number_taken", "walk_in_form_recorded", "consent_recorded", "walk_in_updated",
        "hall_check_in", "hall_check_out", "hall_check_in", "consent_recorded", "worker_dispatched",
        "hall_check_out"]
    assert {(e.actor, e.center, e.subject) for e in entries} == {(desk.user, desk.center, worker.user)}
    updated = next(e for e in entries if e.action == "walk_in_updated")
    assert updated.before["expected_pay"] is None and updated.after["expected_pay"] == "220.00"
    assert entries[-1].after["reason"] == "dispatched"
    logged = str([(e.before, e.after, e.target_label) for e in entries])
    assert "13912340003" not in logged and number not in logged and number[6:14] not in logged
