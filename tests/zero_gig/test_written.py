"""zero_gig.db.Written writes a constant of the code into a statement's text: only plain words, never anything
that could end the string it stands in."""

import pytest

from jobs.models import Gig, GigStatus
from tests.factories import GigFactory
from zero_gig.db import Written


@pytest.mark.parametrize("value", ["open'; DROP TABLE jobs_gig; --", "a b", "ＯＰＥＮ", "", "o'pen"])
def test_anything_but_a_plain_word_is_refused(value):
    with pytest.raises(ValueError):
        Written(value)


@pytest.mark.django_db
def test_a_written_status_selects_as_a_bound_one_would():
    waiting = GigFactory(status=GigStatus.PENDING_REVIEW)
    GigFactory(status=GigStatus.OPEN)
    assert list(Gig.objects.filter(status=Written(GigStatus.PENDING_REVIEW))) == [waiting]
