"""Organisations give a unified social credit code (GB 32100) with a valid check character."""

import pytest
from django.core.exceptions import ValidationError

from jobs.credit_codes import check_char, normalize_credit_code
from jobs.models import Employer
from jobs.services import register_employer

VALID = "91350100M000100Y43"  # a published sample code


def test_a_valid_code_passes_and_is_uppercased():
    assert normalize_credit_code(VALID.lower()) == VALID


@pytest.mark.parametrize(
    ("code", "rule"),
    [("91350100M000100Y44", "check character"), ("91350100M000100Y4", "18 characters"),
     ("91350100M000I00Y43", "without I, O, S, V, Z")],
)
def test_bad_codes_are_refused_with_the_rule(code, rule):
    with pytest.raises(ValidationError) as error:
        normalize_credit_code(code)
    assert rule in error.value.messages[0]


def _with_check(first17: str) -> str:
    return first17 + check_char(first17)


@pytest.mark.parametrize(("first17", "valid"), [
    ("Y1610200MA6X00001", True), ("N2610202MA6X00001", True), ("A1610200MA6X00001", True),
    ("51610200MJ0000001", True), ("11100000000013127", True),
    ("91A10200MA6X00001", False), ("9161020AMA6X00001", False), ("91YY0200MA6X00001", False),
])
def test_positions_3_to_8_are_the_region_digits_and_letters_stay_valid_elsewhere(first17, valid):
    code = _with_check(first17)
    if valid:
        assert normalize_credit_code(code) == code
    else:
        with pytest.raises(ValidationError) as error:
            normalize_credit_code(code)
        assert error.value.code == "credit_code_region"


@pytest.mark.parametrize("typed", ["９１３５０１００Ｍ０００１００Ｙ４３", "9135 0100 M000 100Y 43",
                                   "91350100-M000100Y43", "91350100\u200bM000100Y43", "91350100m000100y43",
                                   "９1٣50100M000100Y43"])
def test_every_spelling_of_a_code_is_the_same_ascii_code(typed):
    assert normalize_credit_code(typed) == VALID
    # What NFKC leaves outside ASCII is refused with the rule, never a server error.
    with pytest.raises(ValidationError) as error:
        normalize_credit_code(typed[:-1] + "Σ")
    assert error.value.code == "credit_code_format"


@pytest.mark.django_db
def test_a_full_width_code_cannot_register_a_second_organisation():
    register_employer(phone="13900000001", name="某公司", contact_name="张", kind=Employer.Kind.ORGANISATION,
                      credit_code=VALID)
    with pytest.raises(ValidationError) as error:
        register_employer(phone="13900000002", name="某公司二", contact_name="李", kind=Employer.Kind.ORGANISATION,
                          credit_code="９１３５０１００Ｍ０００１００Ｙ４３")
    assert "already exists" in error.value.message_dict["credit_code"][0]


@pytest.mark.django_db
def test_an_organisation_must_give_a_valid_code():
    with pytest.raises(ValidationError) as error:
        register_employer(phone="13900000001", name="某公司", contact_name="张", kind=Employer.Kind.ORGANISATION)
    assert "credit_code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        register_employer(phone="13900000001", name="某公司", contact_name="张", kind=Employer.Kind.ORGANISATION,
                          credit_code="91350100M000100Y44")
    assert "check character" in error.value.message_dict["credit_code"][0]
    employer = register_employer(phone="13900000001", name="某公司", contact_name="张",
                                 kind=Employer.Kind.ORGANISATION, credit_code=VALID)
    assert employer.credit_code == VALID


@pytest.mark.django_db
def test_a_household_needs_no_code():
    employer = register_employer(phone="13900000002", name="张家", contact_name="张阿姨")
    assert employer.credit_code is None
    assert employer.contact_phone == "13900000002"


@pytest.mark.parametrize(("first17", "code"), [("00000000000000000", "credit_code_authority"),
                                               ("91000000MA6Y00000", "credit_code_region"),
                                               ("91990000MA6Y00000", "credit_code_region")])
def test_a_code_names_a_real_registration_authority_and_province(first17, code):
    with pytest.raises(ValidationError) as refused:
        normalize_credit_code(first17 + check_char(first17))
    assert refused.value.code == code


def test_organisations_registered_centrally_have_region_100000():
    first17 = "11100000MB0000000"
    assert normalize_credit_code(first17 + check_char(first17)) == first17 + check_char(first17)
