"""Small helpers that read settings from the environment and fail loudly.

A typo in a deployment's environment must stop the start-up with a message
naming the variable, never fall back silently to a default.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of true/false, 1/0, yes/no, on/off."
    )


def env_int(name, default, *, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is below the minimum, {minimum}.")
    return value


def env_choice(name, choices, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of: {', '.join(choices)}.")
    return value


def env_required(name, reason):
    """A variable that must be set (and not blank), e.g. in production mode."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        raise ImproperlyConfigured(f"{name} is required {reason}.")
    return raw


def env_secret_key(name, reason, *, refused=()):
    """A secret key that Django's deployment check accepts: long, varied, not a known one."""
    key = env_required(name, reason)
    if key in refused or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(f"{name} is the development key: generate a new one.")
    if len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(
            f"{name} is too short or too plain: use at least 50 random characters "
            "(see docs/deploy.md)."
        )
    return key


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


SUPPORTED_DATABASES = {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}


def env_database(name, default):
    """Parse a database URL (sqlite:///path or postgres://user@host:port/db)."""
    raw = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=0, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types for bad input
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a database URL ({exc}). "
            "Use sqlite:///path/to/db.sqlite3 or postgres://user@host:5432/name."
        ) from None
    if config.get("ENGINE") not in SUPPORTED_DATABASES:
        raise ImproperlyConfigured(f"{name}={raw!r}: only SQLite and PostgreSQL are supported.")
    if config["ENGINE"] == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={raw!r} names no database (…/dbname).")
    return config
