"""Settings for zero-gig, read from the environment (12-factor).

Default: SQLite and the in-memory channel layer, so a bare machine can run it.
DATABASE_URL switches to PostgreSQL, REDIS_URL to the Redis channel layer and cache.
"""

import importlib.util
import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# A fixed key for local development only; with DEBUG off the app refuses to run on it.
DEVELOPMENT_SECRET_KEY = "zero-gig-development-only-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment when DEBUG is off "
        "(the development key is public). Set DEBUG=1 for local development."
    )

# Key for the keyed hash of resident ID numbers; separate so it can be rotated on its own.
ID_NUMBER_HASH_KEY = os.environ.get("ID_NUMBER_HASH_KEY") or SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "zero_gig.apps.CityAdminConfig",  # django.contrib.admin, for city administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_htmx",
    "template_partials",
    "accounts",
    "centers",
    "workers",
    "jobs",
    "api",
    "frontend",
    "notifications",
    "demo",
    "audit",
    "policy",
    "programs",
    "agreements",
    "wages",
    "figures",
    "gigreports",
    "complaints",
    "idempotency",
    "personaldata",
]

MIDDLEWARE = [
    # Outermost, so that it compresses every response, WhiteNoise's static files included where no precompressed
    # copy exists (development; collectstatic writes .gz copies that WhiteNoise serves as they are). BREACH: the
    # pages carry CSRF tokens, which Django masks afresh in every response, and since Django 4.2 this middleware
    # pads each gzip stream with random bytes ("Heal the Breach"); session cookies never enter a body.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every answer (redirects, CSRF refusals, error pages) carries the policy.
    "zero_gig.csp.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a database error in a view answers 503 (JSON under /api/), not 500.
    "zero_gig.unavailable.DatabaseUnavailable",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Django's, but a missing slash keeps the method and body (308) and answers in JSON under /api/.
    "zero_gig.slash.SlashKeepingCommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the CSRF check, which reads a form first.
    "zero_gig.nul_input.RefuseNulInPages",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The chain runs as one synchronous call in the request's thread (zero_gig.handler), whatever each middleware
    # could do asynchronously: tests/zero_gig/test_middleware_hops.py counts the crossings.
    "zero_gig.privacy_headers.PrivacyHeaders",
]

ROOT_URLCONF = "zero_gig.urls"
ASGI_APPLICATION = "zero_gig.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.display",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL) if DATABASE_URL else {
    "ENGINE": "django.db.backends.sqlite3", "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI every request runs in its own thread; a pool caps the connections per process
    # (requests wait for a free one) instead of opening one per request until PostgreSQL refuses.
    # When PostgreSQL is down or restarting, a request must fail fast (a 503, zero_gig.unavailable) rather than
    # wait: a connection attempt gives up after connect_timeout, a wait for a pooled connection after
    # DB_POOL_TIMEOUT seconds (long enough for a burst of 200 accepts on a pool of 10). CONN_HEALTH_CHECKS makes
    # Django hand the pool psycopg's ConnectionPool.check_connection, so a connection PostgreSQL closed in a
    # restart is found and replaced when it is taken from the pool, and the app recovers without a restart.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": int(os.environ.get("DB_POOL_SIZE", "10")),
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "5")), "reconnect_timeout": 60}
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 3)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters travel apart from the SQL, so a list of H3 cells (the nearby feed's shortlist) is one
    # array, not hundreds of inlined literals; and a statement run five times on a connection is
    # prepared, so the feed's query is planned once per connection, not on every request. (Neither
    # suits a transaction-mode pgbouncer; the processes pool their own connections instead.)
    DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same for the default file and for DATABASE_URL=sqlite:///...: wait for a writer instead of failing
    # at once (writes are short transactions); take the write lock when the transaction begins, so two
    # transactions never both read and then both ask for it ("database is locked" at once, whatever the
    # timeout); WAL lets readers go on while one writer writes (it halved the 200-accept burst in the benchmark).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20, "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {})}
    # Tests that use threads need a file, not the shared in-memory database; one per test run.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels and cache ---------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # channels_redis blocks 5 s waiting for messages: the socket timeout must be longer, or idle
            # consumers die; a bigger pool survives bursts of disconnects.
            # capacity: every socket of a process receives through one Redis key per process, and a message
            # sent while it holds `capacity` is dropped; a wave of offers (300 at once for a 100-worker gig)
            # must fit with room to spare. Offers are stored first, so a drop only delays them.
            # socket_connect_timeout: with Redis unreachable a push gives up in 2 s (pushes are best effort,
            # notifications are stored first and replayed), instead of waiting out the 15 s.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15, "socket_connect_timeout": 2,
                                  "max_connections": 1000}],
                       "prefix": os.environ.get("CHANNEL_PREFIX", "zero_gig"), "capacity": 5000},
        }
    }
    # Short timeouts: with Redis out, the per-address limits fall back to the database (api.throttles) at once.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"  # the pages' SMS-code login (the admin has its own)

