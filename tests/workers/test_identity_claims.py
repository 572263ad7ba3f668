"""One person, one ID: a number another account holds goes to a center's staff, and the real owner can win."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jobs.exceptions import Conflict
from notifications.models import Notification
from tests.factories import (
    CenterStaffFactory,
    CityAdminFactory,
    ServiceCenterFactory,
    UserFactory,
    WorkerFactory,
    id_number_for,
)
from workers.id_numbers import parse_id_number
from workers.models import ClaimStatus, IdentityClaim, IdNumberAttempt, RealNameStatus
from workers.selectors import pending_identity_claims
from workers.services import (
    register_worker,
    resolve_identity_claim,
    submit_id_number,
    update_worker_profile,
    verify_worker_identity,
)

pytestmark = pytest.mark.django_db

NUMBER = id_number_for(dt.date(1975, 3, 8))


@pytest.fixture
def home(db):
    return ServiceCenterFactory(name="王益区零工服务中心")


@pytest.fixture
def far_center(db):
    return ServiceCenterFactory(name="宜君县零工服务中心", latitude=35.3986, longitude=109.1169)


@pytest.fixture
def holder(home):
    """Someone who registered the number first (perhaps with a stolen card)."""
    worker = WorkerFactory()
    worker.set_resident_id(parse_id_number(NUMBER))
    worker.real_name_status = RealNameStatus.VERIFIED
    worker.save()
    return worker


@pytest.fixture
def claimant(home):
    return WorkerFactory()


def staff_of(center):
    return CenterStaffFactory(center=center).user


def test_a_number_held_by_another_account_opens_a_claim_at_the_claimants_center(holder, claimant, home, far_center):
    result = submit_id_number(claimant, NUMBER, actor=claimant.user)
    claim = result.claim
    assert claim.center == home and claim.holder == holder and claim.status == ClaimStatus.PENDING
    assert claim.id_number_masked == NUMBER[:2] + "*" * 15 + NUMBER[-1]
    claimant.refresh_from_db()
    assert claimant.id_number_hash is None  # nothing moves until staff see the card


def test_staff_of_the_center_move_the_number_to_its_real_owner(holder, claimant, home):
    claim = submit_id_number(claimant, NUMBER, actor=claimant.user).claim
    resolve_identity_claim(claim, actor=staff_of(home), decision="approve", note="身份证原件核对一致")
    claimant.refresh_from_db()
    holder.refresh_from_db()
    assert claimant.id_number_hash == parse_id_number(NUMBER).keyed_hash
    assert claimant.real_name_status == RealNameStatus.VERIFIED
    assert holder.id_number_hash is None and holder.real_name_status == RealNameStatus.UNVERIFIED
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.note == "身份证原件核对一致"
    told = {n.user_id: n.payload for n in Notification.objects.filter(payload__subject="identity_claim")}
    assert told[claimant.user_id]["status"] == told[holder.user_id]["status"] == "approved"
    assert told[holder.user_id]["real_name_status"] == "unverified"


def test_a_rejected_claim_moves_nothing(holder, claimant, home):
    claim = submit_id_number(claimant, NUMBER, actor=claimant.user).claim
    resolve_identity_claim(claim, actor=staff_of(home), decision="reject", note="不是本人")
    holder.refresh_from_db()
    assert holder.real_name_status == RealNameStatus.VERIFIED and holder.id_number_hash
    assert IdentityClaim.objects.get().status == ClaimStatus.REJECTED
    with pytest.raises(Conflict) as error:
        resolve_identity_claim(claim, actor=staff_of(home), decision="approve")
    assert error.value.code == "claim_settled"


def test_a_rejected_claim_stays_rejected_and_the_claimant_tries_again_with_a_new_claim(holder, claimant, home):
    """The claim's TRANSITIONS are enforced on every save, not just read by the service: nobody (a shell, the
    admin, a later service) turns a rejected claim back into one waiting for a check."""
    claim = submit_id_number(claimant, NUMBER, actor=claimant.user).claim
    resolve_identity_claim(claim, actor=staff_of(home), decision="reject", note="不是本人")
    claim.refresh_from_db()
    claim.status = ClaimStatus.PENDING
    with pytest.raises(Conflict) as refused:
        claim.save()
    assert refused.value.code == "bad_transition"
    assert IdentityClaim.objects.get(pk=claim.pk).status == ClaimStatus.REJECTED
    # The claimant comes back with the card: a new claim, the rejected one kept as it was.
    again = submit_id_number(claimant, NUMBER, actor=claimant.user).claim
    assert again.pk != claim.pk and again.status == ClaimStatus.PENDING
    resolve_identity_claim(again, actor=staff_of(home), decision="approve")
    assert IdentityClaim.objects.get(pk=claim.pk).status == ClaimStatus.REJECTED
    assert IdentityClaim.objects.get(pk=again.pk).status == ClaimStatus.APPROVED


def test_a_settled_claim_is_not_withdrawn_when_the_claimant_gives_another_number(holder, claimant, home):
    claim = submit_id_number(claimant, NUMBER, actor=claimant.user).claim
    resolve_identity_claim(claim, actor=staff_of(home), decision="reject")
    submit_id_number(claimant, id_number_for(dt.date(1980, 1, 1)), actor=claimant.user)
    assert IdentityClaim.objects.get(pk=claim.pk).status == ClaimStatus.REJECTED


def test_staff_of_another_center_and_workers_cannot_settle_a_claim(holder, claimant, home, far_center):
    claim = submit_id_number(claimant, NUMBER, actor=claimant.user).claim
    for outsider in (staff_of(far_center), claimant.user, holder.user, UserFactory(role="employer")):
        with pytest.raises(PermissionDenied):
            resolve_identity_claim(claim, actor=outsider, decision="approve")
    resolve_identity_claim(claim, actor=CityAdminFactory(), decision="approve")


def test_a_decision_must_be_approve_or_reject(holder, claimant, home):
    claim = submit_id_number(claimant, NUMBER, actor=claimant.user).claim
    with pytest.raises(ValidationError) as error:
        resolve_identity_claim(claim, actor=staff_of(home), decision="maybe")
    assert "decision" in error.value.message_dict


def test_staff_see_the_pending_claims_of_their_centers_and_the_city_sees_all(holder, claimant, home, far_center):
    submit_id_number(claimant, NUMBER, actor=claimant.user)
    far_claimant = WorkerFactory(latitude=35.3986, longitude=109.1169)
    submit_id_number(far_claimant, NUMBER, actor=far_claimant.user)
    assert [c.claimant for c in pending_identity_claims(staff_of(home))] == [claimant]
    assert [c.claimant for c in pending_identity_claims(staff_of(far_center))] == [far_claimant]
    assert len(pending_identity_claims(CityAdminFactory())) == 2
    with pytest.raises(PermissionDenied):
        pending_identity_claims(claimant.user)


def test_giving_the_same_number_again_keeps_one_claim_and_another_number_withdraws_it(holder, claimant, home):
    first = submit_id_number(claimant, NUMBER, actor=claimant.user).claim
    assert submit_id_number(claimant, NUMBER, actor=claimant.user).claim == first
    submit_id_number(claimant, id_number_for(dt.date(1980, 1, 1)), actor=claimant.user)
    first.refresh_from_db()
    assert first.status == ClaimStatus.WITHDRAWN


def test_an_account_may_submit_only_a_few_id_numbers_a_day(claimant, home, settings):
    settings.ID_NUMBER_ATTEMPTS_PER_DAY = 3
    now = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
    for day in range(3):
        submit_id_number(claimant, id_number_for(dt.date(1980, 1, 1 + day)), actor=claimant.user, now=now)
    with pytest.raises(Conflict) as error:
        submit_id_number(claimant, id_number_for(dt.date(1980, 1, 9)), actor=claimant.user, now=now)
    assert error.value.code == "too_many_id_attempts"
    assert IdNumberAttempt.objects.filter(worker=claimant).count() == 3
    submit_id_number(claimant, id_number_for(dt.date(1980, 1, 9)), actor=claimant.user,
                     now=now + dt.timedelta(days=1, seconds=1))


def test_a_badly_typed_number_does_not_count_as_an_attempt(claimant, home, settings):
    settings.ID_NUMBER_ATTEMPTS_PER_DAY = 1
    with pytest.raises(ValidationError) as error:
        submit_id_number(claimant, NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1"), actor=claimant.user)
    assert "id_number" in error.value.message_dict
    submit_id_number(claimant, NUMBER, actor=claimant.user)


def test_nobody_else_submits_a_workers_id_number_but_staff_at_a_desk(claimant, home):
    for outsider in (WorkerFactory().user, UserFactory(role="employer")):
        with pytest.raises(PermissionDenied):
            submit_id_number(claimant, NUMBER, actor=outsider)
    submit_id_number(claimant, NUMBER, actor=staff_of(home))
    claimant.refresh_from_db()
    assert claimant.real_name_status == RealNameStatus.PENDING


def test_staff_verify_a_real_name_after_seeing_the_card(claimant, home, far_center):
    with pytest.raises(Conflict):
        verify_worker_identity(claimant, actor=staff_of(home))  # no ID number yet
    submit_id_number(claimant, NUMBER, actor=claimant.user)
    staff_of_no_center = UserFactory(role="center_staff")
    for outsider in (claimant.user, WorkerFactory().user, UserFactory(role="employer"), staff_of_no_center):
        with pytest.raises(PermissionDenied):
            verify_worker_identity(claimant, actor=outsider)
    assert verify_worker_identity(claimant, actor=staff_of(far_center)).real_name_status == RealNameStatus.VERIFIED
    assert Notification.objects.filter(user=claimant.user, payload__subject="real_name").exists()


def test_only_the_worker_edits_their_own_profile(claimant):
    for outsider in (WorkerFactory().user, UserFactory(role="city_admin"), None):
        with pytest.raises(PermissionDenied):
            update_worker_profile(claimant, actor=outsider, display_name="冒名")
    assert update_worker_profile(claimant, actor=claimant.user, display_name="李师傅").profile.display_name == "李师傅"


def test_only_staff_of_the_center_register_a_walk_in_worker_there(home, far_center):
    for outsider in (None, staff_of(far_center), UserFactory(role="employer")):
        with pytest.raises(PermissionDenied):
            register_worker(phone="13812340000", display_name="王大爷", latitude=35.07, longitude=109.07,
                            center=home, actor=outsider)
    worker = register_worker(phone="13812340000", display_name="王大爷", latitude=35.07, longitude=109.07,
                             center=home, actor=staff_of(home), has_smartphone=False)
    assert worker.registered_at_center == home


def test_a_walk_in_with_a_held_number_gets_a_claim_at_the_desk_that_registered_them(holder, far_center):
    worker = register_worker(phone="13812340000", display_name="王大爷", latitude=35.07, longitude=109.07,
                             center=far_center, actor=staff_of(far_center), id_number=NUMBER)
    assert worker.identity_claims.get().center == far_center


def test_registration_cannot_set_a_real_name_status():
    with pytest.raises(ValueError):
        register_worker(phone="13812340000", display_name="王大爷", latitude=35.07, longitude=109.07,
                        real_name_status=RealNameStatus.VERIFIED)
