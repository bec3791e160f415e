"""The criteria matrix of 2026 in tests: a known starting state, indicators, the exported file.

The year's set is the shipped national 2026–2030 set (10 criteria, no indicators):
`add_indicators` gives criteria 1 and 2 indicators with requirements per commune group,
inside the test's transaction. `fresh_year` starts 2026 from nothing recorded, every
unit of today in a group (1, 2, 3 in turn), whatever the demo data holds for 2026.
"""

import datetime
import io
from decimal import Decimal

import openpyxl

from communes.models import (
    Assessment,
    Commune,
    CommuneGroup,
    CommuneYear,
    CriteriaScore,
    CriteriaSet,
    Indicator,
    IndicatorResult,
    Period,
    Requirement,
    YearClosing,
)
from reports.excel.matrix import matrix_communes, matrix_workbook
from reports.imports import service
from tests.reports.import_workbooks import save, upload

YEAR = 2026
TODAY = datetime.date(2026, 11, 18)
# code: (criterion, name, unit, {group: (comparison, target, text)} or None: yes/no)
INDICATORS = {
    "1.1": (1, "Có quy hoạch chung xã được phê duyệt", "", None),
    "1.2": (1, "Tỷ lệ thôn có quy hoạch khu dân cư", "%", {
        1: (">=", 100, "100%"), 2: (">=", 90, "≥ 90%"), 3: (">=", 70, "≥ 70%"),
    }),
    "2.1": (2, "Tỷ lệ đường xã được cứng hóa", "%", {
        1: (">=", 100, "100%"), 2: (">=", 80, "≥ 80%"), 3: (">=", 60, "≥ 60%"),
    }),
}  # fmt: skip


def national_set():
    return CriteriaSet.objects.for_year(YEAR)


def period():
    return Period.objects.get(code="2026-2030")


def units():
    """The units a 2026 matrix lists, in its order (by group, then name)."""
    return list(matrix_communes(Commune.objects.all(), None, YEAR))


def fresh_year():
    """2026 with nothing recorded, no review, not closed, every unit in a group, the set
    without indicators (the demo's removed): the units, in the matrix's order."""
    YearClosing.objects.filter(year=YEAR).delete()
    CommuneYear.objects.filter(year=YEAR).delete()
    # Straight DELETEs: the rows' signals (locks, history, scores) would cost seconds per test.
    for rows in (
        IndicatorResult.objects.filter(year=YEAR),
        Assessment.objects.filter(year=YEAR),
        CriteriaScore.objects.filter(year=YEAR),
        CommuneGroup.objects.filter(period=period()),
    ):
        rows._raw_delete(rows.db)
    Indicator.objects.filter(criterion__criteria_set=national_set()).delete()
    listed = sorted(matrix_communes(Commune.objects.all(), None, YEAR), key=lambda unit: unit.code)
    CommuneGroup.objects.bulk_create(
        CommuneGroup(commune=unit, period=period(), number=index % 3 + 1, basis="thử")
        for index, unit in enumerate(listed)
    )
    return units()


def add_indicators():
    """Indicators 1.1, 1.2 (criterion 1) and 2.1 (criterion 2) on the year's set: {code: it}."""
    criteria = {c.number: c for c in national_set().criteria.all()}
    made = {}
    for code, (number, name, unit, requirements) in INDICATORS.items():
        indicator = Indicator.objects.create(
            criterion=criteria[number], code=code, name=name, unit=unit
        )
        for group in (1, 2, 3):
            comparison, target, text = (requirements or {}).get(group, ("", None, "Đạt"))
            Requirement.objects.create(
                indicator=indicator,
                group=group,
                text=text,
                comparison=comparison,
                target=None if target is None else Decimal(target),
            )
        made[code] = indicator
    return made


def group_of(unit):
    return CommuneGroup.objects.get(commune=unit, period=period()).number


def exported(year=YEAR):
    """The year's matrix as the office downloads it (the whole province)."""
    communes = matrix_communes(Commune.objects.all(), None, year)
    return save(matrix_workbook(year, communes, today=TODAY))


def book(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def cells(sheet, heading_of):
    """{(code, heading): cell name} of a matrix sheet; `heading_of(value)` names a column
    from its header cell (None: not a result column)."""
    top = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "STT")
    columns = {
        cell.column_letter: heading_of(cell.value) for cell in sheet[top] if heading_of(cell.value)
    }
    found = {}
    for row in sheet.iter_rows(min_row=top + 1):
        code = row[1].value
        if isinstance(code, str) and code.isdigit() and len(code) == 5:
            for cell in row:
                if cell.column_letter in columns:
                    found[(code, columns[cell.column_letter])] = cell.coordinate
    return found


def criterion_cells(data):
    """{(code, criterion number): cell} of the criteria sheet."""
    sheet = book(data)[f"Tieu chi {YEAR}"]
    return cells(sheet, lambda v: int(v.split()[0][2:]) if str(v).startswith("TC") else None)


def indicator_cells(data):
    """{(code, indicator code): cell} of the indicator sheet."""
    sheet = book(data)["Chỉ tiêu"]
    return cells(sheet, lambda v: v.split()[-1] if str(v).startswith("Chỉ tiêu ") else None)


def edited(data, criteria=None, indicators=None):
    """`data` with {cell: value} changed on the criteria sheet and on the indicator sheet."""
    workbook = book(data)
    for title, changes in ((f"Tieu chi {YEAR}", criteria), ("Chỉ tiêu", indicators)):
        for cell, value in (changes or {}).items():
            workbook[title][cell].value = value
    return save(workbook)


def preview(data, user, year=YEAR):
    return service.preview("matrix", upload(data, f"tieu-chi-{year}.xlsx"), year, user)


def counts():
    """What a refused import must leave as it is: the year's rows and every history row."""
    return (
        Assessment.objects.filter(year=YEAR).count(),
        IndicatorResult.objects.filter(year=YEAR).count(),
        Assessment.history.count(),
        IndicatorResult.history.count(),
    )
