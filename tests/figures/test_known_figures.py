"""The quarterly figures on a known fixture, worked out by hand (see conftest.py for the story)."""

import datetime as dt

import pytest

from figures import services
from figures.models import Figure
from figures.periods import Period

pytestmark = pytest.mark.django_db

Q1, Q2 = dt.date(2026, 1, 1), dt.date(2026, 4, 1)


def figure(center, kind, start) -> dict:
    row = Figure.objects.filter(center=center, kind=kind, start=start).values(
        "seekers", "openings", "slots_taken", "placements", "gigs_filled", "median_fill_seconds", "walk_ins",
        "completions", "fair_hires").first()
    return row


@pytest.fixture
def built(known):
    services.rebuild(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    return known


def test_first_quarter_of_each_center_and_the_city(built):
    assert figure(built.a, Period.QUARTER, Q1) == {
        "seekers": 3,  # w1 (hall, applied), w2 (accepted an offer), w4 (hall); w3 only declined an offer
        "openings": 5, "slots_taken": 3,  # 2 + 3 posted (the draft is no opening); 2 + 1 taken: 60 %
        "placements": 1, "gigs_filled": 1, "median_fill_seconds": 24 * 3600,
        "walk_ins": 3, "completions": 1, "fair_hires": 0}
    assert figure(built.b, Period.QUARTER, Q1) == {
        "seekers": 2, "openings": 2, "slots_taken": 2, "placements": 1,  # w3 at 23:00 on 31 March
        "gigs_filled": 2, "median_fill_seconds": 3 * 3600,  # 2 h and 4 h
        "walk_ins": 1, "completions": 0, "fair_hires": 1}
    assert figure(None, Period.QUARTER, Q1) == {
        "seekers": 4,  # w2 sought work at both centers: one job seeker of the city
        "openings": 7, "slots_taken": 5, "placements": 2,
        "gigs_filled": 3, "median_fill_seconds": 4 * 3600,  # the middle of 2 h, 4 h, 24 h
        "walk_ins": 4, "completions": 1, "fair_hires": 1}


def test_a_check_in_after_midnight_in_beijing_counts_in_the_next_quarter(built):
    assert figure(built.b, Period.QUARTER, Q2)["placements"] == 1
    assert figure(None, Period.QUARTER, Q2) == {
        "seekers": 0, "openings": 0, "slots_taken": 0, "placements": 1, "gigs_filled": 0,
        "median_fill_seconds": None, "walk_ins": 0, "completions": 0, "fair_hires": 0}


def test_days_weeks_and_months(built):
    monday = dt.date(2026, 1, 5)  # ISO week 2 of 2026
    assert figure(built.a, Period.WEEK, monday) == {
        "seekers": 3, "openings": 2, "slots_taken": 2, "placements": 1, "gigs_filled": 1,
        "median_fill_seconds": 86400, "walk_ins": 3, "completions": 0, "fair_hires": 0}
    # 乙's gig was posted at 00:30 on 6 January in Beijing: nothing on the 5th, its opening on the 6th.
    assert figure(built.b, Period.DAY, monday) is None
    assert figure(built.b, Period.DAY, dt.date(2026, 1, 6))["openings"] == 1
    assert figure(built.a, Period.DAY, dt.date(2026, 1, 6))["seekers"] == 3  # w1, w4 in the hall; w2 accepted
    assert figure(built.a, Period.MONTH, dt.date(2026, 2, 1))["openings"] == 3  # the review day, 10 February
    march = figure(built.b, Period.MONTH, dt.date(2026, 3, 1))
    assert (march["openings"], march["placements"], march["fair_hires"], march["seekers"]) == (1, 1, 1, 1)
