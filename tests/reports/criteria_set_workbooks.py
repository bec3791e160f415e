"""Criteria sets and their indicator workbooks for the criteria-set tests (built in code)."""

import io

import openpyxl

from communes.models import CommuneYear, Criterion
from reports.imports import service
from tests.factories import make_commune, make_criteria_set

from .import_workbooks import upload, workbook_bytes

GROUPS = (1, 2, 3)
PARTS = ("Yêu cầu", "So sánh", "Mức đạt")
HEADER = ["Tiêu chí", "Số chỉ tiêu", "Nội dung chỉ tiêu", "Đơn vị"] + [
    f"{part} nhóm {group}" for group in GROUPS for part in PARTS
]
TITLE = [["UBND TỈNH LÀO CAI"], ["CÁC CHỈ TIÊU CỦA BỘ TIÊU CHÍ THỬ"], []]
HEADER_ROW = len(TITLE) + 1  # row 4
YES = ("Đạt", None, None)


def grouped_set(numbers=(1, 2, 3), **kw):
    """A provincial set of 2026–2030 (three commune groups) with criteria `numbers`."""
    criteria_set = make_criteria_set(2026, 2030, **kw)
    for number in numbers:
        Criterion.objects.create(
            criteria_set=criteria_set, number=number, name=f"Tiêu chí thử số {number}"
        )
    return criteria_set


def row(criterion, code, name, unit, *needs):
    """An indicator row: `needs` one (text, comparison, target) per group (YES by default)."""
    needs = needs or (YES,) * len(GROUPS)
    return [criterion, code, name, unit] + [value for need in needs for value in need]


# Rows 5–9 of good_rows(): a heading, then four indicators.
GOOD = [
    [1, None, "Quy hoạch"],
    row(1, "1.1", "Có quy hoạch chung xã được duyệt", None),
    row(
        2,
        "2.1",
        "Tỷ lệ km đường xã được cứng hóa",
        "%",
        ("100%", "≥", 100),
        ("≥ 90%", "≥", 90),
        ("≥ 70%", ">=", 70),
    ),
    row(
        2,
        "2.2",
        "Tỷ lệ hộ sử dụng điện an toàn",
        "%",
        ("≥ 99%", "≥", 99),
        ("≥ 98,5%", "≥", "98,5"),
        ("≥ 95%", "≥", 95),
    ),
    row(
        3,
        "3.1",
        "Thu nhập bình quân đầu người",
        "triệu đồng/người/năm",
        ("≥ 80", "≥", 80),
        ("≥ 70", "≥", 70),
        (None, "≥", 60),
    ),
]


def good_rows(extra=(), replace=None):
    """The good workbook's rows; `replace` ({index in GOOD: row}) changes some, `extra` adds."""
    body = [list(r) for r in GOOD]
    for index, new in (replace or {}).items():
        body[index] = new
    return TITLE + [HEADER] + body + list(extra)


def book(rows, merges=()):
    return workbook_bytes(rows, merges=merges, title="Chi tieu")


def preview(data, criteria_set, user, name="chi-tieu.xlsx"):
    return service.preview("indicators", upload(data, name), criteria_set, user)


def requirements(criteria_set):
    """{(code, group): (text, comparison, target)} of the set."""
    from communes.models import Requirement

    return {
        (r.indicator.code, r.group): (r.text, r.comparison, r.target)
        for r in Requirement.objects.filter(
            indicator__criterion__criteria_set=criteria_set
        ).select_related("indicator")
    }


def lock(criteria_set, year=2026):
    """Approved results against the set: it is locked from now on."""
    return CommuneYear.objects.create(
        commune=make_commune(),
        year=year,
        criteria_set=criteria_set,
        status=CommuneYear.Status.APPROVED,
    )


def sheet_values(data, title):
    sheet = openpyxl.load_workbook(io.BytesIO(data))[title]
    return [list(values) for values in sheet.iter_rows(values_only=True)]
