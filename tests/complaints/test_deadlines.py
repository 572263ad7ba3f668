"""Deadlines count the center's working time: its hours on the days it is open, with China's public holidays
and the weekend days worked in their place (调休) taken from chinese_calendar."""

import datetime as dt

import pytest

from centers.models import OpenDays
from complaints.deadlines import add_working_time, deadlines
from tests.complaints.conftest import at
from tests.factories import ServiceCenterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    """Open 9:00–17:00 on national working days."""
    return ServiceCenterFactory(opens_at=dt.time(9), closes_at=dt.time(17), open_days=OpenDays.WORKING_DAYS)


def test_within_one_day_the_deadline_is_an_hour_and_three_full_days_later(office):
    acknowledge, resolve = deadlines(office, at(2025, 11, 3, 10))  # a Monday
    assert acknowledge == at(2025, 11, 3, 11)
    assert resolve == at(2025, 11, 6, 10)  # Thursday, same time


def test_across_a_weekend(office):
    acknowledge, resolve = deadlines(office, at(2025, 11, 7, 16, 30))  # a Friday, half an hour before closing
    assert acknowledge == at(2025, 11, 10, 9, 30)  # Monday: half an hour on Friday, half on Monday
    assert resolve == at(2025, 11, 12, 16, 30)  # Wednesday: 0.5 + 8 + 8 + 7.5 hours


def test_filed_in_the_evening_counts_from_the_next_opening(office):
    acknowledge, resolve = deadlines(office, at(2025, 11, 7, 20))  # Friday evening
    assert acknowledge == at(2025, 11, 10, 10)
    assert resolve == at(2025, 11, 12, 17)  # the close of the third working day


def test_across_national_day_and_the_adjusted_working_saturday(office):
    # 2025: 1–8 October are public holidays; Saturday 11 October is worked in their place.
    acknowledge, resolve = deadlines(office, at(2025, 9, 30, 16, 30))  # Tuesday before the holiday
    assert acknowledge == at(2025, 10, 9, 9, 30)  # nothing counts over the eight days of the holiday
    assert resolve == at(2025, 10, 11, 16, 30)  # 0.5 h + 9 and 10 Oct + 7.5 h on the adjusted Saturday


def test_an_adjusted_working_sunday_counts_and_the_plain_saturday_before_it_does_not(office):
    # Sunday 28 September 2025 is a working day in exchange for the National Day holiday.
    acknowledge, _resolve = deadlines(office, at(2025, 9, 26, 16, 30))  # Friday
    assert acknowledge == at(2025, 9, 28, 9, 30)


def test_a_center_open_every_day_counts_the_weekend(office):
    office.open_days = OpenDays.EVERY_DAY
    assert add_working_time(office, at(2025, 11, 7, 16, 30), dt.timedelta(hours=1)) == at(2025, 11, 8, 9, 30)


def test_a_center_without_opening_times_counts_nine_to_five_on_working_days():
    center = ServiceCenterFactory(opens_at=None, closes_at=None, open_days=OpenDays.EVERY_DAY)
    acknowledge, _resolve = deadlines(center, at(2025, 10, 1, 12))  # National Day
    assert acknowledge == at(2025, 10, 9, 10)


def test_the_deadlines_are_configurable(office, settings):
    settings.COMPLAINT_RULES = {"ACKNOWLEDGE_WORKING_HOURS": 2, "RESOLVE_WORKING_DAYS": 5}
    acknowledge, resolve = deadlines(office, at(2025, 11, 3, 10))
    assert acknowledge == at(2025, 11, 3, 12)
    assert resolve == at(2025, 11, 10, 10)  # the next Monday
