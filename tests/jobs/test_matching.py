"""Offers go out in waves: the best nearby workers first, then further out after a delay, never twice to anyone,
and they stop when the gig is filled."""

import datetime as dt
import math

import pytest

from jobs import matching, services
from jobs.exceptions import Conflict
from jobs.matching import Candidate, advance_matching, available_for, rank
from jobs.models import Assignment, AssignmentStatus, FavouriteWorker, GigMatching
from notifications.models import Notification
from tests.factories import EmployerFactory, GigFactory, ServiceCenterFactory, TradeFactory, WageFloorFactory
from workers.models import WorkerProfile

pytestmark = pytest.mark.django_db
SITE = (35.0690, 109.0756)


@pytest.fixture(autouse=True)
def small_waves(settings):
    settings.MATCHING = {**settings.MATCHING, "WAVE_SIZE": 2, "OFFERS_PER_SLOT": 1, "WAVE_RADII_KM": [3, 8, 20],
                         "WAVE_DELAY_SECONDS": 120, "MAX_WAVES": 3}
    WageFloorFactory()
    ServiceCenterFactory()


def worker_km_north(make_worker, km, **fields):
    return make_worker(latitude=SITE[0] + km / 111.0, longitude=SITE[1], **fields)


def post_gig(now, headcount=1, employer=None):
    start = now + dt.timedelta(hours=5)
    return services.create_gig(actor=(employer or EmployerFactory()).owner, category=TradeFactory(), title="急招小工",
                               headcount=headcount, pay_amount="200", pay_unit="day", address="王益区",
                               latitude=SITE[0], longitude=SITE[1], starts_at=start,
                               ends_at=start + dt.timedelta(hours=8), now=now)


def offered(gig):
    return set(Assignment.objects.filter(gig=gig, status=AssignmentStatus.OFFERED).values_list("worker_id",
                                                                                                flat=True))


def test_first_wave_goes_to_the_best_nearby_workers_and_each_gets_an_offer_in_the_inbox(make_worker, now):
    near = [worker_km_north(make_worker, km) for km in (0.5, 1.0, 2.0)]
    worker_km_north(make_worker, 5)  # outside the first radius
    gig = post_gig(now)
    assert offered(gig) == {near[0].pk, near[1].pk}  # wave size 2, nearest first (all else equal)
    inbox = Notification.objects.filter(kind="offer", user=near[0].user).get()
    assert inbox.payload["gig"]["code"] == gig.code and inbox.payload["wave"] == 1
    assert not Notification.objects.filter(kind="offer", user=near[2].user).exists()


def test_the_next_wave_goes_further_out_after_the_delay_and_never_repeats(make_worker, now):
    workers = [worker_km_north(make_worker, km) for km in (0.5, 1.0, 2.0, 5.0, 15.0)]
    gig = post_gig(now)
    first = offered(gig)
    assert advance_matching(now + dt.timedelta(seconds=60)) == 0  # not yet
    assert advance_matching(now + dt.timedelta(seconds=121)) == 2
    second = offered(gig) - first
    assert second == {workers[2].pk, workers[3].pk}  # the rest within 8 km
    assert advance_matching(now + dt.timedelta(seconds=242)) == 1
    assert offered(gig) == {w.pk for w in workers}
    assert Assignment.objects.filter(gig=gig).count() == 5  # nobody offered twice
    assert advance_matching(now + dt.timedelta(seconds=363)) == 0
    matching = GigMatching.objects.get(gig=gig)
    assert matching.finished_at is not None and matching.finish_reason == "no more waves"



class ProcessKilled(BaseException):
    """The ASGI (or scheduler) process dying: nothing after this point runs, nothing is caught on the way out."""


