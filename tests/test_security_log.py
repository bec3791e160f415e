"""The security log: one line per event, with the user, the IP, the object and
the request id, and never a password."""

import io
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assignments.models import Decision, Support
from assignments.services import reform
from reports.models import ImportBatch

from .reports.import_workbooks import upload

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"
REQUEST_ID = "req-0123456789"


@pytest.fixture
def security(caplog):
    """The security log's records as dicts ({"event": …, "user": …}), in order."""
    logger = logging.getLogger("ntm.security")
    logger.addHandler(caplog.handler)  # the logger does not propagate to the root
    yield lambda: [record.security for record in caplog.records if record.name == logger.name]
    logger.removeHandler(caplog.handler)


def browser(user=None):
    client = Client(REMOTE_ADDR=IP, HTTP_X_REQUEST_ID=REQUEST_ID)
    if user is not None:
        client.force_login(user)
    return client


def only(records, event):
    found = [record for record in records if record["event"] == event]
    assert len(found) == 1, records
    return found[0]


def test_a_login_is_logged_with_user_ip_and_request_id(security, office_user):
    browser().post(reverse("login"), {"username": "vanphong", "password": "vanphong-demo-2025"})

    record = only(security(), "login")
    assert (record["user"], record["user_id"]) == ("vanphong", office_user.pk)
    assert (record["ip"], record["request_id"]) == (IP, REQUEST_ID)
    assert record["path"] == reverse("login")


def test_a_logout_is_logged(security, office_user):
    browser(office_user).post(reverse("logout"))

    record = only(security(), "logout")
    assert (record["user"], record["user_id"], record["ip"]) == ("vanphong", office_user.pk, IP)
    assert record["request_id"] == REQUEST_ID


def test_a_failed_login_logs_the_username_but_never_the_password(security, caplog):
    typed = "Mat-khau-Bi-Mat-42!"
    caplog.set_level(logging.DEBUG)

    browser().post(reverse("login"), {"username": "vanphong", "password": typed})

    record = only(security(), "login_failed")
    assert (record["user"], record["user_id"], record["ip"]) == ("vanphong", None, IP)
    assert record["request_id"] == REQUEST_ID
    # Nowhere in any log line, axes' own included.
    assert typed not in caplog.text
    assert all(typed not in str(r.__dict__) for r in caplog.records)


def test_a_lockout_is_logged(security, settings):
    client = browser()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "thanhvien_a", "password": f"sai-{attempt}"})

    record = only(security(), "lockout")
    assert (record["user"], record["ip"], record["request_id"]) == ("thanhvien_a", IP, REQUEST_ID)
    assert len([r for r in security() if r["event"] == "login_failed"]) == 5