# Reference tables (the trade taxonomy, the wage tables' version) kept in each process between requests for up to a
# minute (zero_gig.kept). Off: read on every request, as a server beside a test process that rewrites them needs.
KEEP_REFERENCE_TABLES = env_bool("KEEP_REFERENCE_TABLES", default=True)

# --- Accounts -------------------------------------------------------------------------------
# SMS gateway (dotted path to a class with send(phone, text)); the console backend only logs. With DEBUG off there
# is no default: `check` fails and nothing is sent until it is set (to the console backend only on purpose).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "accounts.sms.ConsoleBackend" if DEBUG else "")
# Texts go out after the answer, from a small thread pool (accounts.sms.deliver); tests send them at once.
SMS_SEND_INLINE = env_bool("SMS_SEND_INLINE", default=False)
SMS_CODE_TTL_SECONDS = 300  # a code works for 5 minutes,
SMS_CODE_MIN_INTERVAL_SECONDS = 60  # one code per phone per minute,
SMS_CODE_DAILY_LIMIT = 10  # at most 10 per phone in 24 hours,
SMS_CODE_MAX_ATTEMPTS = 5  # and allows 5 wrong tries.
# Codes asked from one network address (any phones) in an hour: stops SMS pumping across many numbers while a
# center's shared Wi-Fi still serves a queue of walk-ins. Counted in the cache (Redis when REDIS_URL is set).
SMS_CODES_PER_ADDRESS_PER_HOUR = int(os.environ.get("SMS_CODES_PER_ADDRESS_PER_HOUR", "60"))
# Login attempts from one address in an hour, whatever the numbers (each phone also locks after 5 failures).
LOGINS_PER_ADDRESS_PER_HOUR = int(os.environ.get("LOGINS_PER_ADDRESS_PER_HOUR", "120"))
# The largest request body taken at all (photos of evidence included); a bigger one is refused with 413 before
# any of it is kept (zero_gig.body_limit). Django's own limit on a body read whole (JSON, form fields) is the same
# one: at its default (2.5 MB) a report's photos sent as JSON were refused with a 400 that named no rule.
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", str(16 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
LOGIN_MAX_FAILURES = 5  # this many failed logins for a phone
LOGIN_FAILURE_WINDOW_SECONDS = 900  # within 15 minutes
LOGIN_LOCKOUT_SECONDS = 900  # lock it for 15 minutes.
API_TOKEN_TTL_DAYS = 30

# --- Internationalisation: Chinese first, English second -------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]  # inside the package, so that a wheel has it
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic also writes a gzip copy of each text file, which WhiteNoise serves to browsers that take it.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Web pages --------------------------------------------------------------------------------
# Map tiles (e.g. a city's own tile server, "https://tiles.example.cn/{z}/{x}/{y}.png"): none by default, so
# nothing is fetched from elsewhere; the maps then show the pins on a plain background.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "")
MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "")
MAP_DEFAULT_CENTER = (35.0690, 109.0756)  # 王益区, where the city center is; used before any center exists
# Leaflet's own JS and CSS, served from the django-leaflet package. Its app is not installed: its admin module
# needs GDAL, and the pages use Leaflet directly (so none of its default OpenStreetMap tile settings apply).
STATICFILES_DIRS = [Path(importlib.util.find_spec("leaflet").origin).parent / "static"]

# --- Security (on whenever DEBUG is off) ----------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its Bearer challenge makes anonymous callers get 401 rather than 403.
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # The API takes JSON only, as its schema says; web pages post their forms to their own views.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.SafeJSONParser"],
    # Moments written one way in every answer (api.renderers); OPTIONS gives the methods only (api.metadata).
    # JSON only, whatever the caller accepts: DRF's browsable pages made errors HTML for a browser's Accept header
    # (and ?format=api); /api/docs/ is the API's page.
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer"],
    "DEFAULT_METADATA_CLASS": "api.metadata.AllowedMethodsOnly",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ListPage",
    # A caller is its REMOTE_ADDR: uvicorn has already put the client from X-Forwarded-For there when the
    # request came through a trusted proxy (FORWARDED_ALLOW_IPS); the header itself is anyone's to write.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "zero-gig API",
    "DESCRIPTION": "零工市场 — gig market API for workers, employers, service centers and the city.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from validator.swagger.io: the docs page must not call out to anyone.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "GigStatusEnum": "jobs.models.GigStatus",
        "AssignmentStatusEnum": "jobs.models.AssignmentStatus",
        "PayStatusEnum": "jobs.models.PayStatus",
        "NotificationKindEnum": "notifications.models.Kind",
        "EmployerKindEnum": "jobs.models.Employer.Kind",
        "PayUnitEnum": "jobs.models.PayUnit",
        "PayPositionEnum": "wages.selectors.Position",
        "ReportCaseStatusEnum": "gigreports.models.Case.Status",
        "ComplaintStatusEnum": "complaints.models.ComplaintStatus",
        "AgreementPartyEnum": "agreements.models.Party",
        "AgreementChannelEnum": "agreements.models.Channel",
        "SignUpChannelEnum": "programs.models.Channel",
    },
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "filters": {"refusals_in_one_line": {"()": "zero_gig.log_filters.RefusalsInOneLine"}},
    "loggers": {"django.request": {"filters": ["refusals_in_one_line"]}},
}

