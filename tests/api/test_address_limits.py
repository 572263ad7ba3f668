"""Limits per network address hold exactly under a burst and slide over the hour (api.throttles); each test
counts in a cache of its own (tests/conftest.py)."""

import threading

import pytest
from django.test import RequestFactory

from api import throttles
from api.throttles import HOUR, LoginsPerAddress


def attempt(address="203.0.113.7") -> bool:
    return LoginsPerAddress().allow_request(RequestFactory().post("/", REMOTE_ADDR=address), None)


def test_two_hundred_simultaneous_attempts_from_one_address_let_exactly_the_limit_through(settings):
    settings.LOGINS_PER_ADDRESS_PER_HOUR = 120
    barrier = threading.Barrier(50)
    allowed = []

    def burst():
        barrier.wait(timeout=20)
        allowed.extend(attempt() for _ in range(4))

    threads = [threading.Thread(target=burst) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(allowed) == 200 and allowed.count(True) == 120
    assert attempt("198.51.100.1")  # another address is not affected


def test_the_previous_hour_counts_for_the_part_of_it_still_inside_the_last_sixty_minutes(settings, monkeypatch):
    settings.LOGINS_PER_ADDRESS_PER_HOUR = 10
    clock = [1000 * HOUR + 0.9 * HOUR]
    monkeypatch.setattr(throttles.time, "time", lambda: clock[0])
    assert [attempt() for _ in range(12)].count(True) == 10  # late in one hour: ten, then no more
    clock[0] = 1001 * HOUR + 0.5 * HOUR  # half-way through the next hour: the twelve count for six
    assert [attempt() for _ in range(6)].count(True) == 4
    limit = LoginsPerAddress()
    assert not limit.allow_request(RequestFactory().post("/", REMOTE_ADDR="203.0.113.7"), None)
    # seven counted this hour (refusals count too): one more fits when 12 × (1 - 0.5 - t) + 7 + 1 ≤ 10
    assert limit.wait() == pytest.approx(HOUR / 3)
    clock[0] += HOUR / 3 + 1
    assert attempt()
    assert not attempt()
