"""Resident ID numbers: GB 11643 checksum, real birth dates, minimum age; never stored in clear."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import id_number_for
from workers.id_numbers import check_char, parse_id_number, parse_working_age_id
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


# --- One spelling per number --------------------------------------------------------------------
SAMPLE = "11010519491231002X"


@pytest.mark.parametrize("typed", [
    "１１０１０５１９４９１２３１００２Ｘ",  # full-width, with a full-width X
    "110105 19491231 002x", "110105-19491231-002X", "110105.19491231.002X",
    "11010519491231\u200b002X",  # a zero-width space
    "1101051949123100²X",  # a superscript two (NFKC: 2)
    "110105194912310٠2X",  # an Arabic-Indic zero
    "11010519491231002Ⅹ",  # the Roman numeral ten (NFKC: X)
])
def test_every_spelling_of_an_id_number_is_the_same_number(typed):
    assert parse_id_number(typed, TODAY).number == SAMPLE


@pytest.mark.parametrize("typed", ["11010519491231002Х",  # a Cyrillic Ha
                                   "1101051949123100\N{KHAROSHTHI DIGIT TWO}X",  # a digit NFKC leaves: was a 500
                                   "1101051949123100½X", "11010519491231002✕", "一一0105194912310０2X"])
def test_an_id_number_with_characters_that_are_not_ascii_digits_is_refused_with_the_rule(typed):
    with pytest.raises(ValidationError) as error:
        parse_id_number(typed, TODAY)
    assert error.value.code in ("id_format", "id_length")


@pytest.mark.django_db
def test_a_full_width_digit_does_not_let_one_id_number_register_twice(center):
    number = id_number_for(dt.date(1975, 3, 8))
    first = register_worker(phone="13812345678", display_name="李师傅", latitude=35.07, longitude=109.07,
                            id_number=number)
    second = register_worker(phone="13812345679", display_name="冒名", latitude=35.07, longitude=109.07,
                             id_number=number[:-3] + "".join(chr(ord(c) + 0xFEE0) for c in number[-3:]))
    second.refresh_from_db()
    assert second.id_number_hash is None
    assert second.identity_claims.get().holder == first
    assert WorkerProfile.objects.filter(id_number_hash__isnull=False).count() == 1


# --- What is stored cannot give the number back ------------------------------------------------------
def _dates_of(row: dict):
    """Every birth date the stored columns allow: the full date if one is kept, else every day of the year."""
    if row.get("birth_date"):
        return [row["birth_date"]]
    year = row["birth_year"]
    day, days = dt.date(year, 1, 1), []
    while day.year == year:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def _candidates(row: dict, region: str) -> int:
    """How many valid ID numbers fit the stored columns, for someone who also knows the worker's district."""
    mask = row["id_number_masked"]
    count = 0
    for birth in _dates_of(row):
        for sequence in range(1000):
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + check_char(first17)
            if all(shown in ("*", actual) for shown, actual in zip(mask, number, strict=True)):
                count += 1
    return count


@pytest.mark.django_db
def test_the_stored_columns_leave_thousands_of_candidates_even_to_someone_who_knows_the_district():
    number = id_number_for(dt.date(1975, 3, 8), region="610202", sequence=417)
    profile = register_worker(phone="13812345678", display_name="李师傅", latitude=35.07, longitude=109.07,
                              id_number=number)
    row = WorkerProfile.objects.filter(pk=profile.pk).values().get()
    assert _candidates(row, region="610202") > 10_000


# --- The data migration drops what is no longer kept --------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_the_migration_shortens_old_masks_and_keeps_only_the_birth_year():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("workers", "0004_rating_counters")]
    after = [("workers", "0006_drop_full_birth_date")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("accounts", "User").objects.create(phone="13812345678", role="worker")
    profiles = old.get_model("workers", "WorkerProfile").objects
    profiles.create(user=user, display_name="李师傅", latitude=35.07, longitude=109.07, h3_r5="", h3_r7="", h3_r9="",
                    id_number_hash="a" * 64, id_number_masked="610202********4171", birth_date=dt.date(1975, 3, 8),
                    real_name_status="verified")
    # Registered in full-width digits: its hash can never match the ASCII number.
    other = old.get_model("accounts", "User").objects.create(phone="13812345679", role="worker")
    profiles.create(user=other, display_name="冒名", latitude=35.07, longitude=109.07, h3_r5="", h3_r7="", h3_r9="",
                    id_number_hash="b" * 64, id_number_masked="６１０２０２********４１７１",
                    birth_date=dt.date(1975, 3, 8), real_name_status="verified")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    row, full_width = new.get_model("workers", "WorkerProfile").objects.order_by("pk").values()
    assert row["id_number_masked"] == "61***************1"
    assert row["birth_year"] == 1975 and row["real_name_status"] == "verified"
    assert "birth_date" not in row
    assert full_width["id_number_hash"] is None and full_width["id_number_masked"] == ""
    assert full_width["real_name_status"] == "unverified"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_id_number_must_start_with_a_province_of_china():
    """'⑩0222…' is 17 characters that NFKC turns into an 18-digit number with a right check character, in
    province 10, which does not exist. A foreigner's permanent residence ID (9, then the province) is fine."""
    with pytest.raises(ValidationError) as refused:
        parse_id_number("⑩022219900101123" + check_char("10022219900101123"))
    assert refused.value.code == "id_region"
    foreigner = "96102019900101123"
    assert parse_id_number(foreigner + check_char(foreigner)).number.startswith("961")
