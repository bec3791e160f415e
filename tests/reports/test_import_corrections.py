"""Corrections after an import: a later file that names a commune's leader with another
position or agency updates that leader (no second leader of the same name), the admin
edits assignments, and the change history ("Lịch sử thay đổi") says where each change
came from, as the office reads it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from assignments.history.registry import history_url
from assignments.models import Agency, Assignment, Leader
from reports.imports import service, terms
from reports.models import ImportBatch
from tests.support.clock import DEMO_DAY

from .import_workbooks import active_assignment, upload, workbook_bytes

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Xã"]
EFFECTIVE = datetime.date(2025, 5, 5)


@pytest.fixture
def later():
    """The clock the day after the demo data's: history entries are read newest first, and
    the demo data's own entries are dated on its day (whatever the real date is)."""
    moment = datetime.datetime.combine(
        DEMO_DAY + datetime.timedelta(days=1), datetime.time(9), ZoneInfo("Asia/Ho_Chi_Minh")
    )
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture
def y_ty():
    return active_assignment("Y Tý")


@pytest.fixture
def other_agency(y_ty):
    """A known agency with no leader of Y Tý's leader's name."""
    name = y_ty.leader.full_name
    return Agency.objects.exclude(pk=y_ty.leader.agency_id).exclude(leaders__full_name=name)[0]


def preview(rows, decision):
    """The preview of an annex whose pairs take effect before 01/07/2025, as those of the
    2021–2025 decision did (the clock may be later: the history reads newest first)."""
    data = workbook_bytes([HEADER, *rows])
    agreed = terms.resolve(decision, effective_on=EFFECTIVE)
    return service.preview(
        "annex", upload(data, "sua-phu-luc.xlsx"), decision, None, annex_terms=agreed
    )


def confirm(client, batch):
    url = reverse("reports:import_preview", args=[batch.pk])
    return client.post(url, {"action": "confirm"}, follow=True).content.decode()


def history_page(client, obj):
    response = client.get(history_url(obj))
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_position_is_an_update_of_the_leader_and_the_history_names_the_import(
    later, decision, y_ty, office_client
):
    leader = y_ty.leader
    new = "Giám đốc" if leader.position != "Giám đốc" else "Phó Giám đốc"
    leaders = Leader.objects.count()
    batch, plan = preview([[1, leader.full_name, new, leader.agency.name, "Y Tý"]], decision)
    (row,) = plan.rows
    assert (row.action, row.leader, row.position) == ("update", leader.full_name, new)
    assert f"chức vụ: {leader.position} → {new}" in row.notes

    assert "1 cập nhật" in confirm(office_client, batch)
    leader.refresh_from_db()
    assert (leader.position, Leader.objects.count()) == (new, leaders)
    y_ty.refresh_from_db()
    assert y_ty.successor.leader == leader
    source = f"Nhập từ tệp “sua-phu-luc.xlsx” (lần nhập #{batch.pk})"
    page = history_page(office_client, y_ty)
    assert source in page
    assert f"(lần nhập #{batch.pk}); không có quyết định sửa đổi." in page  # the end note
    assert source in history_page(office_client, y_ty.successor)


def test_another_known_agency_moves_the_same_leader_instead_of_making_a_second_one(
    later, decision, y_ty, other_agency, office_client
):
    leader, old_agency = y_ty.leader, y_ty.leader.agency
    leaders = Leader.objects.count()
    row = [1, leader.full_name, leader.position, other_agency.name, "Y Tý"]
    batch, plan = preview([row], decision)
    (planned,) = plan.rows
    assert (planned.action, planned.leader, planned.agency) == (
        "update", leader.full_name, other_agency.name
    )  # fmt: skip
    assert planned.notes == [f"cơ quan của lãnh đạo: {old_agency.name} → {other_agency.name}"]

    confirm(office_client, batch)
    leader.refresh_from_db()
    assert (leader.agency, Leader.objects.count()) == (other_agency, leaders)
    current = Assignment.objects.active().get(commune=y_ty.commune)
    assert current.leader == leader
    assert current.working_group.agency == other_agency  # the group follows the agency
    assert f"(lần nhập #{batch.pk})" in history_page(office_client, current)


def test_a_new_position_and_agency_in_one_row_update_the_same_leader(
    decision, y_ty, other_agency, office_user
):
    leader, old_agency = y_ty.leader, y_ty.leader.agency
    new = "Giám đốc" if leader.position != "Giám đốc" else "Phó Giám đốc"
    leaders = Leader.objects.count()
    batch, plan = preview([[1, leader.full_name, new, other_agency.name, "Y Tý"]], decision)
    (row,) = plan.rows
    assert (row.action, row.position, row.agency) == ("update", new, other_agency.name)
    assert row.notes == [
        f"cơ quan của lãnh đạo: {old_agency.name} → {other_agency.name}",
        f"chức vụ: {leader.position} → {new}",
    ]
    service.apply(batch, office_user)
    leader.refresh_from_db()
    assert (leader.position, leader.agency, Leader.objects.count()) == (new, other_agency, leaders)


def test_a_new_agency_spelling_moves_the_leader_to_that_new_agency(decision, y_ty, office_user):
    leader = y_ty.leader
    leaders = Leader.objects.count()
    row = [1, leader.full_name, leader.position, "Trung tâm Thử Nghiệm Tên Mới", "Y Tý"]
    batch, plan = preview([row], decision)
    assert plan.rows[0].notes == [
        "cơ quan mới",
        f"cơ quan của lãnh đạo: {leader.agency.name} → Trung tâm Thử Nghiệm Tên Mới",
    ]
    service.apply(batch, office_user)
    leader.refresh_from_db()
    assert leader.agency.name == "Trung tâm Thử Nghiệm Tên Mới"
    assert Leader.objects.count() == leaders


