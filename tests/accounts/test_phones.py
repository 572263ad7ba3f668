"""Users log in by a mainland China mobile number, stored as 11 digits."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.phones import mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("13800138000", "13800138000"), ("138 0013 8000", "13800138000"), ("+86 138-0013-8000", "13800138000"),
     ("008613800138000", "13800138000"), ("8613800138000", "13800138000"), ("19912345678", "19912345678")],
)
def test_phone_numbers_are_stored_normalised(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12800138000", "1380013800", "138001380001", "029-88888888", "abc", "",
                                   "+1 415 555 0100"])
def test_malformed_phone_numbers_are_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalize_phone(typed)
    assert "mobile number" in error.value.messages[0]


@pytest.mark.django_db
def test_creating_a_user_normalises_the_phone_and_refuses_a_bad_one():
    user = User.objects.create_user(phone="+86 139 1234 5678", password="a-long-password")
    assert user.phone == "13912345678"
    assert user.check_password("a-long-password")
    with pytest.raises(ValidationError) as error:
        User.objects.create_user(phone="12345")
    assert "mobile number" in error.value.message_dict["phone"][0]


@pytest.mark.django_db
def test_the_same_phone_cannot_register_twice():
    User.objects.create_user(phone="13912345678")
    with pytest.raises(ValidationError) as error:
        User.objects.create_user(phone="139-1234-5678")
    assert "phone" in error.value.message_dict


def test_masked_phone_hides_the_middle_digits():
    assert mask_phone("13912345678") == "139****5678"