def test_a_process_killed_mid_wave_loses_no_offer_and_doubles_none(make_worker, now, monkeypatch):
    """The wave's offers, their notifications and the wave count commit together (one transaction in
    send_next_wave): killed after the offers were written but before the wave was recorded, the process leaves
    nothing behind, and the next process (the scheduler's next tick) sends the same wave once."""
    workers = [worker_km_north(make_worker, km) for km in (0.5, 1.0, 2.0, 5.0)]
    gig = post_gig(now)
    first = offered(gig)
    send_offers = matching.events.offers

    def killed_after_writing_the_offers(*args, **kwargs):
        assert Assignment.objects.filter(gig=gig, offer_wave=2).exists()  # the offers were written …
        raise ProcessKilled  # … and then the process died

    monkeypatch.setattr(matching.events, "offers", killed_after_writing_the_offers)
    with pytest.raises(ProcessKilled):
        advance_matching(now + dt.timedelta(seconds=121))
    assert offered(gig) == first  # rolled back with the process: no half wave, no offer without its inbox row
    assert GigMatching.objects.get(gig=gig).waves_sent == 1

    monkeypatch.setattr(matching.events, "offers", send_offers)  # a new process
    assert advance_matching(now + dt.timedelta(seconds=125)) == 2  # the wave resumes …
    assert advance_matching(now + dt.timedelta(seconds=130)) == 0  # … once
    second = offered(gig) - first
    assert second == {workers[2].pk, workers[3].pk}
    assert Assignment.objects.filter(gig=gig).count() == 4  # nobody twice
    for worker in workers:
        assert Notification.objects.filter(kind="offer", user=worker.user).count() == 1
    assert GigMatching.objects.get(gig=gig).waves_sent == 2


def test_a_process_killed_after_the_wave_committed_does_not_send_it_again(make_worker, now):
    """Killed between the commit and the live push: the offers are in the inbox (the socket replays them when
    the worker reconnects) and the next tick does not repeat the wave."""
    workers = [worker_km_north(make_worker, km) for km in (0.5, 1.0, 2.0)]
    gig = post_gig(now)
    advance_matching(now + dt.timedelta(seconds=121))  # the second wave commits; its push is lost with the process
    matching_state = GigMatching.objects.get(gig=gig)
    assert matching_state.waves_sent == 2
    assert advance_matching(now + dt.timedelta(seconds=122)) == 0  # a restarted scheduler: not due again yet
    assert Assignment.objects.filter(gig=gig).count() == 3
    assert all(Notification.objects.filter(kind="offer", user=w.user).count() == 1 for w in workers)

def test_waves_stop_when_the_gig_is_filled(make_worker, now):
    workers = [worker_km_north(make_worker, km) for km in (0.5, 1.0, 5.0)]
    gig = post_gig(now)
    services.accept_gig(gig, actor=workers[0].user, now=now + dt.timedelta(seconds=30))
    assert advance_matching(now + dt.timedelta(seconds=121)) == 0
    assert GigMatching.objects.get(gig=gig).finish_reason == "filled"
    assert workers[2].pk not in offered(gig)


def test_a_worker_who_declines_is_not_offered_again_and_a_freed_slot_starts_a_new_wave(make_worker, now):
    a, b, c = (worker_km_north(make_worker, km) for km in (0.5, 1.0, 1.5))
    gig = post_gig(now)
    offer_a = Assignment.objects.get(gig=gig, worker=a)
    services.cancel_assignment(offer_a, actor=offer_a.worker.user, now=now)
    assert Assignment.objects.get(pk=offer_a.pk).status == AssignmentStatus.DECLINED
    taken = services.accept_gig(gig, actor=b.user, now=now)
    services.cancel_assignment(taken, actor=taken.worker.user, now=now + dt.timedelta(minutes=1))  # frees the slot
    assert offered(gig) == {c.pk}  # a declined, b cancelled: only c is new
    assert Assignment.objects.filter(gig=gig, worker=a).count() == 1


def test_favourites_get_the_first_wave_even_from_further_away(make_worker, now):
    employer = EmployerFactory()
    favourite = worker_km_north(make_worker, 12)
    near = [worker_km_north(make_worker, km) for km in (0.5, 1.0)]
    FavouriteWorker.objects.create(employer=employer, worker=favourite)
    gig = post_gig(now, employer=employer)
    assert offered(gig) == {favourite.pk, near[0].pk, near[1].pk}


def test_busy_suspended_unavailable_and_other_trade_workers_are_left_out(make_worker, now):
    ok = worker_km_north(make_worker, 0.5)
    worker_km_north(make_worker, 0.6, suspended_until=now + dt.timedelta(days=3))
    worker_km_north(make_worker, 0.7, availability="unavailable")
    busy = worker_km_north(make_worker, 0.8)
    other_trade = worker_km_north(make_worker, 0.9, trade=TradeFactory(code="cook", name="厨师", pay_units=["day"]))
    clash = GigFactory(category=TradeFactory(), starts_at=now + dt.timedelta(hours=4))
    services.accept_gig(clash, actor=busy.user, now=now)
    gig = post_gig(now)
    assert offered(gig) == {ok.pk}
    assert other_trade.pk not in offered(gig)


