"""Walk-ins at a center's counter: staff register a worker with as little as a name and a trade, and the same
person coming back (same phone typed another way, same ID number) is found instead of registered twice."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from tests.factories import (
    CenterStaffFactory,
    CityAdminFactory,
    EmployerFactory,
    ServiceCenterFactory,
    WorkerFactory,
    id_number_for,
)
from workers import consents
from workers.models import ConsentPurpose, RealNameStatus, WorkerProfile
from workers.services import register_walk_in, update_walk_in

pytestmark = pytest.mark.django_db


def walk_in(staff, trade, **fields):
    fields.setdefault("display_name", "李师傅")
    fields.setdefault("consent", True)
    return register_walk_in(actor=staff.user, center=staff.center, trades={trade: 5}, **fields)


def test_a_walk_in_with_only_a_name_and_a_trade_gets_an_account_without_phone_or_password(trade):
    staff = CenterStaffFactory()
    result = walk_in(staff, trade, sex="male", stated_birth_year=1962, expected_pay="180", expected_pay_unit="day",
                     work_areas=["610202"], skills="会砌墙", experience="工地十年")
    worker = result.profile
    assert result.created
    assert worker.user.phone is None and not worker.user.has_usable_password()
    assert worker.has_smartphone is False
    assert worker.registered_at_center == staff.center
    assert (worker.latitude, worker.longitude) == (staff.center.latitude, staff.center.longitude)
    assert [t.category for t in worker.worker_trades.all()] == [trade]
    assert worker.intake.stated_birth_year == 1962 and worker.intake.work_areas == ["610202"]
    consent = worker.consents.get()
    assert (consent.purpose, consent.text_version, consent.recorded_by) == (
        ConsentPurpose.REGISTRATION, consents.REGISTRATION.version, staff.user)


def test_two_workers_without_phones_are_two_accounts(trade):
    staff = CenterStaffFactory()
    walk_in(staff, trade, display_name="甲")
    walk_in(staff, trade, display_name="乙")
    assert User.objects.filter(phone__isnull=True).count() == 2


def test_the_same_phone_typed_full_width_finds_the_worker_instead_of_a_duplicate(trade):
    staff = CenterStaffFactory()
    first = walk_in(staff, trade, phone="13912345678")
    again = walk_in(staff, trade, display_name="李师傅（又来了）", phone="１３９ １２３４ ５６７８")
    assert first.created and not again.created
    assert again.profile == first.profile and again.matched_by == "phone"
    assert WorkerProfile.objects.count() == 1
    assert again.profile.display_name == "李师傅"  # nothing changed: the page offers an update instead


def test_the_same_id_number_finds_the_worker(trade):
    staff = CenterStaffFactory()
    number = id_number_for(dt.date(1970, 5, 1))
    first = walk_in(staff, trade, id_number=number)
    assert first.profile.real_name_status == RealNameStatus.PENDING
    again = walk_in(staff, trade, display_name="别人", id_number=number.lower().replace("x", "X"))
    assert not again.created and again.profile == first.profile and again.matched_by == "id_number"


def test_a_bad_phone_or_id_number_names_its_field(trade):
    staff = CenterStaffFactory()
    with pytest.raises(ValidationError) as error:
        walk_in(staff, trade, phone="12345")
    assert "phone" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        walk_in(staff, trade, id_number="610202197005011234")
    assert "id_number" in error.value.message_dict


def test_an_employer_phone_is_not_taken_for_a_worker(trade):
    employer = EmployerFactory()
    with pytest.raises(ValidationError) as error:
        walk_in(CenterStaffFactory(), trade, phone=employer.owner.phone)
    assert "phone" in error.value.message_dict


def test_consent_and_a_trade_are_needed(trade):
    staff = CenterStaffFactory()
    with pytest.raises(ValidationError) as error:
        walk_in(staff, trade, consent=False)
    assert "consent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        register_walk_in(actor=staff.user, center=staff.center, display_name="x", trades={}, consent=True)
    assert "trades" in error.value.message_dict


def test_staff_register_only_at_their_own_centers_and_the_city_anywhere(trade):
    staff, elsewhere = CenterStaffFactory(), ServiceCenterFactory()
    with pytest.raises(PermissionDenied):
        register_walk_in(actor=staff.user, center=elsewhere, display_name="x", trades={trade: 1}, consent=True)
    with pytest.raises(PermissionDenied):
        register_walk_in(actor=WorkerFactory().user, center=elsewhere, display_name="x", trades={trade: 1},
                         consent=True)
    assert register_walk_in(actor=CityAdminFactory(), center=elsewhere, display_name="x", trades={trade: 1},
                            consent=True).created


def test_staff_add_a_phone_later_and_another_center_cannot_edit(trade):
    staff = CenterStaffFactory()
    worker = walk_in(staff, trade).profile
    update_walk_in(worker, actor=staff.user, center=staff.center, phone="139-1234-5679", expected_pay="200")
    worker.refresh_from_db()
    assert worker.user.phone == "13912345679" and worker.intake.expected_pay == 200
    other = CenterStaffFactory()
    with pytest.raises(PermissionDenied):
        update_walk_in(worker, actor=other.user, center=other.center, skills="x")
