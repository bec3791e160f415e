"""Settings read from the environment refuse bad values loudly."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ntm_portal.env import env_bool, env_choice, env_database, env_int, env_list
from tests.support.interpreter import ROOT, environment, production_env, run_python


def start_django(**env):
    """Start Django in a fresh interpreter with the given environment."""
    return run_python("import django; django.setup()", environment(**env))


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


def test_production_mode_passes_the_deployment_check_without_a_warning(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "warning" not in (result.stdout + result.stderr).lower()


def test_development_mode_fails_the_deployment_check():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        environment(DJANGO_ENV=None, SECRET_KEY=None, DEBUG=None),
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr  # the development key
    assert "security.W012" in result.stderr  # the session cookie over plain HTTP


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is required when DJANGO_ENV=production"),
        ({"SECRET_KEY": "  "}, "SECRET_KEY is required when DJANGO_ENV=production"),
        ({"SECRET_KEY": "dev-only-insecure-key-change-me"}, "SECRET_KEY is the development key"),
        ({"SECRET_KEY": "a-short-secret-key"}, "SECRET_KEY is too short or too plain"),
        ({"SECRET_KEY": "ab" * 30}, "SECRET_KEY is too short or too plain"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is required when DJANGO_ENV=production"),
        ({"DATABASE_URL": None}, "DATABASE_URL is required when DJANGO_ENV=production"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "DATABASE_URL must be PostgreSQL"),
        ({"DEBUG": "true"}, "DEBUG=true is refused when DJANGO_ENV=production"),
        ({"SECURE_HSTS_SECONDS": "-1"}, "SECURE_HSTS_SECONDS='-1' is below the minimum"),
        ({"DJANGO_ENV": "prod"}, "DJANGO_ENV='prod' is not one of: development, production"),
    ],
)
def test_production_mode_refuses_to_start_without_its_variables(tmp_path, env, message):
    result = run_python("import django; django.setup()", production_env(tmp_path, **env))

    assert result.returncode != 0
    assert message in result.stderr


def test_gunicorn_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--check-config"],
        cwd=ROOT,
        env=production_env(tmp_path, SECRET_KEY=None),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "SECRET_KEY is required when DJANGO_ENV=production" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("NTM_SESSION_IDLE_MINUTES", "0", "NTM_SESSION_IDLE_MINUTES='0' is below the minimum, 1"),
        ("NTM_SESSION_MAX_HOURS", "half a day", "NTM_SESSION_MAX_HOURS='half a day' is not"),
        ("DB_CONN_HEALTH_CHECKS", "maybe", "DB_CONN_HEALTH_CHECKS='maybe' is not a boolean"),
    ],
)
def test_bad_session_and_connection_values_stop_django(tmp_path, name, value, message):
    result = run_python("import django; django.setup()", production_env(tmp_path, **{name: value}))

    assert result.returncode != 0
    assert message in result.stderr


def test_postgresql_connections_are_kept_and_checked(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "db = settings.DATABASES['default']; print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'])"
    )
    default = run_python(code, production_env(tmp_path))
    tuned = run_python(code, production_env(tmp_path, DB_CONN_MAX_AGE="0"))

    assert default.stdout.split() == ["60", "True"]
    assert tuned.stdout.split() == ["0", "True"]


def test_env_choice_refuses_an_unknown_value(monkeypatch):
    monkeypatch.setenv("SOME_MODE", "Staging")
    with pytest.raises(ImproperlyConfigured, match="SOME_MODE='Staging' is not one of: a, b"):
        env_choice("SOME_MODE", ("a", "b"), "a")
    monkeypatch.setenv("SOME_MODE", " B ")
    assert env_choice("SOME_MODE", ("a", "b"), "a") == "b"


def test_every_variable_is_documented():
    read = set()
    for path in ("ntm_portal/settings.py", "gunicorn.conf.py"):
        read |= set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', (ROOT / path).read_text()))
    example = (ROOT / ".env.example").read_text()
    deploy = (ROOT / "docs" / "deploy.md").read_text()

    assert "SECRET_KEY" in read
    assert not [name for name in sorted(read) if f"\n{name}=" not in example]
    assert not [name for name in sorted(read) if f"`{name}`" not in deploy]


def test_postgresql_jit_is_off_unless_asked_for(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(repr(settings.DATABASES['default'].get('OPTIONS', {}).get('options')))"
    )
    default = run_python(code, production_env(tmp_path))
    kept = run_python(
        code,
        production_env(
            tmp_path,
            DATABASE_URL="postgres://ntm@127.0.0.1:5432/ntm?options=-c%20statement_timeout%3D5000",
        ),
    )
    asked = run_python(code, production_env(tmp_path, DB_JIT="true"))

    assert default.stdout.strip() == "'-c jit=off'", default.stderr
    assert kept.stdout.strip() == "'-c statement_timeout=5000 -c jit=off'", kept.stderr
    assert asked.stdout.strip() == "None", asked.stderr


@pytest.mark.django_db
def test_the_connection_runs_without_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no JIT")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