def test_a_worker_who_checked_out_of_an_overlapping_gig_is_offered_the_next_as_they_may_take_it(make_worker, now):
    """Waves follow the rule of taking a gig: only work still ahead or under way clashes. A worker who has left
    the morning's site early (checked out) is offered, and takes, an afternoon gig at overlapping hours."""
    left_early = worker_km_north(make_worker, 0.5)
    morning = GigFactory(category=TradeFactory(), starts_at=now + dt.timedelta(hours=4))
    done = services.accept_gig(morning, actor=left_early.user, now=now)
    Assignment.objects.filter(pk=done.pk).update(status=AssignmentStatus.CHECKED_OUT)
    still_there = worker_km_north(make_worker, 0.6)
    services.accept_gig(GigFactory(category=TradeFactory(), starts_at=now + dt.timedelta(hours=4)),
                        actor=still_there.user, now=now)
    gig = post_gig(now)
    assert offered(gig) == {left_early.pk}
    assert services.accept_gig(gig, actor=left_early.user, now=now).status == AssignmentStatus.ACCEPTED


def test_a_fresh_current_location_counts_more_than_home(make_worker, now):
    far_home = worker_km_north(make_worker, 30)
    WorkerProfile.objects.filter(pk=far_home.pk).update(current_latitude=SITE[0], current_longitude=SITE[1],
                                                        current_at=now)
    stale = worker_km_north(make_worker, 30)
    WorkerProfile.objects.filter(pk=stale.pk).update(current_latitude=SITE[0], current_longitude=SITE[1],
                                                     current_at=now - dt.timedelta(days=1))
    gig = post_gig(now)
    assert offered(gig) == {far_home.pk}


def test_matching_resumes_from_the_database_after_a_restart(make_worker, now):
    workers = [worker_km_north(make_worker, km) for km in (0.5, 1.0, 5.0)]
    gig = post_gig(now)
    matching = GigMatching.objects.get(gig=gig)
    assert matching.waves_sent == 1 and matching.next_wave_at == now + dt.timedelta(seconds=120)
    # A new process knows nothing but the database.
    advance_matching(now + dt.timedelta(minutes=10))
    assert workers[2].pk in offered(gig)


def test_availability_rules(now):
    saturday = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)
    assert available_for("weekends", saturday, now=saturday - dt.timedelta(days=1))
    assert not available_for("weekdays", saturday, now=saturday - dt.timedelta(days=1))
    assert available_for("now", saturday, now=saturday - dt.timedelta(hours=3))
    assert not available_for("now", saturday, now=saturday - dt.timedelta(days=3))
    assert not available_for("unavailable", saturday, now=saturday)


def test_ranking_prefers_reliable_experienced_workers_at_the_same_distance():
    steady = Candidate(1, 1.0, 10, True, False, completed=20, no_shows=0, late_cancels=0)
    flaky = Candidate(2, 1.0, 10, True, False, completed=5, no_shows=4, late_cancels=3)
    novice = Candidate(3, 1.0, 0, False, False, completed=0, no_shows=0, late_cancels=0)
    far_star = Candidate(4, 2.9, 10, True, False, completed=20, no_shows=0, late_cancels=0)
    order = [c.worker_id for c in rank([flaky, novice, far_star, steady], 3)]
    assert order[0] == steady.worker_id
    assert order.index(novice.worker_id) < order.index(flaky.worker_id)  # a record of no-shows costs
    assert order.index(steady.worker_id) < order.index(far_star.worker_id)  # the same record, nearer wins


def withdrawn_offers(gig):
    return {a.worker_id: a for a in Assignment.objects.filter(gig=gig, status=AssignmentStatus.WITHDRAWN,
                                                              cancelled_by="system")}


def test_offers_still_pending_when_the_gig_fills_are_withdrawn_and_the_workers_told(make_worker, now):
    first, second = (worker_km_north(make_worker, km) for km in (0.5, 1.0))
    gig = post_gig(now)
    services.accept_gig(gig, actor=first.user, now=now + dt.timedelta(seconds=30))
    assert offered(gig) == set() and set(withdrawn_offers(gig)) == {second.pk}
    told = Notification.objects.get(user=second.user, kind="withdrawn")
    assert told.payload["reason"] == "filled" and told.payload["gig"]["code"] == gig.code
    assert not Notification.objects.filter(user=first.user, kind="withdrawn").exists()
    with pytest.raises(Conflict) as refused:  # told why, not "you have already cancelled"
        services.accept_gig(gig, actor=second.user, now=now + dt.timedelta(seconds=40))
    assert refused.value.code == "no_slots_left"


