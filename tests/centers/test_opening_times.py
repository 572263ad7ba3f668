"""Whether a center is open now, by its hours and the national calendar: public holidays close a center that
closes on them, and a weekend day worked in a holiday's place (调休) opens a working-days center."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from centers.models import OpenDays
from centers.selectors import opening_state
from tests.factories import ServiceCenterFactory

pytestmark = pytest.mark.django_db


def at(year, month, day, hour, minute=0) -> dt.datetime:
    """A moment in Tongchuan's time."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def center(open_days=OpenDays.EVERY_DAY, **fields):
    return ServiceCenterFactory(opens_at=dt.time(6, 30), closes_at=dt.time(18), open_days=open_days, **fields)


def test_a_center_open_every_day_is_open_in_its_hours_even_on_national_day():
    hall = center()
    state = opening_state(hall, at(2026, 10, 1, 10))
    assert state.open_now and state.closes_at == at(2026, 10, 1, 18)
    early = opening_state(hall, at(2026, 10, 1, 5, 59))
    assert not early.open_now and early.next_opening == at(2026, 10, 1, 6, 30)
    late = opening_state(hall, at(2026, 10, 1, 18))
    assert not late.open_now and late.next_opening == at(2026, 10, 2, 6, 30)


def test_a_center_closed_on_public_holidays_says_which_holiday_and_when_it_opens_again():
    hall = center(OpenDays.EVERY_DAY_BUT_HOLIDAYS)
    with translation.override("en"):
        state = opening_state(hall, at(2026, 10, 3, 10))
    assert not state.open_now and state.holiday_today == "National Day"
    assert state.next_opening == at(2026, 10, 8, 6, 30)  # the National Day holiday runs 1–7 October 2026
    with translation.override("zh-hans"):
        assert opening_state(hall, at(2026, 10, 3, 10)).holiday_today == "国庆节"


def test_a_working_days_center_opens_on_the_saturday_worked_for_national_day_and_not_on_sunday():
    hall = center(OpenDays.WORKING_DAYS)
    saturday = opening_state(hall, at(2026, 10, 10, 9))
    assert saturday.open_now and saturday.holiday_today is None
    sunday = opening_state(hall, at(2026, 10, 11, 9))
    assert not sunday.open_now and sunday.next_opening == at(2026, 10, 12, 6, 30)


def test_a_year_the_calendar_does_not_know_yet_falls_back_to_weekends_and_says_so():
    hall = center(OpenDays.WORKING_DAYS)
    saturday = opening_state(hall, at(2027, 1, 2, 9))
    assert not saturday.open_now and not saturday.calendar_known
    assert saturday.next_opening == at(2027, 1, 4, 6, 30)


def test_a_center_without_opening_times_is_not_called_open_or_closed():
    assert not opening_state(ServiceCenterFactory(), at(2026, 11, 30, 10)).known


@pytest.mark.parametrize(("fields", "field"), [
    ({"amenities": ["shelter", "karaoke"]}, "amenities"),
    ({"opens_at": dt.time(8)}, "closes_at"),
    ({"opens_at": dt.time(18), "closes_at": dt.time(8)}, "closes_at"),
])
def test_unknown_amenities_and_impossible_hours_are_refused_by_field(fields, field):
    hall = ServiceCenterFactory.build(**fields)
    with pytest.raises(ValidationError) as refused:
        hall.full_clean()
    assert field in refused.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_the_migration_reads_hours_out_of_the_text_and_turns_amenity_words_into_codes():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("centers", "0002_verbose_names")], [("centers", "0003_opening_times_and_amenities")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    centers = executor.loader.project_state(before).apps.get_model("centers", "ServiceCenter").objects
    centers.create(name="甲", level="district", region_code="610202", latitude=35.07, longitude=109.07,
                   opening_hours="周一至周日 6:30–18:00", amenities=["热水", "座椅", "充电", "避雨"])
    centers.create(name="乙", level="district", region_code="610202", latitude=35.07, longitude=109.07,
                   opening_hours="请电话咨询", amenities=[])
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    rows = (executor.loader.project_state(after).apps.get_model("centers", "ServiceCenter").objects
            .order_by("pk").values_list("opens_at", "closes_at", "amenities"))
    assert list(rows) == [(dt.time(6, 30), dt.time(18), ["drinking_water", "rest_area", "phone_charging", "shelter"]),
                          (None, None, [])]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
