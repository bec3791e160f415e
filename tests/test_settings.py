"""Settings read from the environment refuse bad values loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ntm_portal.env import env_bool, env_database, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env):
    """Start Django in a fresh interpreter with the given environment."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "ntm_portal.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/ntm", "only SQLite and PostgreSQL"),
        ("not a url", "is not a database URL"),
        ("postgres://postgres@127.0.0.1:5432/", "names no database"),
    ],
)
def test_a_bad_database_url_stops_django_with_a_clear_message(url, message):
    result = start_django(DATABASE_URL=url)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert message in result.stderr


def test_a_bad_debug_value_stops_django_with_a_clear_message():
    result = start_django(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_good_values_start_django():
    result = start_django(DEBUG="false", DATABASE_URL="sqlite:///:memory:")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("Off", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_env_int_refuses_text(monkeypatch):
    monkeypatch.setenv("SOME_DAYS", "ninety")
    with pytest.raises(ImproperlyConfigured, match="SOME_DAYS='ninety' is not a whole number"):
        env_int("SOME_DAYS", 90)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("SOME_HOSTS", " a.vn, b.vn ,,")
    assert env_list("SOME_HOSTS") == ["a.vn", "b.vn"]


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("SOME_DB", "postgres://postgres@127.0.0.1:5432/ntm_portal")
    config = env_database("SOME_DB", "sqlite:///x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "ntm_portal"
    assert config["CONN_HEALTH_CHECKS"] is True


def test_sqlite_is_the_default(monkeypatch):
    monkeypatch.delenv("SOME_DB", raising=False)
    config = env_database("SOME_DB", "sqlite:////tmp/ntm.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
