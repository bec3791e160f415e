"""The criteria matrix of 2026: the year's 10 criteria, the commune group and review, and the
indicator sheet once the set has indicators; exported, edited and imported back."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse

from communes.models import (
    Assessment,
    CommuneYear,
    CriteriaScore,
    IndicatorResult,
    YearClosing,
)
from reports.imports import matrix_write, service
from tests.support import matrix_2026 as m

pytestmark = pytest.mark.django_db
YEAR = m.YEAR


@pytest.fixture
def units(db):
    return m.fresh_year()


def rows_of(sheet):
    return list(sheet.iter_rows(values_only=True))


def test_the_2026_matrix_has_the_years_ten_criteria_the_group_and_the_review(units):
    first, second = units[0], units[1]
    criteria = {c.number: c for c in m.national_set().criteria.all()}
    Assessment.objects.create(commune=first, criterion=criteria[1], year=YEAR, met=True)
    Assessment.objects.create(commune=first, criterion=criteria[10], year=YEAR, met=True)
    Assessment.objects.create(commune=second, criterion=criteria[1], year=YEAR, met=False)
    CommuneYear.objects.create(
        commune=second, year=YEAR, criteria_set=m.national_set(), status="approved"
    )

    workbook = m.book(m.exported())

    assert workbook.sheetnames == ["Tieu chi 2026"]  # no indicators: no indicator sheet
    sheet = workbook["Tieu chi 2026"]
    rows = rows_of(sheet)
    assert rows[2][0] == "KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM 2026"
    assert "Quyết định 51/2025/QĐ-TTg" in rows[3][0]
    header = next(row for row in rows if row[0] == "STT")
    assert header == (
        "STT", "Mã xã", "Tên xã", "TC1 Quy hoạch", "TC2 Hạ tầng kinh tế – xã hội",
        "TC3 Phát triển kinh tế nông thôn", "TC4 Đào tạo nguồn nhân lực nông thôn",
        "TC5 Văn hóa, giáo dục, y tế", "TC6 Giảm nghèo và an sinh xã hội",
        "TC7 Khoa học công nghệ và chuyển đổi số", "TC8 Môi trường và cảnh quan nông thôn",
        "TC9 Xây dựng hệ thống chính trị và hành chính công",
        "TC10 Tiếp cận pháp luật và an ninh, quốc phòng", "Số tiêu chí đạt", "Nhóm",
        "Trạng thái",
    )  # fmt: skip
    listed = {row[1]: row for row in rows if isinstance(row[1], str) and row[1].isdigit()}
    # Every unit of today, once, grouped by commune group.
    assert list(listed) == [unit.code for unit in units]
    assert listed[first.code][3:16] == ("Đạt", *[None] * 8, "Đạt", 2, m.group_of(first),
                                        "Đang nhập")  # fmt: skip
    assert listed[second.code][3:16] == (*[None] * 10, 0, m.group_of(second), "Đã duyệt")
    labels = [row[2] for row in rows if row[0] is None and isinstance(row[2], str)]
    assert [label for label in labels if label.startswith("Nhóm")] == ["Nhóm 1", "Nhóm 2", "Nhóm 3"]
    group = m.group_of(first)
    group_total = next(row for row in rows if str(row[2]).startswith(f"Cộng nhóm {group} ("))
    in_group = sum(1 for row in listed.values() if row[14] == group)
    # Communes, then those meeting each criterion, then criteria met per commune with a result.
    with_result = sum(1 for unit in (first, second) if m.group_of(unit) == group)
    assert group_total[2] == f"Cộng nhóm {group} ({in_group} xã, {with_result} xã có kết quả)"
    assert group_total[3:14] == (1, *[0] * 8, 1, 2 / with_result)
    total = next(row for row in rows if str(row[2]).startswith("Toàn tỉnh ("))
    assert total[2] == f"Toàn tỉnh ({len(units)} xã, 2 xã có kết quả)"
    assert total[3:14] == (1, *[0] * 8, 1, 1.0)  # first: 2 criteria, second: 0


def test_a_closed_year_and_a_unit_without_group_are_shown(units):
    YearClosing.objects.create(year=YEAR, closes_on=datetime.date(2027, 1, 31))
    unit = units[0]
    unit.groups.all().delete()

    rows = rows_of(m.book(m.exported())["Tieu chi 2026"])

    assert any("Năm 2026 khóa sổ từ ngày 31/01/2027" in str(row[0]) for row in rows[:8])
    labels = [row[2].split(" (")[0] for row in rows if row[0] is None and isinstance(row[2], str)]
    assert "Chưa xếp nhóm" in labels and "Cộng chưa xếp nhóm" in labels
    row = next(row for row in rows if row[1] == unit.code)
    assert row[14] is None  # its Nhóm column


def test_the_unedited_2026_export_imports_as_all_unchanged(units, office_user):
    criterion = m.national_set().criteria.get(number=3)
    Assessment.objects.create(commune=units[4], criterion=criterion, year=YEAR, met=True)

    batch, plan = m.preview(m.exported(), office_user)

    assert (plan.created, plan.updated, plan.errors, plan.rows) == (0, 0, 0, [])
    assert plan.unchanged == len(units) * 10
    assert plan.extra["communes"] == len(units)


def test_round_trip_of_the_criteria_only_set_writes_exactly_the_edited_cells(units, office_user):
    first, second = units[0], units[1]
    criteria = {c.number: c for c in m.national_set().criteria.all()}
    Assessment.objects.create(commune=first, criterion=criteria[2], year=YEAR, met=True)
    data = m.exported()
    cells = m.criterion_cells(data)
    changes = {
        cells[(first.code, 2)]: None,  # met → not met
        cells[(first.code, 7)]: "x",  # new, met
        cells[(second.code, 10)]: "Đạt",  # new, met
    }

    batch, plan = m.preview(m.edited(data, criteria=changes), office_user)
    assert (plan.created, plan.updated, plan.errors) == (2, 1, 0)
    assert {(row.column, row.criterion.split(".")[0]) for row in plan.rows} == {
        (cells[(first.code, 2)], "TC2"), (cells[(first.code, 7)], "TC7"),
        (cells[(second.code, 10)], "TC10"),
    }  # fmt: skip
    service.apply(batch, office_user)

    written = Assessment.objects.filter(year=YEAR).values_list(
        "commune__code", "criterion__number", "met", "is_demo"
    )
    assert set(written) == {
        (first.code, 2, False, False), (first.code, 7, True, False),
        (second.code, 10, True, False),
    }  # fmt: skip
    history = Assessment.history.filter(history_change_reason__contains=f"#{batch.pk})")
    assert history.count() == 3
    score = CriteriaScore.objects.get(commune=first, year=YEAR, criteria_set=m.national_set())
    assert (score.assessed, score.met, score.met_numbers()) == (2, 1, [7])


def test_the_indicator_sheet_lists_values_words_and_requirements(units):
    indicators = m.add_indicators()
    unit = units[0]
    group = m.group_of(unit)
    IndicatorResult.objects.create(
        commune=unit, indicator=indicators["1.2"], year=YEAR, met=True, value=Decimal("95.5")
    )
    IndicatorResult.objects.create(commune=unit, indicator=indicators["1.1"], year=YEAR, met=False)

    workbook = m.book(m.exported())

    assert workbook.sheetnames == ["Tieu chi 2026", "Chỉ tiêu"]
    rows = rows_of(workbook["Chỉ tiêu"])
    top = next(index for index, row in enumerate(rows) if row[0] == "STT")
    assert rows[top] == ("STT", "Mã xã", "Tên xã", "Nhóm", "Chỉ tiêu 1.1", "Chỉ tiêu 1.2",
                         "Chỉ tiêu 2.1")  # fmt: skip
    assert rows[top + 1][4:] == (
        "Có quy hoạch chung xã được phê duyệt",
        "Tỷ lệ thôn có quy hoạch khu dân cư (%)",
        "Tỷ lệ đường xã được cứng hóa (%)",
    )
    assert rows[top + 3][3:] == ("Nhóm 2", "Đạt", "≥ 90%", "≥ 80%")
    row = next(row for row in rows if row[1] == unit.code)
    assert row[3:] == (group, "Chưa đạt", 95.5, None)
    assert next(row for row in rows if row[2] == "Số xã đạt")[3:] == (None, 0, 1, 0)
    codes = [row[1] for row in rows if isinstance(row[1], str) and row[1].isdigit()]
    assert codes == [u.code for u in units]
    main = rows_of(workbook["Tieu chi 2026"])
    assert any("TC1, TC2" in str(row[0]) and "Chỉ tiêu" in str(row[0]) for row in main[:8])


@pytest.mark.parametrize("fast", [True, False], ids=["executemany", "history helpers"])
def test_round_trip_with_indicators_derives_the_criteria_by_group(
    units, office_user, monkeypatch, fast
):
    monkeypatch.setattr(matrix_write, "FAST", fast)
    indicators = m.add_indicators()
    by_group = {}
    for unit in units:
        by_group.setdefault(m.group_of(unit), unit)
    one, two, three = by_group[1], by_group[2], by_group[3]
    IndicatorResult.objects.create(
        commune=two, indicator=indicators["1.2"], year=YEAR, met=False, value=Decimal(50)
    )
    data = m.exported()
    cells = m.indicator_cells(data)
    criteria_cells = m.criterion_cells(data)
    changes = {
        cells[(one.code, "1.1")]: "Đạt",
        cells[(one.code, "1.2")]: 100,  # nhóm 1: 100% → met
        cells[(two.code, "1.1")]: "đạt",
        cells[(two.code, "1.2")]: "92,5",  # nhóm 2: ≥ 90% → met
        cells[(three.code, "1.1")]: "x",
        cells[(three.code, "1.2")]: 65,  # nhóm 3: ≥ 70% → not met
        cells[(three.code, "2.1")]: 60,  # nhóm 3: ≥ 60% → met
    }
    # A criterion with indicators is not read from its column.
    ignored = {criteria_cells[(one.code, 1)]: "Chưa đạt", criteria_cells[(one.code, 2)]: "Đạt"}
    history = IndicatorResult.history.count()

    batch, plan = m.preview(m.edited(data, ignored, changes), office_user)
    assert (plan.created, plan.updated, plan.errors) == (6, 1, 0)
    update = next(row for row in plan.rows if row.action == "update")
    assert update.column == f"Chỉ tiêu!{cells[(two.code, '1.2')]}"
    assert update.criterion.endswith(": 50 → 92.5") and (update.old, update.new) == (False, True)
    service.apply(batch, office_user)

    results = {
        (r.commune.code, r.indicator.code): (r.met, r.value)
        for r in IndicatorResult.objects.filter(year=YEAR).select_related("commune", "indicator")
    }
    assert results == {
        (one.code, "1.1"): (True, None), (one.code, "1.2"): (True, Decimal(100)),
        (two.code, "1.1"): (True, None), (two.code, "1.2"): (True, Decimal("92.5")),
        (three.code, "1.1"): (True, None), (three.code, "1.2"): (False, Decimal(65)),
        (three.code, "2.1"): (True, Decimal(60)),
    }  # fmt: skip
    assert IndicatorResult.history.count() == history + 7
    records = IndicatorResult.history.filter(history_change_reason__contains=f"#{batch.pk})")
    assert sorted(records.values_list("history_type", flat=True)) == ["+"] * 6 + ["~"]
    fields = ("id", "commune_id", "indicator_id", "met", "value", "is_demo")
    ids = set(records.values_list("id", flat=True))
    assert set(records.values_list(*fields, "history_user")) == {
        (*row, office_user.pk)
        for row in IndicatorResult.objects.filter(pk__in=ids).values_list(*fields)
    }
    assert len(ids) == 7 and len({record.history_date for record in records}) == 1
    criteria = Assessment.objects.filter(year=YEAR).values_list(
        "commune__code", "criterion__number", "met"
    )
    # Met when every indicator of the criterion is met for the commune's group.
    assert set(criteria) == {
        (one.code, 1, True), (two.code, 1, True), (three.code, 1, False), (three.code, 2, True),
    }  # fmt: skip
    # The derived criteria's history names the import too.
    derived = Assessment.history.filter(history_change_reason__contains=f"#{batch.pk})")
    assert derived.count() == 4
    scores = CriteriaScore.objects.filter(year=YEAR, criteria_set=m.national_set())
    assert Counter(scores.values_list("met", flat=True)) == {1: 3}


def test_the_2026_template_is_the_export_without_results(units, office_client):
    m.add_indicators()
    Assessment.objects.create(
        commune=units[0], criterion=m.national_set().criteria.get(number=1), year=YEAR, met=True
    )

    response = office_client.get(
        reverse("reports:import_template", args=["tieu-chi"]), {"year": YEAR}
    )

    workbook = m.book(response.content)
    assert workbook.sheetnames == ["Tieu chi 2026", "Chỉ tiêu"]
    main = rows_of(workbook["Tieu chi 2026"])
    listed = [row for row in main if isinstance(row[1], str) and row[1].isdigit()]
    assert [row[1] for row in listed] == [unit.code for unit in units]
    assert {value for row in listed for value in row[3:14]} == {None}
    assert {row[14] for row in listed} == {1, 2, 3}
    assert "danh sách đơn vị hành chính từ 01/07/2025" in main[3][0]
    indicators = rows_of(workbook["Chỉ tiêu"])
    assert {v for row in indicators if row[1] in {u.code for u in units} for v in row[4:]} == {None}


def test_the_report_page_serves_2026_and_a_leader_gets_only_his_unit(
    units, office_client, leader_client
):
    url = reverse("reports:export_matrix")

    for client, expected in ((office_client, [u.code for u in units]), (leader_client, None)):
        response = client.get(url, {"year": YEAR})
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        rows = rows_of(m.book(data)["Tieu chi 2026"])
        codes = [row[1] for row in rows if isinstance(row[1], str) and row[1].isdigit()]
        if expected:
            assert codes == expected
            assert any(str(row[2]).startswith("Toàn tỉnh (") for row in rows)
        else:
            assert [row[2] for row in rows if row[1] in codes] == ["Bát Xát"]
            assert any(str(row[2]).startswith("Tổng cộng (1 xã") for row in rows)
