"""Which rows of a criteria matrix are communes, and what a national-size import writes."""

import io
import math

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from communes.models import Assessment, Commune
from reports.imports import files, matrix, service
from reports.imports.files import ImportFileError, open_workbook
from reports.models import ImportBatch
from reports.views import imports as import_views
from sampledata import scale as scale_data

from .import_workbooks import edited, matrix_bytes, matrix_cells, save, upload, workbook_bytes

pytestmark = pytest.mark.django_db
YEAR = 2025
DISTRICT = "Huyện Si Ma Cai"


def state(year=YEAR):
    rows = Assessment.objects.filter(year=year).values_list(
        "commune__code", "criterion__number", "met"
    )
    return {(code, number): met for code, number, met in rows}


def code_cells(data):
    """{code: cell of its "Mã xã"} of the export `data`."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return {row[1].value: row[1].coordinate for row in sheet.iter_rows(min_row=8) if row[1].value}


def batch_history(batch):
    return Assessment.history.filter(history_change_reason__contains=f"(lần nhập #{batch.pk})")


def si_ma_cai():
    return list(Commune.objects.in_programme().filter(district__name=DISTRICT).order_by("code"))


def test_group_subtotal_total_note_and_column_number_rows_are_not_read_as_communes(office_user):
    first, second = si_ma_cai()[:2]
    rows = [
        ["KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ"],
        ["STT", "Mã xã", "Tên xã", "TC1", "TC2"],
        [1, 2, 3, 4, 5],  # the columns' numbers, as official forms have them
        ["I", None, DISTRICT.upper()],
        [1, first.code, first.name, "Đạt", None],
        [2, int(second.code), second.name, None, "x"],  # Excel made the code a number
        [None, None, f"Cộng {DISTRICT}", 1, 1],
        [None, "Cộng", None, 1, 1],
        [None, None, "Toàn tỉnh", 1, 1],
        ["Ghi chú: mã xã theo danh mục của Tổng cục Thống kê"],
        [None, "NGƯỜI LẬP BIỂU", None, "THỦ TRƯỞNG ĐƠN VỊ"],
    ]
    data = workbook_bytes(rows, title="Tieu chi 2025")
    _batch, plan = service.preview("matrix", upload(data), YEAR, office_user)
    assert plan.extra["communes"] == 2
    assert plan.errors == 0
    assert {row.commune for row in plan.rows} <= {first.name, second.name}


def test_a_numbered_row_with_an_unknown_code_is_an_error_the_office_can_read(office_user):
    data = matrix_bytes(YEAR, district=DISTRICT)
    first, second, third = list(code_cells(data).values())[:3]
    typo = edited(data, {first: "0271O", second: "S0001", third: "271"})
    before, history = state(), Assessment.history.count()
    batch, plan = service.preview("matrix", upload(typo), YEAR, office_user)
    errors = [error for row in plan.rows for error in row.errors]
    row = int(first[1:])
    assert errors == [
        f"Dòng {row}: không có xã mã 0271O trong chương trình.",
        f"Dòng {row + 1}: không có xã mã S0001 trong chương trình.",
        f"Dòng {row + 2}: mã xã “271” phải có 5 chữ số.",
    ]
    with pytest.raises(service.ImportRefused, match=f"dòng {row}, {row + 1}, {row + 2}"):
        service.apply(batch, office_user)
    assert (state(), Assessment.history.count()) == (before, history)


def test_a_commune_listed_twice_is_an_error_even_in_another_chunk(monkeypatch, office_user):
    monkeypatch.setattr(matrix, "CHUNK", 3)
    data = matrix_bytes(YEAR, district=DISTRICT)
    codes = code_cells(data)
    first, last = list(codes)[0], list(codes)[-1]
    commune = Commune.objects.in_programme().get(code=first)
    name_cell = codes[last].replace("B", "C")
    again = edited(data, {codes[last]: first, name_cell: commune.name})
    _batch, plan = service.preview("matrix", upload(again), YEAR, office_user)
    (error,) = [error for row in plan.rows for error in row.errors]
    assert f"xã {commune.name} (mã {first}) đã có ở dòng {codes[first][1:]}" in error


def test_communes_and_assessments_are_looked_up_per_chunk_not_per_row(
    monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(matrix, "CHUNK", 50)
    data = matrix_bytes(YEAR)
    communes = len(code_cells(data))
    # The criteria, then per chunk one query for its communes and one for their assessments.
    with open_workbook(data) as book, django_assert_num_queries(1 + 2 * math.ceil(communes / 50)):
        plan = matrix.plan(book, YEAR)
    assert (plan.extra["communes"], plan.errors, plan.rows) == (communes, 0, [])


def four_updates_and_two_creates():
    """Cells of the Si Ma Cai export: two of them for assessments deleted beforehand."""
    communes = si_ma_cai()
    Assessment.objects.filter(commune=communes[0], year=YEAR, criterion__number__in=[1, 2]).delete()
    data = matrix_bytes(YEAR, district=DISTRICT)
    cells = matrix_cells(data)
    current = state()
    unmet = [key for key, met in sorted(current.items()) if not met and key in cells]
    met = [key for key, met in sorted(current.items()) if met and key in cells]
    picks = {(communes[0].code, 1): "Đạt", (communes[0].code, 2): "x"}
    picks.update({unmet[0]: "Đạt", unmet[-1]: "✓", met[0]: None, met[-1]: "Chưa đạt"})
    return edited(data, {cells[key]: value for key, value in picks.items()}), picks


def test_an_import_of_n_changed_cells_writes_n_assessments_and_n_history_rows(office_user):
    data, picks = four_updates_and_two_creates()
    before = state()
    batch, plan = service.preview("matrix", upload(data), YEAR, office_user)
    assert (plan.created, plan.updated, plan.errors) == (2, 4, 0)
    service.apply(batch, office_user)
    after = state()
    assert {key for key in after if after[key] != before.get(key)} == set(picks)
    assert {key: after[key] for key in picks} == {
        key: value in ("Đạt", "x", "✓") for key, value in picks.items()
    }
    history = batch_history(batch)
    assert sorted(history.values_list("history_type", flat=True)) == ["+", "+", "~", "~", "~", "~"]
    assert {(h.history_user_id, h.history_date) for h in history} == {
        (office_user.pk, history[0].history_date)
    }
    assert {(h.commune.code, h.criterion.number, h.met) for h in history} == {
        (*key, after[key]) for key in picks
    }


def test_a_cell_changed_meanwhile_refuses_the_whole_import(monkeypatch, office_user):
    data, _picks = four_updates_and_two_creates()
    before, history = state(), Assessment.history.count()
    batch, plan = service.preview("matrix", upload(data), YEAR, office_user)
    last = [row for row in plan.rows if row.action == "update"][-1]
    plan_for = service.plan_for

    def plan_then_someone_edits(batch, picks=None):
        result = plan_for(batch, picks)
        Assessment.objects.filter(pk=last.assessment).update(met=last.new)
        return result

    monkeypatch.setattr(service, "plan_for", plan_then_someone_edits)
    with pytest.raises(service.ImportRefused, match="vừa bị thay đổi"):
        service.apply(batch, office_user)
    # The cells written before the refusal (the two new assessments first) are rolled back.
    assert (state(), Assessment.history.count()) == (before, history)
    batch.refresh_from_db()
    assert batch.status == "previewed"


def test_synthetic_national_communes_are_read_like_real_ones(office_user):
    call_command("generate_scale_data", communes=30, districts=3, provinces=1, visits=0,
                 years=1, stdout=io.StringIO())  # fmt: skip
    synthetic = scale_data.synthetic_units(Commune)
    year = Assessment.objects.filter(commune__in=synthetic).values_list("year", flat=True)[0]
    data = matrix_bytes(year)
    codes = code_cells(data)
    assert sum(code.startswith(scale_data.CODE_PREFIX) for code in codes) == 30
    _batch, plan = service.preview("matrix", upload(data), year, office_user)
    assert (plan.extra["communes"], plan.errors, plan.rows) == (len(codes), 0, [])

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    code = next(code for code in codes if code.startswith(scale_data.CODE_PREFIX))
    row = int(codes[code][1:])
    sheet.cell(row, 4).value = None if sheet.cell(row, 4).value else "Đạt"
    batch, plan = service.preview("matrix", upload(save(book)), year, office_user)
    assert [(change.action, change.column) for change in plan.rows] == [("update", f"D{row}")]
    service.apply(batch, office_user)
    assert batch_history(batch).get().commune.code == code


def test_a_sheet_longer_than_the_limit_is_refused(monkeypatch, office_user):
    monkeypatch.setattr(files, "MAX_ROWS", 5)
    rows = [["STT", "Mã xã", "Tên xã", "TC1"]] + [[n, None, None, None] for n in range(1, 7)]
    with pytest.raises(ImportFileError, match="quá nhiều dòng; chỉ nhận đến 5 dòng"):
        service.preview("matrix", upload(workbook_bytes(rows)), YEAR, office_user)


def test_the_preview_page_lists_the_first_rows_and_says_how_many(monkeypatch, office_client):
    monkeypatch.setattr(import_views, "PREVIEW_ROWS", 4)
    data, _picks = four_updates_and_two_creates()
    office_client.post(reverse("reports:import_matrix"), {"year": YEAR, "file": upload(data)})
    batch = ImportBatch.objects.get()
    page = office_client.get(reverse("reports:import_preview", args=[batch.pk])).content.decode()
    assert page.count('<tr class="update">') + page.count('<tr class="create">') == 4
    assert "4 trong 6" in page
