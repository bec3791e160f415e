"""NTM Portal settings, read from environment variables (see .env.example).

DJANGO_ENV=production refuses to start without the variables a public server
needs and turns on the HTTPS-only settings; docs/deploy.md lists every variable.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_required,
    env_secret_key,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = env_choice("DJANGO_ENV", ("development", "production"), "development") == (
    "production"
)
_IN_PRODUCTION = "when DJANGO_ENV=production (see docs/deploy.md)"
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"

DEBUG = env_bool("DEBUG", False)
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG=true is refused when DJANGO_ENV=production.")
    SECRET_KEY = env_secret_key("SECRET_KEY", _IN_PRODUCTION, refused=(DEV_SECRET_KEY, "change-me"))
    env_required("ALLOWED_HOSTS", _IN_PRODUCTION)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "simple_history",
    "csp",
    # Before the project's apps: the office role is given axes' permissions after migrate.
    "core.apps.AxesConfig",  # django-axes, named in Vietnamese in the admin
    "core",
    "communes",
    "assignments",
    "reports",
    "sampledata",
]

MIDDLEWARE = [
    # First: every response and log line, error pages included, carries the request id.
    "core.request_id.RequestIdMiddleware",
    "core.head.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files come compressed already): pages and JSON gzipped,
    # with Django's BREACH mitigation (core/compression.py, docs/deploy.md).
    "core.compression.TextGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.sessions.SessionLifetimeMiddleware",
    # Whose page it is, for the service worker's per-user cache (core/user_header.py).
    "core.user_header.UserHeaderMiddleware",
    # The worker's background requests leave the session and messages as they were.
    "core.background.BackgroundFetchMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes requires: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ntm_portal.urls"

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
                "django.template.context_processors.i18n",
                "sampledata.context_processors.demo_notice",
                "assignments.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "ntm_portal.wsgi.application"

if PRODUCTION:
    env_required("DATABASE_URL", _IN_PRODUCTION)
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if PRODUCTION:
        raise ImproperlyConfigured(f"DATABASE_URL must be PostgreSQL {_IN_PRODUCTION}.")
    # Every transaction takes the write lock when it begins (BEGIN IMMEDIATE), waiting up
    # to `timeout` seconds for a concurrent writer. A deferred transaction that read first
    # fails at once with "database is locked" when it then writes (SQLite cannot wait
    # there without a deadlock); a lock still held after the wait gets the "try again"
    # page (core/errors.py), never a 500.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
else:
    # One connection per worker thread, kept for DB_CONN_MAX_AGE seconds and checked
    # before reuse, so that a restarted PostgreSQL fails no request once it is back.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DB_CONN_HEALTH_CHECKS", True)
    # PostgreSQL compiles with its JIT any plan estimated above jit_above_cost. The lists'
    # and exports' per-row figures reach that at national scale, and compiling takes
    # 0.3–0.6 s where the query itself takes 0.4 s (docs/performance.md): off, unless
    # DB_JIT=true.
    if not env_bool("DB_JIT", False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's, with a Vietnamese message (core/passwords.py).
    {"NAME": "core.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# Each language is named in itself on the switch.
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy in both languages, typed and shown (ntm_portal/formats/).
FORMAT_MODULE_PATH = ["ntm_portal.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# A file whose name is not UTF-8 arrives under a readable name, not dropped (core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "core.uploads.ReadableNamesHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (css/portal.3f1c….css) from collectstatic's manifest, gzip and brotli
    # copies; WhiteNoise serves the hashed files with a max-age of ten years, immutable
    # (its default for names in the manifest), the rest with WHITENOISE_MAX_AGE (60 s).
    # Without collectstatic (tests, runserver) a name stays plain (core/staticfiles.py).
    "staticfiles": {"BACKEND": "core.staticfiles.ManifestStaticFilesStorage"},
}
# Serve static files straight from the apps and static/ (no collectstatic needed to run);
# production serves only what collectstatic wrote, compressed (`make serve` runs it).
WHITENOISE_USE_FINDERS = not PRODUCTION

# django-axes checks for a lockout first; ModelBackend then checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Security headers and cookies, in every mode: the browser tests see what production sends.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
# Full origins (https://ntm.example.vn) allowed to POST besides the site itself.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# No inline script or style anywhere (templates, the admin): all from static files. The
# SVG charts' fill= and font-size= are presentation attributes, which style-src allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        # The service worker (/sw.js, importing static/js/queue.js) and the manifest:
        # our own origin only (default-src would say the same; named for the reader).
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if PRODUCTION:
    # Served over HTTPS only, behind a proxy (docs/deploy.md).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("TRUST_X_FORWARDED_PROTO", True):
        # Only behind a proxy that always sets this header itself (nginx:
        # proxy_set_header X-Forwarded-Proto $scheme); else any client could claim HTTPS.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sessions end after NTM_SESSION_IDLE_MINUTES without a request and, whatever the
# activity, NTM_SESSION_MAX_HOURS after the login (core/sessions.py).
NTM_SESSION_IDLE_MINUTES = env_int("NTM_SESSION_IDLE_MINUTES", 30, minimum=1)
NTM_SESSION_MAX_HOURS = env_int("NTM_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = NTM_SESSION_IDLE_MINUTES * 60

# Login throttling (django-axes, core/lockouts.py). A lockout is per username
# *and* client IP: someone mistyping locks only their own account on their own
# computer, and an attacker cannot lock a user out from everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("NTM_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("NTM_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "core.lockouts.lockout_response"
# And per username from every address: a guesser who changes address is stopped after
# this many failures within this many minutes, a short lock since it hits the real
# user too (core/lockouts.py, docs/operations.md).
AXES_HANDLER = "core.lockouts.LockoutHandler"
NTM_LOGIN_USERNAME_FAILURE_LIMIT = env_int("NTM_LOGIN_USERNAME_FAILURE_LIMIT", 20, minimum=1)
NTM_LOGIN_USERNAME_COOLOFF_MINUTES = env_int("NTM_LOGIN_USERNAME_COOLOFF_MINUTES", 10, minimum=1)
AXES_USERNAME_CALLABLE = "core.lockouts.client_username"  # cut to axes' 255 characters
# Who a locked-out person should call, shown on the lockout page (e.g. a phone number).
NTM_OFFICE_CONTACT = env_str("NTM_OFFICE_CONTACT", "")
# The client IP (lockouts and the security log, core/lockouts.client_ip). X-Forwarded-For
# is trusted only when NTM_TRUSTED_PROXIES says how many proxies stand in front of the
# app, each appending the address it received from (nginx: proxy_add_x_forwarded_for),
# and only on a connection from one of NTM_PROXY_ADDRESSES (addresses or networks): the
# client is then the Nth address from the right, whatever a client put in the header
# itself. With 0 (no proxy), or a connection from anywhere else (gunicorn reached
# directly), the header is ignored and the connection's address is used.
NTM_TRUSTED_PROXIES = env_int("NTM_TRUSTED_PROXIES", 0, minimum=0)
NTM_PROXY_ADDRESSES = env_list("NTM_PROXY_ADDRESSES", ["127.0.0.1", "::1"])
for _proxy in NTM_PROXY_ADDRESSES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"NTM_PROXY_ADDRESSES: {_proxy!r} is not an IP address or network."
        ) from None
AXES_CLIENT_IP_CALLABLE = "core.lockouts.client_ip"

# A refused CSRF token: a friendly page (core/errors.py); 400/403/500 in urls.py.
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

# Assignments with no visit for longer than this many days are flagged.
NTM_STALE_VISIT_DAYS = env_int("NTM_STALE_VISIT_DAYS", 90)
# Uploaded images larger than this many pixels are refused (decompression bombs).
NTM_ATTACHMENT_MAX_PIXELS = env_int("NTM_ATTACHMENT_MAX_PIXELS", 40_000_000)
# An import previewed but not confirmed within this many hours expires (its file deleted).
NTM_IMPORT_PREVIEW_HOURS = env_int("NTM_IMPORT_PREVIEW_HOURS", 24, minimum=1)

# E-mail (the alerts digest): printed to the console until EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "NTM Portal <noreply@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Every line carries the request id and the user id (core/request_id.py); a 500's
# traceback is logged by django.request with its path. The security log
# (core/security_log.py) has its own handler: stderr, or the file NTM_SECURITY_LOG,
# reopened when logrotate moves it (WatchedFileHandler).
NTM_SECURITY_LOG = env_str("NTM_SECURITY_LOG", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
    "formatters": {
        "default": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s user=%(user_id)s] "
            "%(name)s: %(message)s"
        },
        "security": {"format": "%(asctime)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "default",
        },
        "security": (
            {
                "class": "logging.handlers.WatchedFileHandler",
                "filename": NTM_SECURITY_LOG,
                "encoding": "utf-8",
                "formatter": "security",
            }
            if NTM_SECURITY_LOG
            else {"class": "logging.StreamHandler", "formatter": "security"}
        ),
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "ntm.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # Axes' own failure and lockout warnings stay; its start-up and per-login notes go.
        "axes": {"level": "WARNING"},
    },
}