def test_an_unlock_by_the_office_is_logged(security, office_user, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        browser().post(reverse("login"), {"username": "thanhvien_a", "password": f"sai-{attempt}"})

    browser(office_user).post(reverse("unlock"), {"username": "thanhvien_a", "ip_address": IP})

    record = only(security(), "unlock")
    assert (record["user"], record["user_id"], record["ip"]) == ("vanphong", office_user.pk, IP)
    assert (record["unlocked_user"], record["unlocked_ip"]) == ("thanhvien_a", IP)
    assert record["object"] == f"axes.AccessAttempt thanhvien_a@{IP}"
    assert record["request_id"] == REQUEST_ID


def test_a_refused_page_is_logged(security, member_a_user):
    response = browser(member_a_user).get(reverse("reports:import_index"))

    assert response.status_code == 403
    record = only(security(), "access_denied")
    assert (record["user"], record["user_id"]) == ("thanhvien_a", member_a_user.pk)
    assert (record["path"], record["ip"], record["request_id"]) == (
        reverse("reports:import_index"),
        IP,
        REQUEST_ID,
    )


def test_an_export_is_logged_with_its_file(security, reader_user):
    response = browser(reader_user).get(reverse("reports:export_visits"))

    assert response.status_code == 200
    record = only(security(), "export")
    assert record["file"].startswith("chuyen-cong-tac-") and record["file"].endswith(".xlsx")
    assert (record["user"], record["ip"], record["request_id"]) == ("nguoixem", IP, REQUEST_ID)


def test_a_list_export_is_logged(security, reader_user):
    response = browser(reader_user).get(reverse("reports:commune_list"), {"export": "xlsx"})

    assert response.status_code == 200
    record = only(security(), "export")
    assert record["file"].endswith(".xlsx")
    assert record["path"] == reverse("reports:commune_list")


def test_a_refused_export_request_logs_no_export(security, reader_user):
    response = browser(reader_user).get(
        reverse("reports:export_periodic"), {"period": "nonsense"}, follow=True
    )

    assert response.redirect_chain[0][1] == 302 and response.status_code == 200
    assert not [r for r in security() if r["event"] == "export"]


def test_a_reports_page_logs_no_export_and_its_download_logs_one(security, reader_user):
    client = browser(reader_user)

    assert client.get(reverse("reports:report_annex")).status_code == 200
    assert not [r for r in security() if r["event"] == "export"]
    assert client.get(reverse("reports:export_annex")).status_code == 200
    record = only(security(), "export")
    assert record["file"].startswith("phan-cong-15-")  # the latest decision (the demo's 2026)
    assert record["path"] == reverse("reports:export_annex")


def test_an_import_preview_apply_and_cancel_are_logged(security, office_user):
    office = browser(office_user)
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    # The pairs the demo leaves on old Si Ma Cai's xã would be refused by an annex read
    # on today's map (their units ceased): carried over first, as the office would.
    plan = reform.plan_carry_over(decision)
    reform.carry_over(plan, choices=[target.moves[0] for target in plan.choice_targets()])
    annex = office.get(reverse("reports:export_annex"), {"decision": decision.pk})
    data = b"".join(annex.streaming_content)

    for _ in range(2):
        office.post(
            reverse("reports:import_annex"),
            {"decision": decision.pk, "file": upload(data, "phu-luc-1599.xlsx")},
        )
    first, second = ImportBatch.objects.order_by("pk")
    office.post(reverse("reports:import_preview", args=[first.pk]), {"action": "confirm"})
    office.post(reverse("reports:import_preview", args=[second.pk]), {"action": "cancel"})

    records = security()
    previews = [r for r in records if r["event"] == "import_preview"]
    assert [r["batch"] for r in previews] == [first.pk, second.pk]
    assert previews[0]["file"] == "phu-luc-1599.xlsx"
    assert previews[0]["unchanged"] == first.unchanged_count > 0
    applied = only(records, "import_apply")
    assert (applied["batch"], applied["status"]) == (first.pk, "applied")
    assert applied["object"].startswith(f"reports.ImportBatch#{first.pk} ")
    cancelled = only(records, "import_cancel")
    assert (cancelled["batch"], cancelled["status"]) == (second.pk, "cancelled")
    for record in [*previews, applied, cancelled]:
        assert (record["user"], record["ip"], record["request_id"]) == ("vanphong", IP, REQUEST_ID)


def test_a_deletion_by_a_person_is_logged_once_committed(
    security, office_user, django_capture_on_commit_callbacks
):
    support = Support.objects.select_related("visit__assignment__commune").first()
    url = reverse("admin:assignments_support_delete", args=[support.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = browser(office_user).post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Support.objects.filter(pk=support.pk).exists()
    record = only(security(), "delete")
    assert record["object"].startswith(f"assignments.Support#{support.pk} ")
    assert (record["user"], record["user_id"]) == ("vanphong", office_user.pk)
    assert (record["ip"], record["request_id"]) == (IP, REQUEST_ID)


def test_removing_the_demo_data_logs_one_summary_line(security):
    call_command("remove_demo_data", stdout=io.StringIO())

    records = security()
    assert [r["event"] for r in records] == ["bulk_delete"]
    assert records[0]["object"] == "remove_demo_data" and records[0]["rows"] > 100


def test_the_line_is_key_value_text_with_quoted_values(security, caplog):
    browser().post(reverse("login"), {"username": 'x" y\nevent=login', "password": "p"})

    line = next(r.getMessage() for r in caplog.records if r.name == "ntm.security")
    assert line.startswith("event=login_failed user=")
    assert '"x\\" y\\nevent=login"' in line
    assert "\n" not in line