# --- Gig market rules (defaults; override any key with a JSON object in GIG_RULES) ----------
GIG_RULES = {
    "FREE_CANCEL_MINUTES": 5,  # a worker may cancel free this soon after accepting
    "LATE_CANCEL_HOURS": 12,  # a worker cancelling closer than this to the start gets a strike
    "NO_SHOW_AFTER_MINUTES": 60,  # not checked in this long after the start: no-show and a strike
    "STRIKES_TO_SUSPEND": 3,
    "STRIKE_WINDOW_DAYS": 30,
    "SUSPENSION_DAYS": 7,
    "CLEAN_GIGS_TO_CLEAR_STRIKE": 10,
    "EMPLOYER_LATE_CANCEL_HOURS": 24,  # an employer cancelling closer than this owes show-up pay
    "SHOW_UP_PAY_HOURS": 4,
    "GEOFENCE_METERS": 300,
    "CHECK_IN_OPENS_MINUTES": 60,
    "CHECK_IN_CODE_SECONDS": 60,
    "CHECK_IN_CODE_MAX_FAILURES": 5,  # wrong site codes per assignment, then only location or the employer
    "CHECK_IN_CODE_FAILURES_PER_DAY": 15,  # wrong site codes per worker over their gigs of a day
    "CHECK_IN_MAX_ACCURACY_METERS": 150,  # a location vaguer than this cannot show the worker is at the site
    # A location check-in implies a speed since the worker's last known location (their phone's last report, the
    # hall, their last check-in): above VEHICLE it is checked in but flagged for the center's staff, above
    # IMPOSSIBLE (an airliner) it is refused. Jumps shorter than JUMP_MIN_KM are GPS and Wi-Fi noise.
    "CHECK_IN_VEHICLE_KMH": 150,
    "CHECK_IN_IMPOSSIBLE_KMH": 900,
    "CHECK_IN_JUMP_MIN_KM": 2,
    "REQUIRE_TRADE_MATCH": True,  # instant hiring: only workers with the gig's trade may take it
    "NEARBY_DEFAULT_RADIUS_KM": 5,
    "NEARBY_MAX_RADIUS_KM": 50,
}
if os.environ.get("GIG_RULES"):
    import json

    GIG_RULES.update(json.loads(os.environ["GIG_RULES"]))

# --- Reports of fake or unfair gigs (gigreports) ------------------------------------------------
GIG_REPORTS = {
    "REPORTS_TO_HOLD": 3,  # reports from this many different workers hold a gig at once
    "PHOTOS_PER_REPORT": 3,
    "PHOTO_MAX_BYTES": 5 * 1024 * 1024,  # per photo, checked before it is decoded
    "EMPLOYER_SUSPENSION_DAYS": 30,  # an employer suspended after a take-down posts nothing this long
}
if os.environ.get("GIG_REPORTS"):
    import json

    GIG_REPORTS.update(json.loads(os.environ["GIG_REPORTS"]))

# --- Matching: offers pushed to nearby workers in waves (即时快招) ----------------------------
MATCHING = {
    "WAVE_RADII_KM": [3, 8, 20],  # wave n reaches this far (the last radius repeats)
    "WAVE_SIZE": 10,  # offers per wave, at least; grows with the slots still open
    "OFFERS_PER_SLOT": 3,
    "WAVE_DELAY_SECONDS": 120,  # wait this long for accepts before the next wave
    "MAX_WAVES": 5,
    "FRESH_LOCATION_MINUTES": 120,  # a reported current location counts this long
}

# --- Wage-arrears complaints (欠薪投诉): deadlines in a center's working time, evidence photos -----
# Any key of complaints.rules.DEFAULTS may be overridden here or with a JSON object in COMPLAINT_RULES.
COMPLAINT_RULES = json.loads(os.environ.get("COMPLAINT_RULES", "{}"))
# Evidence photos live here, outside every public URL; a permission-checked view serves each one.
PRIVATE_FILES_ROOT = Path(os.environ.get("PRIVATE_FILES_ROOT", BASE_DIR / "private"))