def test_offers_still_pending_when_the_gig_expires_are_withdrawn(make_worker, now):
    waiting = worker_km_north(make_worker, 0.5)
    gig = post_gig(now)
    services.expire_past_gigs(gig.starts_at + dt.timedelta(minutes=1))
    assert set(withdrawn_offers(gig)) == {waiting.pk}
    assert Notification.objects.get(user=waiting.user, kind="withdrawn").payload["reason"] == "closed"


def test_offers_still_pending_when_the_gig_gets_under_way_are_withdrawn_by_the_scheduler(make_worker, now):
    hired, waiting = (worker_km_north(make_worker, km) for km in (0.5, 1.0))
    gig = post_gig(now, headcount=2)
    services.accept_gig(gig, actor=hired.user, now=now)
    started = gig.starts_at + dt.timedelta(minutes=1)
    services.expire_past_gigs(started)  # someone holds a slot: the gig is under way, not expired
    advance_matching(started)
    assert set(withdrawn_offers(gig)) == {waiting.pk}
    assert Assignment.objects.get(gig=gig, worker=hired).status == AssignmentStatus.ACCEPTED
    assert Notification.objects.get(user=waiting.user, kind="withdrawn").payload["reason"] == "closed"


def test_offers_still_pending_when_the_employer_cancels_the_gig_are_called_off_and_the_workers_told(make_worker,
                                                                                                    now):
    waiting = worker_km_north(make_worker, 0.5)
    gig = post_gig(now)
    assert offered(gig) == {waiting.pk}
    services.cancel_gig(gig, actor=gig.employer.owner, now=now + dt.timedelta(minutes=5))
    assert Assignment.objects.get(gig=gig, worker=waiting).status == AssignmentStatus.CANCELLED
    assert Notification.objects.filter(user=waiting.user, kind="cancelled", payload__gig__code=gig.code).exists()
    with pytest.raises(Conflict):
        services.accept_gig(gig, actor=waiting.user, now=now + dt.timedelta(minutes=6))


def test_offers_still_pending_when_the_employer_ends_the_gig_early_are_withdrawn_and_the_workers_told(make_worker,
                                                                                                       now):
    hired, waiting = (worker_km_north(make_worker, km) for km in (0.5, 1.0))
    gig = post_gig(now, headcount=2)
    services.accept_gig(gig, actor=hired.user, now=now)
    assert offered(gig) == {waiting.pk}
    services.end_gig_early(gig, actor=gig.employer.owner, reason="下雨停工", now=gig.starts_at + dt.timedelta(hours=1))
    assert set(withdrawn_offers(gig)) == {waiting.pk}
    assert Notification.objects.get(user=waiting.user, kind="withdrawn").payload["reason"] == "closed"


def test_a_fresh_location_just_inside_the_reach_counts_in_the_north_too(make_worker, now):
    """Far north a degree of longitude is short (78 km at Harbin): the box around the site must still hold the
    whole reach east and west."""
    harbin = (45.75, 126.65)
    gig = GigFactory(latitude=harbin[0], longitude=harbin[1], starts_at=now + dt.timedelta(hours=5))
    east = make_worker(trade=gig.category, latitude=SITE[0], longitude=SITE[1])  # home far away, in 王益区
    east_lng = harbin[1] + 2.9 / (111.32 * math.cos(math.radians(harbin[0])))  # 2.9 km east of the site
    WorkerProfile.objects.filter(pk=east.pk).update(current_latitude=harbin[0], current_longitude=east_lng,
                                                    current_at=now)
    assert [c.worker_id for c in matching.candidates_for(gig, 3.0, now)] == [east.pk]


def test_a_withdrawn_offer_can_be_taken_when_a_slot_frees_again(make_worker, now):
    first, second = (worker_km_north(make_worker, km) for km in (0.5, 1.0))
    gig = post_gig(now)
    taken = services.accept_gig(gig, actor=first.user, now=now + dt.timedelta(seconds=30))
    assert set(withdrawn_offers(gig)) == {second.pk}
    services.cancel_assignment(taken, actor=first.user, now=now + dt.timedelta(minutes=1))  # free, in time
    again = services.accept_gig(gig, actor=second.user, now=now + dt.timedelta(minutes=2))
    assert again.status == AssignmentStatus.ACCEPTED and again.worker_id == second.pk
