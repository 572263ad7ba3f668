"""One phone number has one spelling: whatever digits and separators people type, one account, ASCII stored."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError

from accounts.admin import UserCreationForm
from accounts.models import User
from accounts.phones import normalize_phone
from jobs.services import register_employer
from tests.factories import UserFactory
from tests.helpers import field_errors

PHONE = "13800000001"

SPELLINGS = [
    "13800000001",
    "１３８０００００００１",  # full-width
    "13٨00000001",  # an Arabic-Indic eight
    "13८00000001",  # a Devanagari eight
    "13⁸00000001",  # a superscript eight
    "13\u200b800000001",  # a zero-width space
    "\ufeff138\u00a00000\u30000001",  # byte-order mark, no-break and ideographic spaces
    "138.0000.0001", "138-0000-0001", "138–0000—0001", "(138) 0000 0001",
    "+86 138 0000 0001", "+8613800000001", "008613800000001", "8613800000001", "＋８６ １３８０００００００１",
]


@pytest.mark.parametrize("typed", SPELLINGS)
def test_every_spelling_of_a_number_is_the_same_ascii_number(typed):
    assert normalize_phone(typed) == PHONE


@pytest.mark.parametrize("typed", ["1380000000l", "138000000一", "13800000001x", "1380000000\u0661\u0662", "",
                                   "+1 212 555 0100", "138000000011", "23800000001", "14012345678", "19412345678"])
def test_what_does_not_make_a_mobile_number_is_refused_with_the_rule(typed):
    with pytest.raises(ValidationError) as error:
        normalize_phone(typed)
    assert error.value.code in ("invalid_phone", "not_mobile")


def _plan_says_mobile(digits: str) -> bool:
    number = phonenumbers.parse("+86" + digits)
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


@pytest.mark.parametrize("block", range(100, 200))
def test_a_number_is_accepted_exactly_when_the_national_plan_says_mobile(block):
    for fourth in range(10):
        for rest in ("0000000", "4567890", "9999999"):
            digits = f"{block}{fourth}{rest}"
            try:
                accepted = normalize_phone(digits) == digits
            except ValidationError:
                accepted = False
            assert accepted == _plan_says_mobile(digits), digits


@pytest.mark.parametrize("prefix", ["140", "141", "142", "143", "144", "146", "148", "149", "154", "160", "163",
                                    "164", "168", "169", "179", "194"])
def test_prefixes_that_are_not_mobile_are_refused_with_the_reason(prefix):
    with pytest.raises(ValidationError) as error:
        normalize_phone(prefix + "12345678")
    assert error.value.code == "not_mobile"
    assert f"starting with {prefix} are not mobile numbers" in error.value.messages[0]


def test_the_demo_and_test_numbers_are_mobile_numbers():
    for digits in ("13700000000", "13700000001", "13700000005", "13800000001", "13800000500", "13900000001",
                   "13900000050", "13600000000", "13612345678"):
        assert normalize_phone(digits) == digits


@pytest.mark.django_db
def test_a_sign_up_code_for_another_spelling_of_a_registered_number_goes_to_that_account(api, outbox):
    UserFactory(phone=PHONE)
    response = api.post("/api/auth/sms-code/", {"phone": "13٨00000001", "purpose": "signup"}, format="json")
    assert response.status_code == 202, response.content
    assert outbox[-1].phone == PHONE
    assert "already has an account" in outbox[-1].text


@pytest.mark.django_db
def test_no_second_account_can_be_made_with_another_spelling(api, ask_code):
    code = ask_code("13८00000001")
    assert code is not None
    body = {"phone": "+86 13८0000 0001", "code": code, "role": "worker", "name": "李师傅",
            "latitude": 35.07, "longitude": 109.07, "session": False}
    assert api.post("/api/auth/signup/", body, format="json").status_code == 201
    assert list(User.objects.values_list("phone", flat=True)) == [PHONE]
    for typed in SPELLINGS[1:4]:
        assert api.post("/api/auth/sms-code/", {"phone": typed, "purpose": "signup"}, format="json").status_code \
            in (202, 429)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_logging_in_with_what_cannot_be_a_mobile_number_names_the_phone_field(api):
    for typed in ("138ⅹ0000001", "1380000000½", "13800000001²", "138０000000́", "14012345678",
                  "16912345678"):
        response = api.post("/api/auth/login/", {"phone": typed, "password": "whatever-1"}, format="json")
        assert response.status_code == 400, response.content
        assert "phone" in field_errors(response)


@pytest.mark.django_db
def test_logging_in_with_full_width_digits_finds_the_account(api):
    UserFactory(phone=PHONE, password="correct-horse-9")
    response = api.post("/api/auth/login/", {"phone": "１３８ ０００ ０００ ０１", "password": "correct-horse-9",
                                             "session": False}, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_the_admin_form_stores_the_ascii_number():
    form = UserCreationForm(data={"phone": "+86 １３８-0000-0002", "name": "张", "role": "worker",
                                  "password1": "a-long-password-9", "password2": "a-long-password-9"})
    assert form.is_valid(), form.errors
    assert form.save().phone == "13800000002"


@pytest.mark.django_db
def test_a_service_cannot_store_a_phone_in_another_spelling():
    with pytest.raises(ValidationError) as error:
        register_employer(phone="13900000001", name="张家", contact_name="张", contact_phone="１３９０００００００２")
    assert "contact_phone" in error.value.message_dict
    employer = register_employer(phone="+86 １３９ 0000 0001", name="张家", contact_name="张")
    assert employer.owner.phone == employer.contact_phone == "13900000001"


@pytest.mark.django_db
def test_an_employer_editing_the_contact_phone_stores_ascii(api):
    employer = register_employer(phone="13900000001", name="张家", contact_name="张")
    api.force_authenticate(employer.owner)
    response = api.patch("/api/me/employer/", {"contact_phone": "１３９-0000-0003"}, format="json")
    assert response.status_code == 200, response.content
    employer.refresh_from_db()
    assert employer.contact_phone == "13900000003"
    response = api.patch("/api/me/employer/", {"contact_phone": "14012345678"}, format="json")
    assert response.status_code == 400 and "not mobile numbers" in field_errors(response)["contact_phone"][0]


@pytest.mark.django_db(transaction=True)
def test_the_migration_rewrites_stored_phones_in_ascii_where_the_number_is_free():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("accounts", "0002_sms_codes_throttles_api_tokens")], [("accounts", "0003_phones_stored_in_ascii")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    users = executor.loader.project_state(before).apps.get_model("accounts", "User").objects
    users.create(phone="13800000001", role="worker")
    users.create(phone="13٨00000001", role="worker")  # a second account for the same number: left for staff
    users.create(phone="１３９０００００００２", role="employer")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    phones = list(executor.loader.project_state(after).apps.get_model("accounts", "User").objects
                  .order_by("pk").values_list("phone", flat=True))
    assert phones == ["13800000001", "13٨00000001", "13900000002"]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
