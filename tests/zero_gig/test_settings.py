"""Settings come from the environment; with DEBUG off the development secret is refused."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


SUMMARY = ("[s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
           "s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND']]")


def load_settings(shown: str = SUMMARY, **env) -> subprocess.CompletedProcess:
    """Start Django with `env` as the environment and print `shown` (an expression of the settings `s`) as JSON."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    code = f"import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({shown}))"
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


def test_a_sqlite_database_url_waits_takes_the_write_lock_at_begin_and_uses_wal_like_the_default(tmp_path):
    """Without these, 30 workers accepting at once through DATABASE_URL=sqlite:///... got "database is locked"."""
    shown = "[s.DATABASES['default']['NAME'], s.DATABASES['default']['OPTIONS']]"
    by_default = load_settings(shown, DEBUG="1", SQLITE_PATH=str(tmp_path / "default.sqlite3"))
    by_url = load_settings(shown, DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'by-url.sqlite3'}")
    assert by_default.returncode == 0 and by_url.returncode == 0, by_default.stderr + by_url.stderr
    (default_name, default_options), (url_name, url_options) = json.loads(by_default.stdout), json.loads(by_url.stdout)
    assert (default_name, url_name) == (str(tmp_path / "default.sqlite3"), str(tmp_path / "by-url.sqlite3"))
    assert url_options == default_options
    assert url_options["timeout"] >= 20 and url_options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in url_options["init_command"]


def test_the_deployment_checklist_is_clean_with_production_settings():
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, capture_output=True,
        text=True, timeout=120, env={**clean, "DEBUG": "0", "ALLOWED_HOSTS": "gig.example.cn",
                                     "SECRET_KEY": "k3y-" + "a1b2c3d4e5f6g7h8i9j0" * 3,
                                     # production names its SMS gateway (accounts.E001 otherwise); chosen on purpose
                                     "SMS_BACKEND": "accounts.sms.ConsoleBackend"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pooled_postgresql_connections_are_checked_and_waits_are_short():
    """PostgreSQL restarted: a dead pooled connection is found when taken (psycopg's check_connection, which
    Django passes to the pool with CONN_HEALTH_CHECKS), and a request waits seconds, not 15, for a connection."""
    shown = "[s.DATABASES['default']['CONN_HEALTH_CHECKS'], s.DATABASES['default']['OPTIONS']]"
    result = load_settings(shown, DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/zero_gig",
                           REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    checks, options = json.loads(result.stdout)
    assert checks is True
    assert options["pool"]["timeout"] <= 5 and options["connect_timeout"] <= 3
