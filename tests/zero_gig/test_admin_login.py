"""The admin's login page is held to the same limits as the API's and the web's: the per-phone lockout (shared
with them) and the per-address limit; a right password still opens it."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, User

pytestmark = pytest.mark.django_db

PHONE = "13700000000"
PASSWORD = "admin-pass-123"


@pytest.fixture
def city_admin():
    return User.objects.create_superuser(phone=PHONE, password=PASSWORD, role=Role.CITY_ADMIN)


def admin_login(client, password, address="203.0.113.5"):
    return client.post("/admin/login/?next=/admin/", {"username": PHONE, "password": password},
                       REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def test_a_city_administrator_logs_in_to_the_admin(client, city_admin):
    response = admin_login(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_wrong_admin_passwords_lock_the_phone_everywhere_and_the_right_one_waits(client, city_admin):
    for _ in range(4):
        assert "correct mobile number and password" in admin_login(client, "wrong-pass-1").content.decode()
    assert "locked until" in admin_login(client, "wrong-pass-1").content.decode()
    refused = admin_login(client, PASSWORD)
    assert refused.status_code == 200 and "locked until" in refused.content.decode()
    api = APIClient().post("/api/auth/login/", {"phone": PHONE, "password": PASSWORD}, format="json")
    assert api.status_code == 403 and api.json()["code"] == "account_locked"


def test_one_address_trying_the_admin_is_stopped_by_the_address_limit(client, city_admin, settings):
    settings.LOGINS_PER_ADDRESS_PER_HOUR = 3
    for _ in range(3):
        admin_login(client, "wrong-pass-1", address="198.51.100.77")
    html = admin_login(client, PASSWORD, address="198.51.100.77").content.decode()
    assert "Too many sign-in attempts from this network" in html
    assert admin_login(client, PASSWORD, address="198.51.100.78").status_code == 302
