"""What a 2026 matrix import refuses: the other period's file, locked commune-years (approved, or
the year closed) listing their cells, a commune without a group, values its group cannot take.
Each refusal writes nothing."""

import datetime
from decimal import Decimal

import pytest

from communes.models import Assessment, CommuneYear, IndicatorResult, YearClosing
from reports.imports import service
from reports.imports.files import ImportFileError
from reports.models import ImportBatch
from tests.support import matrix_2026 as m

from .import_workbooks import edited, matrix_bytes, matrix_cells, save, upload

pytestmark = pytest.mark.django_db
YEAR = m.YEAR


@pytest.fixture
def units(db):
    return m.fresh_year()


def renamed(data, title="Bang tong hop"):
    """`data` with its first sheet renamed: a file that does not say its year."""
    workbook = m.book(data)
    workbook.worksheets[0].title = title
    return save(workbook)


def title(unit):
    return f"{unit.get_kind_display()} {unit.name}"


def approve(unit, year=YEAR):
    CommuneYear.objects.create(
        commune=unit, year=year, criteria_set=m.national_set(), status="approved"
    )


def test_a_19_criteria_file_is_refused_for_2026(units, office_user):
    before = m.counts()
    data = matrix_bytes(2025, district="Huyện Si Ma Cai")

    with pytest.raises(ImportFileError, match="năm 2025.*không phải năm 2026"):
        m.preview(data, office_user)
    with pytest.raises(ImportFileError) as refused:
        m.preview(renamed(data), office_user)

    assert str(refused.value) == (
        "Tệp có 19 cột tiêu chí (đến TC19) của Bộ tiêu chí quốc gia về xã nông thôn mới giai "
        "đoạn 2021–2025, nhưng năm 2026 đánh giá theo Bộ tiêu chí quốc gia về xã nông thôn "
        "mới giai đoạn 2026–2030, gồm 10 tiêu chí (TC1 … TC10). Hãy xuất hoặc tải mẫu bảng "
        "tiêu chí năm 2026 rồi nhập lại."
    )
    assert set(ImportBatch.objects.values_list("status", flat=True)) == {"failed"}
    assert m.counts() == before


def test_a_2026_file_is_refused_for_2025(units, office_user):
    data = m.exported()
    history = Assessment.history.count()

    with pytest.raises(ImportFileError, match="năm 2026.*không phải năm 2025"):
        m.preview(data, office_user, year=2025)
    with pytest.raises(ImportFileError) as refused:
        m.preview(renamed(data), office_user, year=2025)

    message = str(refused.value)
    assert message.startswith("Cột E6 là tiêu chí 2 của Bộ tiêu chí quốc gia về xã nông thôn mới")
    assert "giai đoạn 2026–2030, nhưng năm 2025 đánh giá theo" in message
    assert Assessment.history.count() == history


def test_changed_cells_of_an_approved_commune_refuse_the_whole_import(units, office_user):
    indicators = m.add_indicators()
    locked, free = units[0], units[1]
    IndicatorResult.objects.create(
        commune=locked, indicator=indicators["1.2"], year=YEAR, met=False, value=Decimal(10)
    )
    approve(locked)
    data = m.exported()
    criteria, values = m.criterion_cells(data), m.indicator_cells(data)
    edits = {criteria[(locked.code, 3)]: "Đạt", criteria[(free.code, 3)]: "Đạt"}
    indicator_edits = {values[(locked.code, "1.2")]: 100, values[(free.code, "1.1")]: "Đạt"}
    before = m.counts()

    batch, plan = m.preview(m.edited(data, edits, indicator_edits), office_user)

    errors = [error for row in plan.rows for error in row.errors]
    assert len(errors) == 2 and plan.created == 2  # the free commune's cells are planned
    cell = criteria[(locked.code, 3)]
    assert errors[0] == (
        f"Dòng {cell[1:]}: không ghi được ô {cell} (TC3): Kết quả năm 2026 của "
        f"{title(locked)} đã được duyệt nên không sửa được; người có quyền duyệt có thể mở "
        "lại kèm lý do."
    )
    sheet_cell = values[(locked.code, "1.2")]
    assert errors[1].startswith(
        f"Trang “Chỉ tiêu”, dòng {sheet_cell[1:]}: không ghi được ô Chỉ tiêu!{sheet_cell} "
        f"(chỉ tiêu 1.2): Kết quả năm 2026 của {title(locked)} đã được duyệt"
    )
    with pytest.raises(service.ImportRefused) as refused:
        service.apply(batch, office_user)
    assert str(refused.value).startswith(
        "Chưa ghi gì: tệp sửa kết quả đã duyệt hoặc đã khóa sổ ở 2 dòng. Dòng "
    )
    assert f"ô {cell} (TC3)" in str(refused.value)
    assert f"ô Chỉ tiêu!{sheet_cell} (chỉ tiêu 1.2)" in str(refused.value)
    assert m.counts() == before


