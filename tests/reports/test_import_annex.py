"""Importing a decision's annex as the office really types it: preview, confirm, repeat."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from assignments.models import Agency, Assignment, Decision, Leader
from reports.excel.annex import annex_workbook
from reports.imports import service
from reports.models import ImportBatch

from .import_workbooks import (
    TODAY,
    active_assignment,
    annex_rows_for,
    nfd,
    save,
    upload,
    workbook_bytes,
)

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]


def in_district(district, n):
    return list(
        Assignment.objects.active()
        .filter(commune__district__name=district)
        .select_related("leader__agency", "commune", "working_group")
        .order_by("commune__sort_name")[:n]
    )


@pytest.fixture
def messy(decision):
    """One workbook with every variation the office produces, and the assignments it names."""
    kept, replaced = in_district("Huyện Bắc Hà", 2)
    ban_vuoc = active_assignment("Bản Vược")
    # Bản Vược's leader was transferred: the annex gives it a new one (a create).
    ban_vuoc.ended_on, ban_vuoc.end_reason = ban_vuoc.started_on, "transferred"
    ban_vuoc.save()
    van_hoa = active_assignment("Vạn Hòa")
    tall = next(a for a in in_district("Thành phố Lào Cai", 3) if a.commune.name != "Vạn Hòa")
    rows = [
        ["UBND TỈNH LÀO CAI"],
        ["PHỤ LỤC"],
        ["(Kèm theo Quyết định số 1599/QĐ-UBND của UBND tỉnh Lào Cai)"],
        # Shuffled columns, no diacritics.
        ["Xa duoc phan cong", "STT", "Co quan, don vi", "Ho va ten", "Chuc vu"],
        ["I. HUYỆN BẮC HÀ"],  # merged over A5:E5
        [kept.commune.name, 1, kept.leader.agency.name, f"Đ/c {kept.leader.full_name}",
         kept.leader.position],
        [replaced.commune.name.upper(), 2, "Sở Tài chính",
         "Giám đốc Sở Tài chính – Nguyễn Văn Ánh", None],
        [],
        [None, "II", "Huyện Bát Xát"],
        [nfd("xã  Bản  Vược"), 3, ban_vuoc.leader.agency.short_name, "Bà Trần Thị Bình",
         "Phó Giám đốc"],
        [None, None, "THÀNH PHỐ LÀO CAI"],
        ["Vạn Hoà", 4, van_hoa.leader.agency.name, "Lê Văn Cường, Phó Giám đốc", None],
        # A tall row: every cell merged over rows 13–14.
        [f"Xã {tall.commune.name}", 5, tall.leader.agency.name,
         f"ĐỒNG CHÍ {tall.leader.full_name.upper()}", tall.leader.position],
        [],
        ["Tổng cộng", None, None, "5 xã"],
    ]  # fmt: skip
    merges = ["A5:E5", *(f"{c}13:{c}14" for c in "ABCDE")]
    data = workbook_bytes(rows, merges)
    return data, {
        "kept": kept,
        "replaced": replaced,
        "ban_vuoc": ban_vuoc,
        "van_hoa": van_hoa,
        "tall": tall,
    }


def by_row(plan):
    return {row.row: row for row in plan.rows}


def test_messy_annex_preview_classifies_every_row(messy, decision, office_user):
    data, _named = messy
    batch, plan = service.preview("annex", upload(data), decision, office_user)
    rows = by_row(plan)
    assert (plan.created, plan.updated, plan.unchanged, plan.errors) == (1, 2, 2, 0)
    assert sorted(rows) == [6, 7, 10, 12, 13]
    assert rows[6].action == "unchanged"
    assert rows[7].action == "update"
    assert (rows[7].leader, rows[7].position) == ("Nguyễn Văn Ánh", "Giám đốc")
    assert rows[10].action == "create"
    assert (rows[10].commune, rows[10].leader) == ("Bản Vược", "Trần Thị Bình")
    assert rows[12].commune == "Vạn Hòa"
    assert (rows[12].leader, rows[12].position) == ("Lê Văn Cường", "Phó Giám đốc")
    assert rows[13].action == "unchanged"
    assert batch.status == "previewed"
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (1, 2, 2)


def test_uploading_writes_no_domain_row_before_confirm(messy, office_client):
    data, _named = messy
    counts = (Assignment.objects.count(), Leader.objects.count(), Agency.objects.count())
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    response = office_client.post(
        reverse("reports:import_annex"), {"decision": decision.pk, "file": upload(data)}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:import_preview", args=[batch.pk])
    assert (Assignment.objects.count(), Leader.objects.count(), Agency.objects.count()) == counts
    page = office_client.get(response["Location"]).content.decode()
    assert "Nguyễn Văn Ánh" in page and "Thêm mới" in page and "Cập nhật" in page
    assert "disabled" not in page.split('value="confirm"')[1].split(">")[0]


def test_confirm_writes_the_rows_with_history_and_the_same_file_twice_changes_nothing(
    messy, decision, office_client, office_user, before_the_reform
):
    today = before_the_reform
    data, named = messy
    office_client.post(
        reverse("reports:import_annex"), {"decision": decision.pk, "file": upload(data)}
    )
    batch = ImportBatch.objects.get()
    url = reverse("reports:import_preview", args=[batch.pk])
    response = office_client.post(url, {"action": "confirm"}, follow=True)
    assert "Đã nhập: 1 thêm mới, 2 cập nhật, 2 không đổi." in response.content.decode()

    batch.refresh_from_db()
    assert (batch.status, batch.applied_by, batch.stored_file.name) == ("applied", office_user, "")
    ban_vuoc = Assignment.objects.active().get(commune=named["ban_vuoc"].commune)
    assert ban_vuoc.leader.full_name == "Trần Thị Bình"
    assert ban_vuoc.leader.agency == named["ban_vuoc"].leader.agency
    old = Assignment.objects.get(pk=named["replaced"].pk)
    # No amending decision was named: the end says so instead of "amended by decision".
    assert (old.end_reason, old.successor.leader.full_name) == ("other", "Nguyễn Văn Ánh")
    assert old.end_note == (
        f"Thay theo phụ lục của Quyết định 1599/QĐ-UBND nhập từ tệp Excel “phu-luc.xlsx” "
        f"(lần nhập #{batch.pk}); không có quyết định sửa đổi."
    )
    assert (old.ended_on, old.successor.started_on) == (today - datetime.timedelta(days=1), today)
    assert old.successor.leader.agency.name == "Sở Tài chính"
    assert old.successor.working_group.agency.name == "Sở Tài chính"
    assert Assignment.objects.get(pk=named["kept"].pk).ended_on is None
    records = Assignment.history.filter(history_change_reason__contains=f"#{batch.pk}")
    assert records.count() == 1 + 2 * 2  # a create; per update: the successor, the old one
    assert set(records.values_list("history_user", flat=True)) == {office_user.pk}

    counts = (Assignment.objects.count(), Assignment.history.count(), Leader.objects.count())
    again, plan = service.preview("annex", upload(data), decision, office_user)
    assert (plan.created, plan.updated, plan.unchanged, plan.errors) == (0, 0, 5, 0)
    office_client.post(reverse("reports:import_preview", args=[again.pk]), {"action": "confirm"})
    assert (Assignment.objects.count(), Assignment.history.count(), Leader.objects.count()) == (
        counts
    )
    # Confirming an applied batch again does nothing.
    response = office_client.post(url, {"action": "confirm"}, follow=True)
    assert "đã được ghi trước đó" in response.content.decode()
    assert Assignment.history.count() == counts[1]


def test_one_bad_row_among_127_writes_nothing_and_names_the_row(decision, office_user):
    latest = {}
    for assignment in (
        Assignment.objects.filter(decision=decision)
        .select_related("leader__agency", "commune__district")
        .order_by("commune__district__code", "commune__sort_name", "started_on")
    ):
        latest[assignment.commune_id] = assignment
    rows = annex_rows_for(latest.values())
    bad = next(i for i, row in enumerate(rows, start=1) if row[-1] == "Bản Vược")
    rows[bad - 1][-1] = "Xã Bản Vượng"
    assert sum(1 for row in rows if isinstance(row[0], int)) == 127
    before = (Assignment.objects.count(), Assignment.history.count(), Leader.objects.count())

    batch, plan = service.preview("annex", upload(workbook_bytes(rows)), decision, office_user)
    assert (plan.errors, plan.unchanged, plan.error_rows) == (1, 126, [bad])
    error = next(row for row in plan.rows if row.action == "error").errors[0]
    assert f"Dòng {bad}" in error and "Bản Vượng" in error
    assert "Bản Vược (Huyện Bát Xát)" in error
    with pytest.raises(service.ImportRefused, match=f"dòng {bad}"):
        service.apply(batch, office_user)
    assert (Assignment.objects.count(), Assignment.history.count(), Leader.objects.count()) == (
        before
    )
    batch.refresh_from_db()
    assert batch.status == "previewed"


def test_the_annex_export_imports_back_unchanged(decision, office_user):
    workbook = annex_workbook(decision, Assignment.objects.all(), TODAY)
    _batch, plan = service.preview("annex", upload(save(workbook)), decision, office_user)
    assert (plan.unchanged, plan.created, plan.updated, plan.errors) == (126, 0, 0, 0)


def test_a_leader_merged_over_two_rows_takes_both_communes(decision, office_user):
    header = ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Xã"]
    rows = [
        header,
        ["I. HUYỆN SI MA CAI"],
        [1, "Hoàng Văn Dũng", "Phó Chánh Văn phòng", "Văn phòng UBND tỉnh", "Bản Mế"],
        [2, None, None, None, "Cán Cấu"],
    ]
    data = workbook_bytes(rows, ["A2:E2", "B3:B4", "C3:C4", "D3:D4"])
    _batch, plan = service.preview("annex", upload(data), decision, office_user)
    assert [(r.row, r.commune, r.leader, r.action) for r in plan.rows] == [
        (3, "Bản Mế", "Hoàng Văn Dũng", "update"),
        (4, "Cán Cấu", "Hoàng Văn Dũng", "update"),
    ]


def test_a_new_position_ends_the_assignment_and_starts_its_successor(decision, office_user):
    current = active_assignment("Y Tý")
    leader = current.leader
    new = "Giám đốc" if leader.position != "Giám đốc" else "Phó Giám đốc"
    row = [1, leader.full_name, new, leader.agency.name, "Y Tý"]
    data = workbook_bytes([["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"], row])
    batch, plan = service.preview("annex", upload(data), decision, office_user)
    assert [(r.action, r.notes) for r in plan.rows] == [
        ("update", [f"chức vụ: {leader.position} → {new}"])
    ]
    service.apply(batch, office_user)
    current.refresh_from_db()
    leader.refresh_from_db()
    assert (current.end_reason, current.successor.leader, leader.position) == (
        "other", leader, new
    )  # fmt: skip
    assert current.successor.working_group == current.working_group


def test_thanh_binh_without_a_district_is_an_error_listing_both(decision, office_user):
    header = ["STT", "Họ tên", "Chức vụ", "Cơ quan", "Xã"]
    row = [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Thanh Bình"]
    _batch, plan = service.preview("annex", upload(workbook_bytes([header, row])), decision, None)
    (only,) = plan.rows
    assert only.action == "error"
    assert "Thanh Bình (Huyện Mường Khương)" in only.errors[0]
    assert "Thanh Bình (Thị xã Sa Pa)" in only.errors[0]

    rows = [header, ["II", "HUYỆN MƯỜNG KHƯƠNG"], row]
    _batch, plan = service.preview("annex", upload(workbook_bytes(rows)), decision, None)
    (only,) = plan.rows
    assert (only.action, only.district) == ("update", "Huyện Mường Khương")


def test_a_district_column_decides_as_well_as_group_rows(decision, office_user):
    header = ["Huyện", "Lãnh đạo", "Chức danh", "Đơn vị", "Xã giúp đỡ"]
    row = ["Sa Pa", "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "xã thanh bình"]
    _batch, plan = service.preview("annex", upload(workbook_bytes([header, row])), decision, None)
    assert [(r.action, r.district) for r in plan.rows] == [("update", "Thị xã Sa Pa")]


def test_cancel_drops_the_batch_and_deletes_its_file(
    messy, decision, office_client, office_user, django_capture_on_commit_callbacks
):
    data, _named = messy
    batch, _plan = service.preview("annex", upload(data), decision, office_user)
    stored = Path(batch.stored_file.path)
    assert stored.read_bytes() == data
    with django_capture_on_commit_callbacks(execute=True):
        office_client.post(reverse("reports:import_preview", args=[batch.pk]), {"action": "cancel"})
    batch.refresh_from_db()
    assert (batch.status, batch.stored_file.name) == ("cancelled", "")
    assert not stored.exists()
    with pytest.raises(service.ImportRefused):
        service.apply(batch, office_user)
