"""Redis stopped while gigs are posted and accepted: sign-in and the API keep working, the per-address limits
count in the database instead (they hold, rather than letting everyone through), and every notification is
stored, then replayed from the inbox once Redis is back. Redis is simulated: a cache and a channel layer whose
every call fails as redis-py does when nothing listens on the port."""

import datetime as dt
import threading

import pytest
import redis
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AddressCount
from api.throttles import PerAddressLimit
from notifications import selectors
from notifications import services as notification_services
from notifications.models import Notification
from tests.factories import EmployerFactory, ServiceCenterFactory, TradeFactory, WageFloorFactory, WorkerFactory
from workers.models import WorkerTrade

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-9"  # the factories' password


def refused(*args, **kwargs):
    raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


class RedisDown:
    """Django's RedisCache with Redis stopped: every call raises."""

    def __getattr__(self, name):
        return refused


class ChannelLayerDown:
    async def group_send(self, group, message):
        refused()


@pytest.fixture
def redis_down(monkeypatch, settings):
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(PerAddressLimit, "cache", RedisDown())
    monkeypatch.setattr(notification_services, "get_channel_layer", ChannelLayerDown)


def login(phone, password=PASSWORD, address="203.0.113.7"):
    return APIClient().post("/api/auth/login/", {"phone": phone, "password": password}, format="json",
                            REMOTE_ADDR=address)


def test_sign_in_and_sms_codes_work_without_redis(redis_down):
    worker = WorkerFactory()
    response = login(worker.user.phone)
    assert response.status_code == 200, response.content
    assert response.json()["token"]
    code = APIClient().post("/api/auth/sms-code/", {"phone": "13900001111", "purpose": "signup"}, format="json")
    assert code.status_code in (200, 201, 202, 204), code.content


def test_without_redis_the_per_address_limit_counts_in_the_database_and_still_holds(redis_down, settings):
    settings.LOGINS_PER_ADDRESS_PER_HOUR = 3
    worker = WorkerFactory()
    answers = [login(worker.user.phone).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]  # not open: the fourth is refused as with Redis
    assert login(worker.user.phone, address="198.51.100.1").status_code == 200  # another address is not affected
    [counted] = AddressCount.objects.filter(key__contains="203.0.113.7")
    assert counted.count == 5 and counted.expires_at > timezone.now()


def test_the_database_counts_expire_with_the_sign_in_records(redis_down, settings):
    from accounts.services import prune_sign_in_records

    worker = WorkerFactory()
    login(worker.user.phone)
    assert AddressCount.objects.count() == 1
    prune_sign_in_records(timezone.now())
    assert AddressCount.objects.count() == 1  # its hour still weighs in the sliding window
    prune_sign_in_records(timezone.now() + dt.timedelta(hours=3))
    assert not AddressCount.objects.exists()


def test_gigs_are_posted_and_taken_without_redis_and_the_notifications_wait_in_the_inbox(redis_down):
    WageFloorFactory()
    ServiceCenterFactory()
    trade = TradeFactory()
    employer, worker = EmployerFactory(), WorkerFactory()
    WorkerTrade.objects.create(worker=worker, category=trade, years_experience=5)
    boss, me = APIClient(), APIClient()
    boss.force_authenticate(employer.owner)
    me.force_authenticate(worker.user)
    start = timezone.now() + dt.timedelta(hours=2)
    posted = boss.post("/api/gigs/", {
        "trade": "labourer", "title": "卸一车水泥", "headcount": 1, "pay_amount": "30.00", "pay_unit": "hour",
        "address": "王益区红旗街（测试）", "latitude": 35.0700, "longitude": 109.0760,
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=4)).isoformat(),
    }, format="json")
    assert posted.status_code == 201, posted.content
    taken = me.post(f"/api/gigs/{posted.json()['id']}/accept/")
    assert taken.status_code == 200, taken.content

    # Nothing was pushed, nothing was lost: when Redis is back the employer's socket resumes from its last seq
    # and the inbox over HTTP has it too.
    accepted = Notification.objects.get(user=employer.owner, kind="accepted")
    inbox = boss.get("/api/notifications/")
    assert inbox.status_code == 200
    assert accepted.pk in [row["id"] for row in inbox.json()["results"]]
    assert Notification.objects.filter(user=worker.user, kind="hired").exists()
    replayed = selectors.missed_frames(selectors.inbox(employer.owner, after=0))  # the socket's "resume"
    assert accepted.as_frame() in replayed


@pytest.mark.django_db(transaction=True)
def test_a_burst_without_redis_lets_exactly_the_limit_through(redis_down, settings):
    """The database counter is one atomic statement: simultaneous requests cannot all read the same count."""
    from django.db import connection
    from django.test import RequestFactory

    from api.throttles import LoginsPerAddress

    settings.LOGINS_PER_ADDRESS_PER_HOUR = 12
    barrier = threading.Barrier(10)
    allowed = []

    def burst():
        try:
            barrier.wait(timeout=20)
            for _ in range(3):
                allowed.append(LoginsPerAddress().allow_request(RequestFactory().post("/", REMOTE_ADDR="203.0.113.9"),
                                                                None))
        finally:
            connection.close()

    threads = [threading.Thread(target=burst) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(allowed) == 30 and allowed.count(True) == 12
