"""GET /healthz reports the database and the channel layer, and answers 503 when one is down."""

import pytest
from channels.layers import InMemoryChannelLayer

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_database_and_channel_layer_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["channel_layer"]["status"] == "ok"


def test_health_is_503_when_the_channel_layer_is_down(client, monkeypatch):
    async def broken_send(self, channel, message):
        raise ConnectionError("redis is gone")

    layer_class = type(__import__("channels.layers", fromlist=["get_channel_layer"]).get_channel_layer())
    monkeypatch.setattr(layer_class, "send", broken_send)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["channel_layer"] == {"status": "down", "backend": layer_class.__name__, "error": "ConnectionError"}
    assert body["database"]["status"] == "ok"


def test_health_is_503_when_the_database_is_down(client, monkeypatch):
    from zero_gig import health

    def broken_database():
        raise OSError("connection refused")

    monkeypatch.setattr(health, "_database_ok", broken_database)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["status"] == "down"


def test_the_in_memory_layer_is_the_embedded_default(settings):
    if settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer"):
        from channels.layers import get_channel_layer

        assert isinstance(get_channel_layer(), InMemoryChannelLayer)
    else:
        assert "Redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"]
