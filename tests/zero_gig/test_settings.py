"""Settings come from the environment; with DEBUG off the development secret is refused."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
            "s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND']]))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "zero_gig.settings", **env})


def test_without_debug_the_development_secret_key_is_refused():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_use_secure_cookies_and_hsts():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="gig.example.cn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[false, true, true, 31536000, "django.db.backends.sqlite3", "channels.layers.InMemoryChannelLayer"]'
    )


def test_database_and_redis_urls_switch_the_backends():
    result = load_settings(DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/zero_gig",
                           REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert '"django.db.backends.postgresql"' in result.stdout
    assert '"channels_redis.core.RedisChannelLayer"' in result.stdout
