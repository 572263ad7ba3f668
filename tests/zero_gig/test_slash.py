"""A page's address typed without its final slash: a GET is sent on as Django does (301); a form posted there is
sent on with 308, keeping what was typed, instead of a 500 (DEBUG) or a 301 that drops the form."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_page_opened_without_its_slash_is_sent_on():
    response = Client().get("/login")
    assert response.status_code == 301 and response["Location"] == "/login/"


def test_a_form_posted_without_the_slash_keeps_its_method_and_fields():
    client = Client()
    response = client.post("/login", {"phone": "13800000001", "password": "wrong"}, follow=True)
    assert response.redirect_chain == [("/login/", 308)]
    assert response.status_code == 200 and response.context["form"].data["phone"] == "13800000001"