def test_an_approved_commune_read_back_unchanged_is_no_change(units, office_user):
    indicators = m.add_indicators()
    unit = units[0]
    Assessment.objects.create(
        commune=unit, criterion=m.national_set().criteria.get(number=5), year=YEAR, met=True
    )
    IndicatorResult.objects.create(
        commune=unit, indicator=indicators["2.1"], year=YEAR, met=True, value=Decimal("87.25")
    )
    IndicatorResult.objects.create(commune=unit, indicator=indicators["1.1"], year=YEAR, met=False)
    approve(unit)

    batch, plan = m.preview(m.exported(), office_user)

    assert (plan.created, plan.updated, plan.errors) == (0, 0, 0)
    service.apply(batch, office_user)


def test_a_commune_approved_after_the_preview_is_refused_at_confirm(units, office_user):
    unit = units[2]
    data = m.exported()
    cell = m.criterion_cells(data)[(unit.code, 4)]
    batch, plan = m.preview(m.edited(data, {cell: "Đạt"}), office_user)
    assert (plan.created, plan.errors) == (1, 0)
    approve(unit)
    before = m.counts()

    with pytest.raises(service.ImportRefused, match=f"không ghi được ô {cell} \\(TC4\\)"):
        service.apply(batch, office_user)

    assert m.counts() == before
    batch.refresh_from_db()
    assert batch.status == "previewed"


def test_a_closed_year_refuses_every_changed_cell(units, office_user, today):
    YearClosing.objects.create(year=YEAR, closes_on=datetime.date(2026, 11, 1))
    data = m.exported()
    cells = m.criterion_cells(data)
    first, second = units[0], units[1]
    edits = {cells[(first.code, 1)]: "Đạt", cells[(second.code, 9)]: "x"}
    before = m.counts()

    batch, plan = m.preview(m.edited(data, edits), office_user)

    errors = [error for row in plan.rows for error in row.errors]
    assert len(errors) == 2 and (plan.created, plan.updated) == (0, 0)
    assert "Năm 2026 đã khóa sổ từ ngày 01/11/2026" in errors[0] and first.name in errors[0]
    with pytest.raises(service.ImportRefused, match="đã khóa sổ ở 2 dòng"):
        service.apply(batch, office_user)
    assert m.counts() == before


def test_a_commune_without_group_cannot_take_results(units, office_user):
    indicators = m.add_indicators()
    unit, other = units[3], units[4]
    IndicatorResult.objects.create(commune=unit, indicator=indicators["1.1"], year=YEAR, met=True)
    unit.groups.all().delete()
    data = m.exported()
    criteria, values = m.criterion_cells(data), m.indicator_cells(data)

    # Its cells read back as they are: no change, no error.
    _batch, plan = m.preview(data, office_user)
    assert plan.errors == 0

    edits = {criteria[(unit.code, 6)]: "Đạt", criteria[(other.code, 6)]: "Đạt"}
    batch, plan = m.preview(m.edited(data, edits, {values[(unit.code, "1.2")]: 50}), office_user)
    errors = [error for row in plan.rows for error in row.errors]
    expected = (
        f"{title(unit)} chưa được xếp nhóm xã (nhóm 1, 2, 3) của giai đoạn 2026–2030 nên "
        "chưa ghi được kết quả năm 2026; hãy xếp nhóm cho xã trước."
    )
    assert errors == [
        f"Dòng {criteria[(unit.code, 6)][1:]}: {expected}",
        f"Trang “Chỉ tiêu”, dòng {values[(unit.code, '1.2')][1:]}: {expected}",
    ]
    before = m.counts()
    with pytest.raises(service.ImportRefused):
        service.apply(batch, office_user)
    assert m.counts() == before


