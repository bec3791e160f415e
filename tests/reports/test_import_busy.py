"""SQLite and concurrent writers: transactions begin IMMEDIATE, so two confirms of one
import wait for each other instead of one failing with "database is locked"; a lock
still held after the busy timeout is answered with a "try again" page (503,
Retry-After), never a 500.

The test database is SQLite in memory, where locks between connections behave
otherwise: the real locks are taken on a file, in a fresh interpreter with the
project's settings.
"""

import json

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from reports.imports import service
from reports.models import ImportBatch
from tests.support.interpreter import environment, run_python

from .import_workbooks import upload, workbook_bytes

BUSY = "Hệ thống đang bận"
TRY_AGAIN = "Hãy đợi khoảng mười giây rồi thử lại"

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's locking (PostgreSQL locks rows)"
)

TWO_CONFIRMS = """
import json, threading
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE batch (confirmed integer)")
    cursor.execute("INSERT INTO batch VALUES (0)")
connection.close()

have_read = [threading.Event(), threading.Event()]
failures = []


def confirm(me, other):
    # Each reads the batch, then writes it once the other has read it too (if it can).
    try:
        if me == 1:
            have_read[0].wait(5)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT confirmed FROM batch")
            (confirmed,) = cursor.fetchone()
            have_read[me].set()
            have_read[other].wait(1)
            cursor.execute("UPDATE batch SET confirmed = %s", [confirmed + 1])
    except Exception as error:
        failures.append(str(error))
    finally:
        connection.close()


threads = [threading.Thread(target=confirm, args=(me, 1 - me)) for me in (0, 1)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT confirmed FROM batch")
    print(json.dumps({"failures": failures, "confirmed": cursor.fetchone()[0]}))
"""

HELD_LOCK = """
import json, sqlite3
import django
django.setup()
from django.db import OperationalError, connection, transaction
from django.test import RequestFactory
from core import errors

holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
holder.execute("BEGIN IMMEDIATE")  # another worker's write, not finished
connection.settings_dict["OPTIONS"]["timeout"] = 0.1  # not 20 s of waiting in a test
try:
    with transaction.atomic():
        pass
except OperationalError as error:
    response = errors.server_error(RequestFactory().post("/xac-nhan/"))
    print(json.dumps({
        "error": str(error),
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "page": response.content.decode(),
    }))
"""


def in_fresh_interpreter(code, tmp_path):
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@sqlite_only
def test_two_simultaneous_confirms_wait_for_each_other_and_both_are_written(tmp_path):
    outcome = in_fresh_interpreter(TWO_CONFIRMS, tmp_path)

    # Deferred transactions: one fails with "database is locked", one confirm is lost.
    assert outcome == {"failures": [], "confirmed": 2}


@sqlite_only
def test_a_lock_held_past_the_busy_timeout_gets_the_try_again_page(tmp_path):
    outcome = in_fresh_interpreter(HELD_LOCK, tmp_path)

    assert outcome["error"] == "database is locked"
    assert (outcome["status"], outcome["retry_after"]) == (503, "10")
    assert BUSY in outcome["page"] and TRY_AGAIN in outcome["page"]
    assert "OperationalError" not in outcome["page"]


@pytest.fixture
def batch(before_the_reform, decision, office_user):
    header = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]
    row = [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Vược"]
    batch, _plan = service.preview(
        "annex", upload(workbook_bytes([header, row])), decision, office_user
    )
    return batch


def confirm_failing_with(message, batch, office_user, monkeypatch):
    def failing(*args, **kwargs):
        raise OperationalError(message)

    monkeypatch.setattr(service, "apply", failing)
    client = Client(raise_request_exception=False)
    client.force_login(office_user)
    return client.post(reverse("reports:import_preview", args=[batch.pk]), {"action": "confirm"})


def test_a_confirm_that_finds_the_database_locked_says_try_again(batch, office_user, monkeypatch):
    response = confirm_failing_with("database is locked", batch, office_user, monkeypatch)

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert BUSY in page and TRY_AGAIN in page
    assert "OperationalError" not in page and "database is locked" not in page
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_any_other_database_error_is_still_a_500(batch, office_user, monkeypatch):
    response = confirm_failing_with("disk I/O error", batch, office_user, monkeypatch)

    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.content.decode()
    assert BUSY not in response.content.decode()
