"""The background duties run on schedule, remember when they ran, and survive a restart."""

import datetime as dt

import pytest
from django.core.management import call_command

from jobs import services
from jobs.models import AssignmentStatus, GigStatus, ScheduledDuty
from jobs.scheduler import DUTIES, Duty, run_due_duties
from tests.factories import GigFactory

pytestmark = pytest.mark.django_db


def test_past_gigs_expire_or_start_and_no_shows_are_marked(make_worker, now):
    nobody = GigFactory(starts_at=now + dt.timedelta(hours=1))
    staffed = GigFactory(starts_at=now + dt.timedelta(hours=1), headcount=2)
    assignment = services.accept_gig(staffed, actor=make_worker(trade=staffed.category).user, now=now)
    done = run_due_duties(now + dt.timedelta(hours=2, minutes=5))
    figures = {name: done.pop(name) for name in ("refresh_figures", "refresh_recent_figures")}
    assert done == {"expire_past_gigs": 2, "mark_no_shows": 1, "clear_strikes": 0, "send_reminders": 0,
                    "advance_matching": 0, "prune_sign_in_records": 0, "prune_live_locations": 0,
                    "escalate_overdue_complaints": 0, "remind_unconfirmed_pay": 0, "prune_idempotency_keys": 0,
                    "refresh_market_rates": 4}  # one trade and unit: its district and the city, 30 and 90 days
    assert set(figures) == {"refresh_figures", "refresh_recent_figures"}  # the figures' duties ran too
    nobody.refresh_from_db()
    staffed.refresh_from_db()
    assignment.refresh_from_db()
    assert nobody.status == GigStatus.EXPIRED
    assert assignment.status == AssignmentStatus.NO_SHOW
    assert staffed.status in (GigStatus.IN_PROGRESS, GigStatus.COMPLETED)


def test_a_duty_runs_again_only_after_its_interval_and_its_state_is_in_the_database(now):
    calls = []
    duty = Duty("count", dt.timedelta(minutes=10), lambda at: calls.append(at) or 0)
    assert run_due_duties(now, duties=[duty]) == {"count": 0}
    assert run_due_duties(now + dt.timedelta(minutes=5), duties=[duty]) == {}
    # A "restarted" scheduler reads the last run from the database, not from memory.
    assert ScheduledDuty.objects.get(name="count").last_run_at == now
    assert run_due_duties(now + dt.timedelta(minutes=11), duties=[duty]) == {"count": 0}
    assert len(calls) == 2


def test_a_failing_duty_does_not_stop_the_others_and_is_retried(now):
    def broken(at):
        raise RuntimeError("boom")

    ok = Duty("ok", dt.timedelta(minutes=1), lambda at: 1)
    assert run_due_duties(now, duties=[Duty("broken", dt.timedelta(minutes=1), broken), ok]) == {"ok": 1}
    assert ScheduledDuty.objects.get(name="broken").last_run_at is None


def test_the_scheduler_command_runs_once(now):
    call_command("run_scheduler", "--once")
    assert set(ScheduledDuty.objects.values_list("name", flat=True)) == {duty.name for duty in DUTIES}


@pytest.mark.django_db(transaction=True)
def test_a_duty_runs_outside_the_claim_so_its_items_lock_and_retry_on_their_own(now):
    """One long transaction around a whole duty would pile up every item's locks and defeat their retries."""
    from django.db import connection

    seen = []
    duty = Duty("probe", dt.timedelta(minutes=1), lambda at: seen.append(connection.in_atomic_block) or 0)
    assert run_due_duties(now, duties=(duty,)) == {"probe": 0}
    assert seen == [False]
    assert ScheduledDuty.objects.get(name="probe").last_run_at == now
    assert run_due_duties(now + dt.timedelta(seconds=30), duties=(duty,)) == {}  # claimed: not due again yet


@pytest.mark.django_db(transaction=True)
def test_every_duty_runs_outside_any_transaction_as_the_scheduler_runs_it(make_worker, now, caplog):
    """The scheduler calls each duty with no transaction around it (tests are otherwise wrapped in one, which hid
    select_for_update calls made outside any). A market with offers out, a gig under way, a no-show, a strike,
    a wage complaint and pay left unconfirmed: every duty runs and none fails."""
    from tests.api.conftest import World
    from tests.jobs.test_matching import post_gig, worker_km_north

    world = World()
    world.complaint()
    world.new_assignment("checked_out")
    for km in (0.5, 1.0, 1.5):
        worker_km_north(make_worker, km)
    offered = post_gig(now, headcount=2)  # offers out to the three, one taken: under way with offers pending
    services.accept_gig(offered, actor=offered.assignments.filter(status=AssignmentStatus.OFFERED).first().worker.user,
                        now=now)
    post_gig(now)  # offers out, nobody answers: expires with them
    later = now + dt.timedelta(hours=6)
    done = run_due_duties(later)
    assert set(done) == {duty.name for duty in DUTIES}
    assert "failed" not in caplog.text
    assert not offered.assignments.filter(status=AssignmentStatus.OFFERED).exists()
