"""The criteria matrix round trip: export, edit three cells in Excel, import."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from assignments.models import Assignment, Decision
from communes import scores
from communes.models import Assessment, Commune
from reports.imports import service
from reports.imports.matrix import criterion_number, met_value
from reports.models import ImportBatch

from .import_workbooks import edited, matrix_bytes, matrix_cells, upload, workbook_bytes

pytestmark = pytest.mark.django_db
YEAR = 2025


def assessments(year=YEAR):
    return {
        (a.commune.code, a.criterion.number): (a.met, a.is_demo)
        for a in Assessment.objects.filter(year=year).select_related("commune", "criterion")
    }


@pytest.fixture
def exported():
    return matrix_bytes(YEAR)


def three_changes(exported):
    """Two unmet cells become met (typed "x" and "đạt"), one met cell is emptied."""
    cells = matrix_cells(exported)
    before = assessments()
    unmet = [key for key, (met, _demo) in sorted(before.items()) if not met]
    met = [key for key, (m, _demo) in sorted(before.items()) if m]
    picks = {unmet[0]: "x", unmet[-1]: "đạt", met[5]: None}
    return {key: (cells[key], value) for key, value in picks.items()}


def test_round_trip_changes_exactly_the_three_edited_assessments(exported, office_user):
    picks = three_changes(exported)
    before = assessments()
    data = edited(exported, dict(picks.values()))
    batch, plan = service.preview("matrix", upload(data, "tieu-chi-2025.xlsx"), YEAR, office_user)
    assert (plan.created, plan.updated, plan.errors) == (0, 3, 0)
    assert plan.unchanged == len(matrix_cells(exported)) - 3  # every other cell of the file
    assert {(row.column, row.old, row.new) for row in plan.rows} == {
        (cell, before[key][0], value is not None) for key, (cell, value) in picks.items()
    }

    service.apply(batch, office_user)
    after = assessments()
    changed = {key for key in before if before[key] != after[key]}
    assert changed == set(picks)
    assert set(after) == set(before)
    for key, (_cell, value) in picks.items():
        assert after[key] == (value is not None, before[key][1])  # is_demo kept
    records = Assessment.history.filter(history_change_reason__contains=f"#{batch.pk}")
    assert records.count() == 3
    assert scores.drift() == (0, 0)  # the communes' yearly scores follow the bulk writes
    assert set(records.values_list("history_user", flat=True)) == {office_user.pk}


def test_the_unedited_export_imports_as_all_unchanged(exported, office_user):
    batch, plan = service.preview("matrix", upload(exported), YEAR, office_user)
    assert (plan.created, plan.updated, plan.errors, plan.rows) == (0, 0, 0, [])
    history = Assessment.history.count()
    service.apply(batch, office_user)
    assert Assessment.history.count() == history


def test_a_met_cell_for_an_unassessed_commune_creates_a_real_assessment(exported, office_user):
    assessed = {code for code, _n in assessments()}
    cells = matrix_cells(exported)
    # The old Yên Bái's xã: in the programme, none assessed in the demo.
    unassessed = (
        Commune.objects.in_programme().exclude(code__in=assessed).filter(valid_to__year=YEAR)
    )
    commune = unassessed.filter(code__in={code for code, _n in cells}).order_by("code").first()
    code = commune.code
    data = edited(exported, {cells[(code, 4)]: "✓", cells[(code, 5)]: "Chưa đạt"})
    batch, plan = service.preview("matrix", upload(data), YEAR, office_user)
    assert [(row.action, row.commune) for row in plan.rows] == [("create", commune.name)]
    service.apply(batch, office_user)
    created = Assessment.objects.get(commune__code=code, year=YEAR)
    assert (created.criterion.number, created.met, created.is_demo) == (4, True, False)


def test_an_unknown_cell_value_is_an_error_naming_row_and_column(exported, office_user):
    cells = matrix_cells(exported)
    cell = cells[next(iter(cells))]
    batch, plan = service.preview(
        "matrix", upload(edited(exported, {cell: "đạt 1 phần"})), YEAR, office_user
    )
    (error,) = [row for row in plan.rows if row.action == "error"]
    assert f"ô {cell}" in error.errors[0] and "đạt 1 phần" in error.errors[0]
    history = Assessment.history.count()
    with pytest.raises(service.ImportRefused):
        service.apply(batch, office_user)
    assert Assessment.history.count() == history


def test_shuffled_criterion_columns_and_spellings_are_understood(office_user):
    commune = Commune.objects.in_programme().get(name="Bản Vược")
    old = {a.criterion.number: a.met for a in commune.assessments.filter(year=YEAR)}
    rows = [
        ["Tieu chi 2025"],
        ["STT", "Tên xã", "tc 3", "Mã xã", "Tiêu chí 1", "TC2"],
        [1, "Ban Vuoc", None, commune.code, "X", "-"],
        [None, None, None, None, "Tổng cộng", None],
    ]
    _batch, plan = service.preview("matrix", upload(workbook_bytes(rows)), YEAR, office_user)
    # The typed name must be the code's commune; without accents it is not.
    assert plan.errors == 1 and "Bản Vược" in plan.rows[0].errors[0]
    rows[2][1] = "xã BẢN VƯỢC"
    _batch, plan = service.preview("matrix", upload(workbook_bytes(rows)), YEAR, office_user)
    expected = {1: True, 2: False, 3: False}
    assert {row.criterion.split(".")[0]: row.new for row in plan.rows} == {
        f"TC{n}": met for n, met in expected.items() if old.get(n) != met
    }
    assert plan.errors == 0


def test_a_matrix_of_another_year_is_refused(exported, office_user):
    with pytest.raises(service.ImportFileError, match="năm 2025.*không phải năm 2024"):
        service.preview("matrix", upload(exported), 2024, office_user)
    assert ImportBatch.objects.get().status == "failed"


@pytest.mark.parametrize(
    "value, expected",
    [("Đạt", True), ("đạt", True), ("x", True), ("X", True), ("1", True), (1, True),
     ("✓", True), (None, False), ("Chưa đạt", False), ("0", False), ("-", False),
     ("có lẽ", None), (2, None)],
)  # fmt: skip
def test_met_values(value, expected):
    assert met_value(value) == expected


@pytest.mark.parametrize("header", ["TC5", "TC 5", "tc5", "Tiêu chí 5", "TIEU CHI 5"])
def test_criterion_headers(header):
    assert criterion_number(header) == 5


def test_matrix_template_lists_the_years_communes_with_empty_cells(office_client):
    response = office_client.get(
        reverse("reports:import_template", args=["tieu-chi"]), {"year": 2025}
    )
    assert response["Content-Disposition"] == 'attachment; filename="mau-tieu-chi-2025.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.title == "Tieu chi 2025"
    assert [sheet.cell(6, c).value for c in (1, 2, 3, 4, 22, 23)] == [
        "STT", "Mã xã", "Tên xã", "TC1", "TC19", "Số tiêu chí đạt",
    ]  # fmt: skip
    codes = [row[1] for row in sheet.iter_rows(min_row=8, values_only=True)
             if isinstance(row[1], str) and row[1].isdigit()]  # fmt: skip
    # The old Lào Cai's 126 xã and the old Yên Bái's 146: Tà Chải ended in 2024.
    assert len(codes) == 126 + 146 and "02872" not in codes
    assert set(codes) == set(
        Commune.objects.in_programme().filter(valid_to__year=YEAR).values_list("code", flat=True)
    )
    assert sheet.freeze_panes == "D8" and sheet.print_title_rows == "$6:$7"
    assert sheet.page_setup.orientation == "landscape"
    filled = [value for row in sheet.iter_rows(min_row=8, values_only=True)
              if isinstance(row[1], str) and row[1].isdigit()
              for value in row[3:] if value is not None]  # fmt: skip
    assert filled == []


def test_the_command_previews_with_dry_run_then_applies(exported, tmp_path, office_user):
    cells = matrix_cells(exported)
    key = next(key for key, (met, _demo) in sorted(assessments().items()) if not met)
    path = tmp_path / "tieu-chi.xlsx"
    path.write_bytes(edited(exported, {cells[key]: "Đạt"}))
    before = assessments()

    out = io.StringIO()
    call_command("import_excel", "matrix", str(path), "--year", "2025", "--dry-run", stdout=out)
    assert f"CẬP NHẬT    {cells[key]} " in out.getvalue() and "Chưa đạt → Đạt" in out.getvalue()
    assert "không ghi gì" in out.getvalue()
    assert f"Đọc {len({code for code, _n in cells})} dòng xã." in out.getvalue()
    assert assessments() == before

    out = io.StringIO()
    call_command("import_excel", "matrix", str(path), "--year", "2025", "--user", "vanphong",
                 stdout=out)  # fmt: skip
    assert "0 thêm mới, 1 cập nhật" in out.getvalue()
    assert assessments()[key] == (True, before[key][1])
    batch = ImportBatch.objects.get(status="applied")
    assert (batch.uploaded_by, batch.applied_by, batch.file_name) == (
        office_user, office_user, "tieu-chi.xlsx"
    )  # fmt: skip


def test_the_command_refuses_a_file_with_errors(tmp_path):
    path = tmp_path / "phu-luc.xlsx"
    row = ["Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Thanh Bình"]
    path.write_bytes(workbook_bytes([["Họ tên", "Chức vụ", "Cơ quan", "Xã"], row]))
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    history = Assignment.history.count()
    with pytest.raises(CommandError, match="dòng 2"):
        call_command("import_excel", "annex", str(path), "--decision", str(decision.pk),
                     stdout=io.StringIO())  # fmt: skip
    assert Assignment.history.count() == history
    assert ImportBatch.objects.get().status == "cancelled"


def test_the_preview_page_lists_each_changed_cell_old_and_new(exported, office_client):
    picks = three_changes(exported)
    data = edited(exported, dict(picks.values()))
    response = office_client.post(
        reverse("reports:import_matrix"), {"year": YEAR, "file": upload(data)}, follow=True
    )
    page = response.content.decode()
    for cell, _value in picks.values():
        assert f"<td>{cell}</td>" in page
    assert page.count('<span class="badge update">Cập nhật</span>') == 3
    # Every other cell of the file is unchanged: counted, not listed.
    unchanged = len(matrix_cells(exported)) - 3
    assert f'<span class="figure">{unchanged}</span>' in page, page[page.index("cards") :][:600]