def test_a_value_its_group_cannot_take_is_an_error_naming_the_cell(units, office_user):
    m.add_indicators()
    unit = next(u for u in units if m.group_of(u) == 2)
    data = m.exported()
    values = m.indicator_cells(data)
    edits = {values[(unit.code, "1.2")]: "gần đủ", values[(unit.code, "1.1")]: 95}

    _batch, plan = m.preview(m.edited(data, indicators=edits), office_user)

    errors = sorted(error.split(": ", 1)[1] for row in plan.rows for error in row.errors)
    assert errors == [
        f"ô {values[(unit.code, '1.1')]} (chỉ tiêu 1.1): “95” không phải “Đạt” hay “Chưa đạt”.",
        f"ô {values[(unit.code, '1.2')]} (chỉ tiêu 1.2): “gần đủ” không phải một số "
        "(nhóm 2: ≥ 90%).",
    ]


def test_without_its_indicator_sheet_a_file_changes_the_other_criteria_only(units, office_user):
    m.add_indicators()
    unit = units[0]
    data = m.exported()
    cells = m.criterion_cells(data)
    workbook = m.book(m.edited(data, {cells[(unit.code, 1)]: "Đạt", cells[(unit.code, 3)]: "x"}))
    del workbook["Chỉ tiêu"]

    batch, plan = m.preview(save(workbook), office_user)

    # TC1 has indicators: its column is not read.
    assert [(row.action, row.criterion.split(".")[0]) for row in plan.rows] == [("create", "TC3")]
    service.apply(batch, office_user)
    assert list(Assessment.objects.filter(year=YEAR).values_list("criterion__number", "met")) == [
        (3, True)
    ]


def test_an_indicator_sheet_is_refused_when_the_set_has_no_indicators(units, office_user):
    m.add_indicators()
    data = m.exported()
    m.fresh_year()  # the set loses its indicators

    with pytest.raises(
        ImportFileError, match="chưa có chỉ tiêu nào: kết quả ghi theo từng tiêu chí"
    ):
        m.preview(data, office_user)


def test_an_approved_2025_commune_year_refuses_its_changed_cells_too(office_user):
    data = matrix_bytes(2025, district="Huyện Si Ma Cai")
    assessment = (
        Assessment.objects.filter(year=2025, commune__district__name="Huyện Si Ma Cai")
        .select_related("commune", "criterion")
        .order_by("commune__code", "criterion__number")
        .first()
    )
    unit, number = assessment.commune, assessment.criterion.number
    cell = matrix_cells(data)[(unit.code, number)]
    CommuneYear.objects.update_or_create(
        commune=unit,
        year=2025,
        defaults={"criteria_set": assessment.criterion.criteria_set, "status": "approved"},
    )
    changed = edited(data, {cell: None if assessment.met else "Đạt"})

    _batch, plan = service.preview("matrix", upload(changed), 2025, office_user)

    (error,) = [error for row in plan.rows for error in row.errors]
    assert f"không ghi được ô {cell} (TC{number}): Kết quả năm 2025 của Xã {unit.name}" in error


def test_a_2026_file_without_names_is_refused_for_2025_by_its_indicator_sheet(units, office_user):
    m.add_indicators()
    workbook = m.book(m.exported())
    sheet = workbook["Tieu chi 2026"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "STT")
    for cell in header[3:13]:
        cell.value = cell.value.split()[0]  # "TC2", the names gone
    sheet.title = "Bang"

    with pytest.raises(ImportFileError, match="Trang “Chỉ tiêu” ghi kết quả theo chỉ tiêu"):
        m.preview(save(workbook), office_user, year=2025)
