"""Settings for Mentorship, read from the environment.

One file for every environment. The defaults are safe for development on a laptop
(SQLite file, console e-mail, Celery tasks run in-process); production sets the
variables listed in docs/operations.md and runs exactly the same code.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ

from mentorship.logging import server_time_zone

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A development key is only acceptable when DEBUG is on; production must set SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "common",
    # Project apps, left to right in dependency order: an app imports only from its left.
    "audit",
    "accounts",
    "profiles",
    "programs",
    "circles",  # mentoring circles (group mentoring); matching places mentees in them
    "speedrounds",  # rotations at an event and "I'd like to work with" wishes, which matching reads
    "matching",
    "surveys",
    "flash",  # one-off conversations with an expert; reports count them, notifications mails them
    "reports",
    "notifications",
    "privacy",
    "resources",  # the resource library: guides, templates, recordings per program
    "calendars",  # private calendar feeds: meetings and events, with notifications' event UIDs
    "communities",  # communities of practice: members, their expertise, events and resources listed
    "homes",  # the role homes gather figures from every app above
    "demo",  # demo data only: depends on every app, nothing depends on it
]

# Single sign-on is opt-in: SSO_PROVIDERS="openid_connect,saml" adds the allauth providers,
# configured through SOCIALACCOUNT_PROVIDERS below (see docs/sso.md).
SSO_PROVIDERS = env.list("SSO_PROVIDERS", default=[])
for _provider in SSO_PROVIDERS:
    INSTALLED_APPS.append(f"allauth.socialaccount.providers.{_provider}")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "common.middleware.CleanTextMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Times on every page in the signed-in person's own zone (their profile), not the server's.
    "common.middleware.ViewerTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it tells the person why they were signed out.
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mentorship.logging.RequestLogMiddleware",
    # Axes must be last: it turns a locked-out login into a clear lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
    {
        # Plain-text e-mail parts (subject.txt, body.txt): rendered without HTML escaping, so
        # "O'Brien" stays "O'Brien". Only mentorship/emails.py uses this engine.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# A page must not wait on a Redis that is down or hung (process stopped, connections still
# accepted): every Redis call, cache and broker, gives up after these, and after one failure the
# breaker (common/breaker.py) skips Redis for REDIS_BREAKER_SECONDS. See docs/operations.md.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.3)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.3)
REDIS_BREAKER_SECONDS = env.float("REDIS_BREAKER_SECONDS", default=5.0)
if REDIS_URL:
    # Redis while it answers, the database table common_cache_fallback while it does not, so
    # sign-in and its rate limits keep working (and keep limiting) through an outage.
    CACHES = {
        "default": {"BACKEND": "common.cache.FailoverCache", "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database"}},
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT, "socket_timeout": REDIS_SOCKET_TIMEOUT},
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "common_cache_fallback",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out account is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="none")
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
# The current session stays signed in; Django's session hash check signs out every other one.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# A department signs in from behind one NAT or proxy, so per-IP limits must allow a whole
# office arriving at 9:00; per-account limits stay tight (django-axes locks the account too).
ACCOUNT_RATE_LIMITS = {
    "login": env.str("LOGIN_RATE_LIMIT", default="600/m/ip"),
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="60/m/ip,5/5m/key"),
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Staff come from coordinators and the HR roster, so open sign-up is off unless a deployment
# deliberately turns it on. Invitations work either way.
ACCOUNT_ALLOW_SIGNUPS = env.bool("ACCOUNT_ALLOW_SIGNUPS", default=False)
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS = env.json("SOCIALACCOUNT_PROVIDERS", default={})
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# Passwords: Argon2id first (accounts/hashers.py, OWASP's 19 MiB / t=2 / p=1: tens of ms per
# sign-in). The others only read old hashes, each upgraded to Argon2id on its next sign-in.
ARGON2_TIME_COST = env.int("ARGON2_TIME_COST", default=2)
ARGON2_MEMORY_KIB = env.int("ARGON2_MEMORY_KIB", default=19 * 1024)
ARGON2_PARALLELISM = env.int("ARGON2_PARALLELISM", default=1)
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Login throttling: django-axes locks an e-mail+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False

# Sessions: an idle timeout (SessionTimeoutMiddleware) and an absolute limit (cookie age).
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# --- Security headers -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True
# A refused form gets the site's own page (mentorship/errors.py), not Django's bare one.
CSRF_FAILURE_VIEW = "mentorship.errors.csrf_failure"

# No inline scripts or styles anywhere; every asset is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True
# One date and time format everywhere (mentorship/formats/en/formats.py; `|when` in templates).
FORMAT_MODULE_PATH = ["mentorship.formats"]

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
MEDIA_ROOT = BASE_DIR / env.str("MEDIA_DIR", default="media")
MEDIA_URL = "media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The resource library's limit per file; larger recordings are shared as links.
RESOURCE_MAX_UPLOAD_BYTES = env.int("RESOURCE_MAX_UPLOAD_MB", default=25) * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A relay that stops answering must not hold a worker until its time limit.
EMAIL_TIMEOUT = EMAIL_CONFIG.get("EMAIL_TIMEOUT") or env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mentorship Program <mentorship@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------------------
# With no broker configured, tasks run in-process (eager) so a laptop needs no Redis.
BROKER_CONFIGURED = bool(env.str("CELERY_BROKER_URL", default=REDIS_URL))
# Without a broker, tasks run in-process (eager); the in-memory transport keeps kombu from
# looking for an AMQP server on localhost ("No hostname was supplied") when a task is queued.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL) or "memory://localhost/"
# kombu's Redis transport with an acknowledgement a hung Redis cannot turn into a stuck worker
# (common/broker.py says how it got stuck).
CELERY_BROKER_TRANSPORT = "common.broker:Transport" if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else None
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not BROKER_CONFIGURED)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Don't let a page hang when Redis is down or hung: one connection attempt, short timeouts, no
# publish retry that sleeps (common/enqueue.py publishes with retry=False; the policy below is
# for Celery's own publishes, e.g. a task's retry). What could not be queued is queued by the
# sweep. Workers may be given longer timeouts through the same variables.
# visibility_timeout: how long Redis keeps a task a dead worker took before handing it to
# another worker (acks_late). It must stay longer than any task runs.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=REDIS_CONNECT_TIMEOUT)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=REDIS_SOCKET_TIMEOUT),
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
    # How often a worker looks for such abandoned tasks (a cheap sorted-set scan).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=60),
    "unacked_restore_throttle": 1,
}
# Deployments sharing one Redis (staging beside production) keep apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Periodic schedules live in mentorship/celery.py (beat_schedule), nowhere else.

# Reminders (notifications app). Every knob is documented in docs/operations.md.
# How often beat runs the sweep that decides what is due and catches up after an outage.
REMINDER_SWEEP_MINUTES = env.int("REMINDER_SWEEP_MINUTES", default=10)
# A delivery a worker took but never marked sent is handed out again after this long. Keep it
# longer than REMINDER_SEND_TIME_LIMIT so a slow send is never doubled by its own retry.
REMINDER_CLAIM_TIMEOUT_SECONDS = env.int("REMINDER_CLAIM_TIMEOUT_SECONDS", default=10 * 60)
REMINDER_SEND_TIME_LIMIT = env.int("REMINDER_SEND_TIME_LIMIT", default=2 * 60)
# A pending delivery already queued is queued again only after this long (the queue may be slow).
REMINDER_REQUEUE_MINUTES = env.int("REMINDER_REQUEUE_MINUTES", default=30)
# Work a request asked for but could not queue (common.PendingTask) is queued by the sweep once
# it is this old; younger rows may still be being published by their own request.
ENQUEUE_CATCH_UP_SECONDS = env.int("ENQUEUE_CATCH_UP_SECONDS", default=60)
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=6)
# First retry delay after a transient SMTP error, doubling (with jitter) up to 30 minutes.
REMINDER_RETRY_BACKOFF_SECONDS = env.int("REMINDER_RETRY_BACKOFF_SECONDS", default=30)
# After the relay accepted a message, how long a worker keeps reconnecting to mark it sent.
# It runs inside the send's time limit, which the claim timeout outlasts (test_wiring checks).
REMINDER_MARK_RETRY_SECONDS = env.float("REMINDER_MARK_RETRY_SECONDS", default=60.0)
# Pause before each message, to pace an SMTP relay that throttles bursts.
REMINDER_SEND_PAUSE_SECONDS = env.float("REMINDER_SEND_PAUSE_SECONDS", default=0.0)
# The one line for "a pair at risk" (programs/selectors/health.py): no meeting held or booked for
# this many weeks. Coordinate, the dashboard, help and flags, the digest and the mentor's nudge
# (sent the day a pair crosses it) all use it.
PAIR_AT_RISK_WEEKS = env.int("PAIR_AT_RISK_WEEKS", default=4)
# The mentee hears later than the mentor (who schedules), if the pair is still quiet by then.
REMINDER_MENTEE_NUDGE_WEEKS = env.int("REMINDER_MENTEE_NUDGE_WEEKS", default=6)
# Events scheduled by hand are announced at once; the sweep invites people to the rest (and
# newcomers to all) once an event is this close.
REMINDER_INVITATION_LEAD_DAYS = env.int("REMINDER_INVITATION_LEAD_DAYS", default=42)
REMINDER_APPLICATIONS_CLOSING_DAYS = env.int("REMINDER_APPLICATIONS_CLOSING_DAYS", default=3)
REMINDER_CHOICE_DEADLINE_DAYS = env.int("REMINDER_CHOICE_DEADLINE_DAYS", default=2)
REMINDER_SURVEY_MAX_REMINDERS = env.int("REMINDER_SURVEY_MAX_REMINDERS", default=2)
REMINDER_SURVEY_INTERVAL_DAYS = env.int("REMINDER_SURVEY_INTERVAL_DAYS", default=4)
# The weekly coordinator digest: ISO weekday (1 = Monday) and hour, in TIME_ZONE.
REMINDER_DIGEST_WEEKDAY = env.int("REMINDER_DIGEST_WEEKDAY", default=1)
REMINDER_DIGEST_HOUR = env.int("REMINDER_DIGEST_HOUR", default=7)
# Low survey response in the digest: below this share of invitations answered.
REMINDER_DIGEST_LOW_RESPONSE = env.float("REMINDER_DIGEST_LOW_RESPONSE", default=0.5)

# --- Logging ------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# Log lines carry the server's own clock (with its UTC offset), not TIME_ZONE: Django sets the
# process's TZ to TIME_ZONE, which stamped a UTC server's logs in New York time.
LOG_TIME_ZONE = env.str("LOG_TIME_ZONE", default="") or server_time_zone()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "mentorship.logging.JsonFormatter", "time_zone": LOG_TIME_ZONE}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Axes logs every successful login at INFO; failures and lockouts (WARNING) are what matter.
        "axes": {"level": "WARNING"},
        "mentorship.requests": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")},
        # runserver's own line per request repeats mentorship.requests' (RequestLogMiddleware).
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}

# --- Program defaults -----------------------------------------------------------------------
CYCLE_LENGTH_MONTHS = 6
