"""The indicator matrix import measured by `make bench` (issue 15): the criteria matrix of 2026
on the 2026–2030 set exported for every unit of today (its sheet "Chỉ tiêu": one column per
indicator, 47), imported back in a fresh subprocess (preview + apply, one transaction):

* with every tenth unit's first numeric indicator changed (units whose year is approved are
  left alone: a file changing one is refused whole), alternating with the original file so
  that every apply writes the same cells;
* as a year without results (the same file read as 2027, the period's next year): every
  indicator result written, the criteria derived from them; the parent removes that year's
  rows before each run (not measured).
"""

import re

from . import measure

YEAR, EMPTY_YEAR = 2026, 2027
EVERY = 10  # every tenth commune row gets one indicator changed


def measure_indicator_imports(client, folder, repeat, row_of):
    """The rows of the report; none when the data has no 2026 indicator results."""
    from communes.models import IndicatorResult
    from reports import exporters

    if not IndicatorResult.objects.filter(year=YEAR).exists():
        return []
    response = client.get(exporters.get("matrix").download_url() + f"?year={YEAR}")
    original = folder / f"matrix-{YEAR}.xlsx"
    original.write_bytes(measure.body(response))
    edited, communes, indicators, changed = _edit(original, folder / f"matrix-{YEAR}-edited.xlsx")
    print(f"  import: indicator matrix {YEAR} ({communes:,} units × {indicators}, "
          f"{changed:,} cells changed)…", flush=True)  # fmt: skip
    runs = [measure.run_child("import_matrix", file=edited if i % 2 == 0 else original,
                              target=YEAR) for i in range(repeat * 2)]  # fmt: skip
    rows = [row_of(f"import: indicator matrix {YEAR}, {communes:,} units × {indicators} "
                   f"indicators, {changed:,} cells changed", runs)]  # fmt: skip
    empty = _as_year(original, folder / f"matrix-{EMPTY_YEAR}.xlsx", EMPTY_YEAR)
    print(f"  import: the same file as {EMPTY_YEAR}, a year without results…", flush=True)
    runs = []
    for _ in range(repeat):
        remove_year(EMPTY_YEAR)
        runs.append(measure.run_child("import_matrix", file=empty, target=EMPTY_YEAR))
    remove_year(EMPTY_YEAR)
    label = (f"import: indicator matrix of a year without results ({YEAR}'s file as "
             f"{EMPTY_YEAR}), {communes:,} units × {indicators} written")  # fmt: skip
    rows.append(row_of(label, runs))
    return rows


def _indicator_sheet(workbook):
    """(sheet, header row number, {column: indicator code}, code column) of the workbook's
    indicator sheet."""
    from reports.imports.matrix_values import indicator_code

    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1, max_row=30):
            codes = {c.column: indicator_code(c.value) for c in row if indicator_code(c.value)}
            code_column = next((c.column for c in row if c.value == "Mã xã"), None)
            if codes and code_column:
                return sheet, row[0].row, codes, code_column
    raise SystemExit("the 2026 matrix export has no indicator sheet")


def _edit(original, path):
    """Change every EVERY-th unit's first numeric indicator (not an approved unit's); the path,
    the unit rows, the indicator columns and the cells changed."""
    from openpyxl import load_workbook

    from communes.models import CommuneYear

    approved = set(
        CommuneYear.objects.filter(year=YEAR, status=CommuneYear.Status.APPROVED).values_list(
            "commune__code", flat=True
        )
    )
    workbook = load_workbook(original)
    sheet, header, codes, code_column = _indicator_sheet(workbook)
    communes = changed = 0
    for row in sheet.iter_rows(min_row=header + 1):
        code = row[code_column - 1].value
        if not isinstance(row[0].value, int) or not code:
            continue
        communes += 1
        if communes % EVERY or code in approved:
            continue
        for column in codes:
            cell = row[column - 1]
            if isinstance(cell.value, int | float):
                cell.value = round(cell.value + 0.5 if cell.value <= 99.5 else cell.value - 0.5, 1)
                changed += 1
                break
    workbook.save(path)
    return path, communes, len(codes), changed


def _as_year(original, path, year):
    """The file as the matrix of `year`: its criteria sheet named "Tieu chi <year>"."""
    from openpyxl import load_workbook

    workbook = load_workbook(original)
    for sheet in workbook.worksheets:
        sheet.title = re.sub(rf"^Tieu chi {YEAR}$", f"Tieu chi {year}", sheet.title)
    workbook.save(path)
    return path


def remove_year(year):
    """Delete the year's results, reviews and scores with their history (plain SQL deletes)."""
    from django.db import transaction

    from communes.models import (
        Assessment,
        CommuneYear,
        CommuneYearEvent,
        CriteriaScore,
        IndicatorResult,
    )

    with transaction.atomic():
        for queryset in (
            IndicatorResult.history.filter(year=year),
            Assessment.history.filter(year=year),
            IndicatorResult.objects.filter(year=year),
            Assessment.objects.filter(year=year),
            CriteriaScore.objects.filter(year=year),
            CommuneYearEvent.objects.filter(commune_year__year=year),
            CommuneYear.objects.filter(year=year),
        ):
            queryset._raw_delete(queryset.db)
