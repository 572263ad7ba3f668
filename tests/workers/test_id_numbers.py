"""Resident ID numbers: GB 11643 checksum, real birth dates, minimum age; never stored in clear."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import id_number_for
from workers.id_numbers import parse_id_number, parse_working_age_id
from workers.models import WorkerProfile
from workers.services import register_worker

TODAY = dt.date(2026, 11, 24)


def test_a_published_sample_number_passes_the_checksum():
    # The GB 11643 worked example: 11010519491231002X.
    resident = parse_id_number("11010519491231002x", TODAY)
    assert resident.number == "11010519491231002X"
    assert resident.birth_date == dt.date(1949, 12, 31)
    assert resident.masked == "11***************X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_checksum"),
        ("11010519491231002", "id_length"),
        ("1101051949123100X2", "id_format"),
        (id_number_for(dt.date(1990, 1, 1))[:10] + "0230" + "1231", "id_birth_date"),  # 30 February
        ("110105" + "20991231" + "0021", "id_birth_date"),  # born in the future
    ],
)
def test_bad_id_numbers_are_refused_with_the_rule(number, code):
    with pytest.raises(ValidationError) as error:
        parse_id_number(number, TODAY)
    assert error.value.code == code


def test_age_is_computed_from_the_birth_date():
    resident = parse_id_number(id_number_for(dt.date(1970, 11, 25)), TODAY)
    assert resident.age_on(TODAY) == 55
    assert resident.age_on(dt.date(2026, 11, 25)) == 56


def test_a_worker_under_16_is_refused():
    fifteen = id_number_for(dt.date(2010, 11, 25))
    with pytest.raises(ValidationError) as error:
        parse_working_age_id(fifteen, TODAY)
    assert error.value.code == "under_age"
    sixteen = id_number_for(dt.date(2010, 11, 24))
    assert parse_working_age_id(sixteen, TODAY).age_on(TODAY) == 16


@pytest.mark.django_db
def test_a_registered_id_number_is_kept_only_as_hash_mask_and_birth_year():
    number = id_number_for(dt.date(1975, 3, 8))
    profile = register_worker(phone="13812345678", display_name="李师傅", latitude=35.07, longitude=109.07,
                              id_number=number)
    profile.refresh_from_db()
    assert profile.id_number_masked == number[:2] + "*" * 15 + number[-1]
    assert profile.birth_year == 1975
    assert number not in str(WorkerProfile.objects.filter(pk=profile.pk).values().first())
    assert len(profile.id_number_hash) == 64


@pytest.mark.django_db
def test_registering_an_under_age_worker_names_the_field():
    with pytest.raises(ValidationError) as error:
        register_worker(phone="13812345678", display_name="小明", latitude=35.07, longitude=109.07,
                        id_number=id_number_for(dt.date.today().replace(year=dt.date.today().year - 15)))
    assert "at least 16" in error.value.message_dict["id_number"][0]
