"""Organisations give a unified social credit code (GB 32100) with a valid check character."""

import pytest
from django.core.exceptions import ValidationError

from jobs.credit_codes import normalize_credit_code
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
