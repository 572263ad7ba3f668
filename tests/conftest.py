import pytest
from channels.layers import channel_layers
from django.core.cache.backends.locmem import LocMemCache
from django.utils import translation

from api.throttles import PerAddressLimit
from tests.factories import ServiceCenterFactory, TradeFactory
from zero_gig.kept import forget_all


@pytest.fixture(autouse=True)
def english(settings):
    """Tests read messages in English; the Chinese default has tests of its own. Passwords hash fast."""
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def texts_sent_at_once(settings):
    """Texts go out in the test's own thread, before the answer, so a test reads them right after asking.

    The site sends them after the answer from a thread pool (accounts.sms.deliver); tests of that set this off.
    """
    settings.SMS_SEND_INLINE = True


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Evidence photos of each test go to a directory of its own, removed afterwards."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


@pytest.fixture(autouse=True)
def channel_layer_of_its_own():
    """Each test gets a new channel layer, as each async test runs on an event loop of its own.

    channels_redis binds its receive locks to the loop that first waits on them; a layer shared across tests
    keeps a lock held by a receive whose loop has closed, and the next test that waits on it fails with
    'bound to a different event loop'. A server process has one loop, so this is a test-only concern.
    """
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def center(db):
    return ServiceCenterFactory()


@pytest.fixture
def trade(db):
    return TradeFactory()


@pytest.fixture(autouse=True)
def fresh_address_limits(monkeypatch):
    """Each test counts its own requests per network address: the shared cache would outlive it."""
    counts = LocMemCache("tests-address-limits", {})
    counts.clear()
    monkeypatch.setattr(PerAddressLimit, "cache", counts)


@pytest.fixture(autouse=True)
def nothing_kept_from_other_tests():
    """Reference tables kept in the process (zero_gig.kept) are read afresh in each test: a test's rolled-back
    trades or wage lines must not reach the next one. Tests of keeping (tests/zero_gig/test_kept.py) keep within
    one test."""
    forget_all()
    yield
    forget_all()
