"""Logins that cannot be used against the site or its users: a password is hashed without holding a database
connection or a lock, a burst of guesses gets no more checks than the lockout allows, and failures typed by
someone else do not keep the owner out."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts import services
from accounts.exceptions import AccountLocked
from accounts.models import AuthThrottle, User
from tests.factories import UserFactory, WorkerFactory

PHONE = "13912345678"
PASSWORD = "correct-horse-9"  # the factories' password
WRONG = "wrong-horse-9"


@pytest.fixture
def worker(db):
    return WorkerFactory(user=UserFactory(phone=PHONE, name="李师傅"))


@pytest.fixture
def hashes(monkeypatch):
    """Each password check, with whether a transaction was open and a connection held while it hashed."""
    seen = []
    check = User.check_password

    def watched(self, raw):
        seen.append({"in_transaction": connection.in_atomic_block, "connected": connection.connection is not None})
        return check(self, raw)

    monkeypatch.setattr(User, "check_password", watched)
    return seen


@pytest.mark.django_db(transaction=True)
def test_a_password_is_hashed_outside_any_transaction_and_without_a_database_connection(worker, hashes):
    assert services.log_in(phone=PHONE, password=PASSWORD).user == worker.user
    with pytest.raises(ValidationError):
        services.log_in(phone=PHONE, password=WRONG)
    assert hashes == [{"in_transaction": False, "connected": False}] * 2


@pytest.mark.django_db
def test_an_owner_locked_out_by_someone_elses_guesses_logs_in_with_a_texted_code(worker, ask_code):
    for _ in range(5):
        with pytest.raises((ValidationError, AccountLocked)):
            services.log_in(phone=PHONE, password=WRONG)
    with pytest.raises(AccountLocked):
        services.log_in(phone=PHONE, password=PASSWORD)
    code = ask_code(PHONE, "login")
    assert services.log_in(phone=PHONE, code=code).user == worker.user
    assert services.log_in(phone=PHONE, password=PASSWORD).user == worker.user  # back to normal


@pytest.mark.django_db
def test_wrong_codes_are_limited_by_the_code_not_by_the_password_lock(worker, ask_code):
    code = ask_code(PHONE, "login")
    for _ in range(5):
        with pytest.raises(ValidationError):
            services.log_in(phone=PHONE, code="000000")
    with pytest.raises(ValidationError):  # five wrong guesses used the code up
        services.log_in(phone=PHONE, code=code)
    assert services.log_in(phone=PHONE, password=PASSWORD).user == worker.user


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL): threads share it")
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_simultaneous_guesses_gets_no_more_checks_than_the_lockout_allows(worker, hashes):
    barrier = threading.Barrier(20)
    answers = []

    def guess():
        barrier.wait(timeout=20)
        try:
            services.log_in(phone=PHONE, password=WRONG)
        except AccountLocked:
            answers.append("locked")
        except Exception as error:
            answers.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(hashes) == 5  # the other fifteen found the phone locked before anything was checked
    assert answers.count("locked") == 16 and answers.count("ValidationError") == 4
    assert AuthThrottle.objects.get(phone=PHONE).locked_until is not None
