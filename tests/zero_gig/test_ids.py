"""Ids typed or posted as text: only ASCII digits name an id. "²".isdigit() and "١٢".isdigit() are true, and int()
then fails or reads another script's digits, so every page that took an id that way could answer 500."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import CenterStaffFactory, WorkerFactory
from zero_gig.ids import MAX_ID, parse_id


@given(st.text(max_size=30))
def test_any_text_either_names_a_positive_64_bit_id_in_ascii_digits_or_none(text):
    found = parse_id(text)
    if found is None:
        assert not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID)
    else:
        assert text.isascii() and text.isdigit() and found == int(text) and 0 < found <= MAX_ID


@pytest.mark.parametrize("text", ["²", "١٢", "１２", "12 ", "-3", "0", str(2**63), "", "1e3"])
def test_digits_of_other_scripts_signs_and_out_of_range_numbers_name_no_id(text):
    assert parse_id(text) is None


@pytest.mark.django_db
@pytest.mark.parametrize("junk", ["²", "١٢", "9" * 30])
def test_pages_that_take_ids_from_a_form_answer_junk_without_a_server_error(client, junk):
    worker = WorkerFactory()
    client.force_login(worker.user)
    assert client.post("/inbox/read/", {"id": junk, "page": junk}).status_code == 302
    staff = CenterStaffFactory()
    client.force_login(staff.user)
    center = staff.center_id
    for path in (f"/staff/centers/{center}/hall/check-in/", f"/staff/centers/{center}/board/assign/"):
        assert client.post(path, {"worker": junk, "gig": junk}).status_code < 500, path
