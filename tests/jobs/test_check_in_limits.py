"""The site code cannot be guessed: wrong codes are counted per assignment and per worker and the count survives
the refusal; a location that says it is vague cannot check anyone in, and how exact it was is kept."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from jobs import services
from jobs.exceptions import Conflict
from jobs.models import Assignment, AssignmentStatus
from tests.factories import GigFactory, WageFloorFactory
from tests.helpers import at_site

pytestmark = pytest.mark.django_db


def hire(worker, now, hours=8, **fields):
    gig = GigFactory(starts_at=now + dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1 + hours),
                     pay_amount=Decimal("25"), pay_unit="hour", category=worker.trades.first(), **fields)
    return services.accept_gig(gig, actor=worker.user, now=now)


def wrong_code(assignment, at) -> str:
    right = {services.check_in_code(assignment.gig, at)[0], services.check_in_code(assignment.gig, at, step=-1)[0]}
    return next(code for code in ("000000", "111111", "222222") if code not in right)


@pytest.fixture
def worker(make_worker, trade):
    WageFloorFactory()
    return make_worker(trade=trade)


def test_after_five_wrong_codes_even_the_right_one_is_refused_but_location_still_works(worker, now):
    assignment = hire(worker, now)
    at = now + dt.timedelta(minutes=30)
    for _ in range(5):
        with pytest.raises(ValidationError):
            services.check_in(assignment, actor=worker.user, now=at, code=wrong_code(assignment, at))
    assert Assignment.objects.get(pk=assignment.pk).check_in_code_failures == 5  # kept despite the refusals
    with pytest.raises(Conflict) as refused:
        services.check_in(assignment, actor=worker.user, now=at, code=services.check_in_code(assignment.gig, at)[0])
    assert refused.value.code == "too_many_codes"
    gig = assignment.gig
    checked = services.check_in(assignment, actor=worker.user, now=at, **at_site(gig, accuracy=12))
    assert checked.status == AssignmentStatus.CHECKED_IN and checked.check_in_accuracy_m == 12


def test_a_worker_spreading_guesses_over_many_gigs_of_a_day_is_stopped_too(worker, now, settings):
    settings.GIG_RULES = {**settings.GIG_RULES, "CHECK_IN_CODE_FAILURES_PER_DAY": 6}
    first, second, third = (hire(worker, now + dt.timedelta(hours=offset), hours=1) for offset in (0, 2, 4))
    for assignment in (first, first, first, second, second, second):
        at = assignment.gig.starts_at - dt.timedelta(minutes=10)
        with pytest.raises(ValidationError):
            services.check_in(assignment, actor=worker.user, now=at, code=wrong_code(assignment, at))
    at = third.gig.starts_at - dt.timedelta(minutes=10)
    with pytest.raises(Conflict) as refused:  # a fresh assignment, but the worker's day is used up
        services.check_in(third, actor=worker.user, now=at, code=services.check_in_code(third.gig, at)[0])
    assert refused.value.code == "too_many_codes"


def test_a_location_vaguer_than_the_rules_allow_is_refused_by_field(worker, now):
    assignment = hire(worker, now)
    gig, at = assignment.gig, now + dt.timedelta(minutes=30)
    with pytest.raises(ValidationError) as refused:
        services.check_in(assignment, actor=worker.user, now=at, **at_site(gig, accuracy=900))
    assert "within 150 m" in refused.value.message_dict["accuracy"][0]
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.ACCEPTED


def test_the_api_takes_the_accuracy_and_names_it_when_it_is_bad(worker, now):
    assignment = hire(worker, now)
    api = APIClient()
    api.force_authenticate(worker.user)
    gig = assignment.gig
    bad = api.post(f"/api/assignments/{assignment.pk}/check-in/",
                   {**at_site(gig), "accuracy": -3}, format="json")
    assert bad.status_code == 400 and list(bad.json()["fields"]) == ["accuracy"]