def test_a_namesake_in_the_named_agency_is_that_other_leader(decision, y_ty, other_agency):
    namesake = Leader.objects.create(
        full_name=y_ty.leader.full_name, position="Phó Giám đốc", agency=other_agency
    )
    row = [1, namesake.full_name, namesake.position, other_agency.name, "Y Tý"]
    batch, plan = preview([row], decision)
    (planned,) = plan.rows
    assert (planned.action, planned.target["leader"]) == ("update", namesake)
    assert planned.notes == []
    assert planned.previous.startswith(f"{y_ty.leader.full_name}, {y_ty.leader.position} – ")


@pytest.mark.parametrize("moved_first", [True, False])
def test_one_leader_with_two_agencies_in_one_file_is_an_error(
    decision, y_ty, other_agency, moved_first
):
    leader = y_ty.leader
    elsewhere = Assignment.objects.active().exclude(leader=leader).order_by("pk")[0]
    moved = [1, leader.full_name, leader.position, other_agency.name, "Y Tý"]
    kept = [2, leader.full_name, leader.position, leader.agency.name, elsewhere.commune.name]
    rows = [moved, kept] if moved_first else [kept, moved]
    batch, plan = preview(rows, decision)
    second = plan.rows[1]
    assert second.action == "error"
    assert f"lãnh đạo {leader.full_name} ghi cơ quan “" in second.errors[0]
    assert "khác với dòng 2" in second.errors[0]
    with pytest.raises(service.ImportRefused):
        service.apply(batch, None)
    leader.refresh_from_db()
    assert leader.agency == y_ty.leader.agency


def test_an_admin_correction_says_so_in_the_history(later, office_client, y_ty):
    other = Leader.objects.exclude(pk=y_ty.leader_id).order_by("pk")[0]
    response = office_client.post(
        reverse("admin:assignments_assignment_change", args=[y_ty.pk]),
        {
            "decision": y_ty.decision_id,
            "leader": other.pk,
            "commune": y_ty.commune_id,
            "working_group": y_ty.working_group_id or "",
            "started_on": y_ty.started_on.strftime("%d/%m/%Y"),
            "ended_on": "",
            "end_reason": "",
            "end_note": "",
            "successor": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = history_page(office_client, y_ty)
    newest = page[page.index('<li class="history-entry') :]
    newest = newest[: newest.index("</li>\n")]
    assert '<p class="history-reason muted">Sửa trong trang quản trị</p>' in newest
    assert f"<del>{y_ty.leader.full_name}</del> → <ins>{other.full_name}</ins>" in newest
    assert ImportBatch.objects.count() == 0


def test_a_long_file_name_gives_way_to_the_import_number_in_the_history(decision, y_ty):
    name = "phu-luc-" + "rat-dai-" * 20 + ".xlsx"
    row = [1, y_ty.leader.full_name, "Phó Chủ tịch Thử", y_ty.leader.agency.name, "Y Tý"]
    batch, _plan = service.preview(
        "annex",
        upload(workbook_bytes([HEADER, row]), name),
        decision,
        None,
        annex_terms=terms.resolve(decision, effective_on=EFFECTIVE),
    )
    service.apply(batch, None)
    (reason,) = set(
        Assignment.history.filter(history_change_reason__contains=f"#{batch.pk})").values_list(
            "history_change_reason", flat=True
        )
    )
    assert len(reason) == 100
    assert reason.startswith("Nhập từ tệp “phu-luc-rat-dai-")
    assert reason.endswith(f"…” (lần nhập #{batch.pk})")


# --- the leader's own history (Leader tracked by django-simple-history) ---------------


def newest_entry(page):
    entry = page[page.index('<li class="history-entry') :]
    return entry[: entry.index("</li>\n")]


def test_the_leader_history_shows_an_import_correction_where_it_came_from(
    later, decision, y_ty, other_agency, office_client, reader_client
):
    leader, old = y_ty.leader, (y_ty.leader.position, str(y_ty.leader.agency))
    new = "Giám đốc" if leader.position != "Giám đốc" else "Phó Giám đốc"
    batch, _plan = preview([[1, leader.full_name, new, other_agency.name, "Y Tý"]], decision)
    confirm(office_client, batch)

    page = office_client.get(reverse("assignments:leader_detail", args=[leader.pk]))
    assert f'href="{history_url(leader)}"' in page.content.decode()
    for client in (office_client, reader_client):
        entry = newest_entry(history_page(client, leader))
        assert f"Nhập từ tệp “sua-phu-luc.xlsx” (lần nhập #{batch.pk})" in entry
        assert f"Chức vụ</span>: <del>{old[0]}</del> → <ins>{new}</ins>" in entry
        assert (
            f"Cơ quan</span>: <del>{escape(old[1])}</del> → <ins>{escape(other_agency)}</ins>"
            in entry
        )
    assert leader.history.filter(history_change_reason__contains=f"#{batch.pk})").count() == 1


def test_an_admin_edit_of_a_leader_says_so_and_keeps_contacts_out_of_the_history(
    later, y_ty, office_client, reader_client
):
    leader = y_ty.leader
    response = office_client.post(
        reverse("admin:assignments_leader_change", args=[leader.pk]),
        {
            "full_name": leader.full_name,
            "position": "Phó Giám đốc phụ trách",
            "agency": leader.agency_id,
            "phone": "0912 000 111",
            "email": "",
            "user": leader.user_id or "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = newest_entry(history_page(reader_client, leader))
    assert '<p class="history-reason muted">Sửa trong trang quản trị</p>' in entry
    assert "<ins>Phó Giám đốc phụ trách</ins>" in entry
    assert "0912" not in history_page(office_client, leader)
