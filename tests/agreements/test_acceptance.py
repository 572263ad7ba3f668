"""Both sides accept the agreement, each from their own device (kept privately); a worker sent from the counter
accepts there, recorded by staff and audited. The agreement never changes: not by editing it, not by editing
the gig, and a row changed behind the services' back is caught by verify."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import services
from agreements.models import Acceptance, Agreement, Channel, Party
from audit.models import AuditEntry
from centers.services import check_in_to_hall
from jobs import services as jobs
from jobs.exceptions import Conflict
from tests.factories import CenterStaffFactory, CityAdminFactory

pytestmark = pytest.mark.django_db

PHONE_BROWSER = "Mozilla/5.0 (Linux; Android 12) WeChat/8.0"


@pytest.fixture
def agreement(gig, worker, now):
    return jobs.accept_gig(gig, actor=worker.user, now=now).agreement


def test_the_worker_and_the_employer_each_accept_from_their_own_device(agreement, gig, worker, now):
    by_worker = services.accept(agreement, actor=worker.user, content_hash=agreement.content_hash,
                                user_agent=PHONE_BROWSER, ip_address="203.0.113.7", now=now)
    by_employer = services.accept(agreement, actor=gig.employer.owner, user_agent="Firefox", ip_address="2001:db8::1",
                                  now=now + dt.timedelta(minutes=5))

    assert (by_worker.party, by_worker.channel, by_worker.accepted_by) == (Party.WORKER, Channel.ONLINE, worker.user)
    assert (by_worker.user_agent, by_worker.ip_address, by_worker.accepted_at) == (PHONE_BROWSER, "203.0.113.7", now)
    assert (by_employer.party, by_employer.ip_address) == (Party.EMPLOYER, "2001:db8::1")
    assert by_worker.content_hash == by_employer.content_hash == agreement.content_hash
    assert services.verify(agreement)


def test_accepting_twice_keeps_the_first_acceptance(agreement, worker, now):
    first = services.accept(agreement, actor=worker.user, now=now)
    again = services.accept(agreement, actor=worker.user, now=now + dt.timedelta(hours=1))

    assert again.pk == first.pk and again.accepted_at == now
    assert Acceptance.objects.count() == 1


def test_a_junk_network_address_is_left_out_not_refused(agreement, worker):
    acceptance = services.accept(agreement, actor=worker.user, ip_address="not-an-address", user_agent="x" * 900)
    assert acceptance.ip_address is None and len(acceptance.user_agent) == 300


def test_accepting_other_content_than_is_kept_is_refused(agreement, worker):
    with pytest.raises(ValidationError) as refused:
        services.accept(agreement, actor=worker.user, content_hash="0" * 64)
    assert "content_hash" in refused.value.message_dict
    assert not Acceptance.objects.exists()


def test_only_the_two_parties_accept_online(agreement, other_worker, staff, gig):
    from tests.factories import EmployerFactory

    for outsider in (other_worker.user, EmployerFactory().owner, staff, CityAdminFactory()):
        with pytest.raises(PermissionDenied):
            services.accept(agreement, actor=outsider)
    assert not Acceptance.objects.exists()


def test_a_hire_called_off_can_no_longer_be_accepted(agreement, worker, now):
    jobs.cancel_assignment(agreement.assignment, actor=worker.user, now=now)

    with pytest.raises(Conflict) as refused:
        services.accept(agreement, actor=worker.user)
    assert refused.value.code == "hire_ended"


def test_a_worker_sent_from_the_counter_accepts_there_recorded_by_staff_and_audited(gig, worker, now):
    desk = CenterStaffFactory()  # another center than the gig's: the city's gigs are open to every hall
    check_in_to_hall(worker, actor=desk.user, center=desk.center)
    agreement = jobs.assign_for_worker(gig, worker, actor=desk.user, center=desk.center, consent=True,
                                       now=now).agreement

    acceptance = services.accept_at_counter(agreement, actor=desk.user, content_hash=agreement.content_hash,
                                            user_agent="Counter PC", ip_address="198.51.100.4", now=now)

    assert (acceptance.party, acceptance.channel, acceptance.accepted_by, acceptance.center) == (
        Party.WORKER, Channel.COUNTER, desk.user, desk.center)
    entry = AuditEntry.objects.get(action="agreement_accepted_at_counter")
    assert (entry.actor, entry.center, entry.subject, entry.target_id) == (desk.user, desk.center, worker.user,
                                                                          str(agreement.pk))
    assert entry.after["number"] == agreement.number and "ip_address" not in entry.after
    # The worker's own accept later changes nothing: they have accepted.
    assert services.accept(agreement, actor=worker.user).pk == acceptance.pk


def test_staff_of_the_gigs_center_may_record_at_the_counter_but_other_centers_staff_may_not(agreement, staff,
                                                                                           other_staff):
    with pytest.raises(PermissionDenied):
        services.accept_at_counter(agreement, actor=other_staff)
    with pytest.raises(PermissionDenied):
        services.accept_at_counter(agreement, actor=agreement.assignment.worker.user)
    assert not AuditEntry.objects.exists()

    assert services.accept_at_counter(agreement, actor=staff).center == agreement.assignment.gig.center


# --- Unchangeable, and tamper-evident -------------------------------------------------------------------------

def test_the_stored_agreement_cannot_be_edited_or_deleted(agreement):
    agreement.text = agreement.text.replace("180.00", "18.00")
    with pytest.raises(Conflict):
        agreement.save()
    with pytest.raises(Conflict):
        Agreement.objects.get(pk=agreement.pk).delete()
    kept = Agreement.objects.get(pk=agreement.pk)
    assert "180.00" in kept.text and services.verify(kept)


def test_an_acceptance_cannot_be_edited(agreement, worker, now):
    acceptance = services.accept(agreement, actor=worker.user, now=now)
    acceptance.accepted_at = now - dt.timedelta(days=3)
    with pytest.raises(Conflict):
        acceptance.save()


def test_changing_the_gig_later_does_not_change_its_agreement(agreement, gig, now):
    before = Agreement.objects.values().get(pk=agreement.pk)

    gig.title, gig.pay_amount, gig.site_address = "别的活", "100.00", "别处"
    gig.ends_at -= dt.timedelta(hours=2)  # as when the employer ends it early: the agreement keeps the time agreed
    gig.save()
    gig.employer.name = "改过名的队伍"
    gig.employer.save()

    after = Agreement.objects.values().get(pk=agreement.pk)
    assert after == before and "工地小工" in after["text"] and "王益建筑队（测试）" in after["text"]
    assert services.verify(Agreement.objects.get(pk=agreement.pk))


@pytest.mark.parametrize("tamper", [
    {"text": "改过的协议"},
    {"terms": {"pay": {"amount": "18.00"}}},
    {"number": "XY-FAKE-1"},
    {"created_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
    {"content_hash": "f" * 64},
], ids=["text", "terms", "number", "date", "hash"])
def test_a_row_changed_behind_the_services_back_is_caught(agreement, worker, tamper):
    Agreement.objects.filter(pk=agreement.pk).update(**tamper)  # a bulk update skips save(): as a hand in the db

    tampered = Agreement.objects.get(pk=agreement.pk)
    assert not services.verify(tampered)
    with pytest.raises(Conflict) as refused:
        services.accept(tampered, actor=worker.user)
    assert refused.value.code == "agreement_altered"


def test_an_acceptance_moved_onto_other_content_is_caught(agreement, worker):
    services.accept(agreement, actor=worker.user)
    Acceptance.objects.filter(agreement=agreement).update(content_hash="e" * 64)

    assert not services.verify(Agreement.objects.get(pk=agreement.pk))
