"""The mobile app carries an API token; it expires, can be revoked, and is stored only hashed."""

import datetime as dt
import hashlib

import pytest

from accounts import services
from accounts.models import ApiToken
from accounts.selectors import token_for_key, user_for_token
from tests.factories import UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return WorkerFactory(user=UserFactory(phone="13912345678")).user


@pytest.fixture
def key(user):
    return services.issue_api_token(user, name="phone")[1]


def me(api, authorization):
    return api.get("/api/me/", HTTP_AUTHORIZATION=authorization)


def test_a_token_is_sent_as_bearer_or_token(api, user, key):
    assert me(api, f"Bearer {key}").json()["id"] == user.pk
    assert me(api, f"Token {key}").json()["id"] == user.pk
    assert me(api, f"bearer {key}").status_code == 200


def test_only_the_hash_of_a_key_is_stored(user, key):
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {str(value) for value in ApiToken.objects.values().get().values()}


def test_a_token_expires_after_30_days(api, user, clock):
    _token, key = services.issue_api_token(user)
    clock.advance(days=30, seconds=-1)
    assert me(api, f"Bearer {key}").status_code == 200
    clock.advance(seconds=1)
    response = me(api, f"Bearer {key}")
    assert response.status_code == 401
    assert response.json()["detail"] == "This token has expired; log in again."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_lifetime_comes_from_settings(user, settings, clock):
    settings.API_TOKEN_TTL_DAYS = 7
    token, _key = services.issue_api_token(user)
    assert token.expires_at == clock.now + dt.timedelta(days=7)


def test_logging_out_revokes_the_token(api, user, key):
    assert api.post("/api/auth/logout/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 204
    assert ApiToken.objects.get(user=user).revoked_at is not None
    response = me(api, f"Bearer {key}")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_logging_out_one_device_leaves_the_others_logged_in(api, user, key):
    _other, other_key = services.issue_api_token(user, name="tablet")
    api.post("/api/auth/logout/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me(api, f"Bearer {other_key}").status_code == 200


def test_logging_out_of_a_web_session_ends_it(api, user):
    api.force_login(user)
    assert api.get("/api/me/").status_code == 200
    assert api.post("/api/auth/logout/").status_code == 204
    assert api.get("/api/me/").status_code == 401


@pytest.mark.parametrize("authorization", ["Bearer nonsense", "Bearer", "Bearer a b", "Token " + "x" * 500,
                                           "Bearer caf\u00e9"])
def test_a_bad_token_is_a_401(api, user, authorization):
    response = me(api, authorization)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_no_credentials_is_a_401_on_my_endpoints(api):
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert api.post("/api/auth/logout/").status_code == 401


def test_a_disabled_user_cannot_use_a_token(api, user, key):
    user.is_active = False
    user.save()
    assert me(api, f"Bearer {key}").status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(api, user, key, clock):
    me(api, f"Bearer {key}")
    first = ApiToken.objects.get(user=user).last_used_at
    assert first == clock.now
    clock.advance(seconds=30)
    me(api, f"Bearer {key}")
    assert ApiToken.objects.get(user=user).last_used_at == first
    clock.advance(seconds=31)
    me(api, f"Bearer {key}")
    assert ApiToken.objects.get(user=user).last_used_at == clock.now


def test_user_for_token_gives_the_user_of_a_live_token_only(user, key, clock):
    assert user_for_token(key) == user
    assert user_for_token("nonsense") is None
    assert user_for_token("") is None
    assert user_for_token(None) is None
    assert user_for_token(key, now=clock.now + dt.timedelta(days=31)) is None
    services.revoke_api_token(ApiToken.objects.get(user=user))
    assert user_for_token(key) is None


def test_user_for_token_refuses_a_disabled_user(user, key):
    user.is_active = False
    user.save()
    assert user_for_token(key) is None


def test_a_password_changed_in_the_admin_revokes_every_token_of_the_account(api, client, user, key):
    from accounts.models import Role, User

    other = services.issue_api_token(UserFactory(), name="phone")[1]
    city_admin = User.objects.create_superuser(phone="13700000009", password="admin-pass-123", role=Role.CITY_ADMIN)
    client.force_login(city_admin)
    changed = client.post(f"/admin/accounts/user/{user.pk}/password/",
                          {"password1": "a-new-secret-77", "password2": "a-new-secret-77"})
    assert changed.status_code == 302, changed.content[:500]
    assert me(api, f"Bearer {key}").status_code == 401
    assert me(api, f"Bearer {other}").status_code == 200  # someone else's token is untouched


def test_a_password_set_in_code_revokes_the_tokens_but_a_hash_upgraded_on_login_does_not(api, user, key):
    user.check_password("correct-horse-9")  # may rehash: the same password, the token stays
    assert me(api, f"Bearer {key}").status_code == 200
    user.set_password("another-secret-5")
    user.save()
    assert me(api, f"Bearer {key}").status_code == 401


def test_logging_out_on_the_web_revokes_the_token_its_login_issued_and_no_other(api, client, user):
    from rest_framework.test import APIClient

    browser = APIClient()
    logged_in = browser.post("/api/auth/login/", {"phone": "13912345678", "password": "correct-horse-9"},
                             format="json")
    web_token = logged_in.json()["token"]
    app_token = api.post("/api/auth/login/", {"phone": "13912345678", "password": "correct-horse-9",
                                              "session": False}, format="json").json()["token"]
    client.cookies = browser.cookies
    assert client.post("/logout/").status_code == 302
    assert me(api, f"Bearer {web_token}").status_code == 401
    assert me(api, f"Bearer {app_token}").status_code == 200


def test_the_token_of_a_key_is_read_in_one_statement_with_its_user_as_the_orm_reads_them(
        user, key, django_assert_num_queries):
    """The token is read on every API call, from a statement written out by hand: it must hold what the ORM
    would have read (times as aware datetimes on SQLite too), with its user, and nothing read later."""
    services.touch_api_token(ApiToken.objects.get(user=user))
    with django_assert_num_queries(1):
        token = token_for_key(key)
        owner = token.user
    expected = ApiToken.objects.select_related("user").get(key_hash=hashlib.sha256(key.encode()).hexdigest())
    for field in ApiToken._meta.concrete_fields:
        assert getattr(token, field.attname) == getattr(expected, field.attname), field.name
    for field in type(owner)._meta.concrete_fields:
        assert getattr(owner, field.attname) == getattr(expected.user, field.attname), field.name
    assert token.last_used_at.tzinfo is not None and token.expires_at.tzinfo is not None
    assert not token._state.adding and token._state.db == "default" and owner.is_active
    assert token_for_key(key + "x") is None
