"""The criteria matrix of a year, edited in Excel: read it back and plan the changed cells.

The layout is the export's (reports/excel/matrix.py): commune rows are those
with a five-digit GSO code in the "Mã xã" column; the "TC<n>" header cells map
columns to criteria in any order ("TC 5", "tc5", "Tiêu chí 5" too). Group,
subtotal, total and signature rows have no code and are skipped.
"""

import re

from django.utils.translation import gettext as _

from communes import text
from communes.models import Assessment, Commune, Criterion
from communes.reference import NTM_SET

from .files import ImportFileError, cell_name
from .plan import CREATE, UPDATE, Plan, PlanRow

MET_WORDS = {"đạt", "dat", "x", "1", "✓", "✔", "true", "có"}
UNMET_WORDS = {"chưa đạt", "chua dat", "không đạt", "khong dat", "0", "-", "false", "không"}
_CRITERION = re.compile(r"^(?:tc|tieu chi)\s*\.?\s*(\d{1,2})$")
_SHEET_YEAR = re.compile(r"^\s*ti[eê]u ch[ií]\s+(\d{4})\s*$", re.IGNORECASE)
_DIGITS = re.compile(r"^\d{1,6}$")


def _folded(value):
    return re.sub(r"[^a-z0-9 ]+", " ", text.fold(str(value))).strip()


def criterion_number(value):
    """3 for "TC3", "TC 3", "tc3", "Tiêu chí 3"; None for anything else."""
    if not isinstance(value, str):
        return None
    match = _CRITERION.match(re.sub(r"\s+", " ", _folded(value)))
    return int(match.group(1)) if match else None


def met_value(value):
    """True (met), False (not met) or None (not a value the layout knows)."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {1: True, 0: False}.get(value)
    word = text.clean(value)
    if word in MET_WORDS:
        return True
    if word in UNMET_WORDS:
        return False
    return None


def commune_code(value):
    """ "02710" from "02710", " 02710 " or 2710 (a code Excel turned into a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:05d}" if 0 < value < 100000 else str(value)
    return str(value).strip()


def find_header(grid):
    """(row, {column: criterion number}, code column, name column) or None."""
    for row in range(1, grid.max_row + 1):
        numbers = {}
        code_column = name_column = None
        for column in range(1, grid.max_column + 1):
            value = grid.value(row, column)
            number = criterion_number(value)
            if number is not None:
                numbers[column] = number
            elif isinstance(value, str) and _folded(value) in {"ma xa", "ma"}:
                code_column = code_column or column
            elif isinstance(value, str) and _folded(value) in {"ten xa", "xa"}:
                name_column = name_column or column
        if numbers:
            return row, numbers, code_column or 2, name_column or 3
    return None


def _sheet(grids, year):
    """The sheet to read: "Tieu chi <year>" if there is one, else the first with a header."""
    for grid in grids:
        match = _SHEET_YEAR.match(grid.title)
        if match and int(match.group(1)) == year:
            return grid, find_header(grid)
    for grid in grids:
        header = find_header(grid)
        if header is None:
            continue
        match = _SHEET_YEAR.match(grid.title)
        if match:
            raise ImportFileError(
                _(
                    "Tệp là bảng tiêu chí năm %(file_year)s (trang “%(sheet)s”), không phải năm "
                    "%(year)s đã chọn."
                )
                % {"file_year": match.group(1), "sheet": grid.title, "year": year}
            )
        return grid, header
    return None, None


def plan(grids, year):
    """Each cell whose value differs from the database, as a create/update/error row."""
    grid, header = _sheet(grids, year)
    if header is None:
        raise ImportFileError(
            _(
                "Không tìm thấy dòng tiêu đề: cần các cột Mã xã và TC1 … TC19 "
                "(mỗi cột một tiêu chí)."
            )
        )
    header_row, numbers, code_column, name_column = header
    criteria = {c.number: c for c in Criterion.objects.filter(criteria_set__code=NTM_SET)}
    unknown = sorted({n for n in numbers.values() if n not in criteria})
    if unknown:
        raise ImportFileError(
            _("Bộ tiêu chí không có tiêu chí số %(numbers)s (cột TC%(first)s).")
            % {"numbers": ", ".join(map(str, unknown)), "first": unknown[0]}
        )
    seen = {}
    for column, number in numbers.items():
        if number in seen:
            raise ImportFileError(
                _("Tiêu chí %(number)s có hai cột (%(first)s và %(second)s).")
                % {
                    "number": number,
                    "first": cell_name(header_row, seen[number]),
                    "second": cell_name(header_row, column),
                }
            )
        seen[number] = column

    communes = {c.code: c for c in Commune.objects.in_programme().select_related("district")}
    current = {
        (commune_id, criterion_id): (pk, met)
        for pk, commune_id, criterion_id, met in Assessment.objects.filter(
            year=year, criterion__in=criteria.values()
        ).values_list("pk", "commune_id", "criterion_id", "met")
    }
    result = Plan(kind="matrix")
    rows_of = {}
    found = 0
    for row in range(header_row + 1, grid.max_row + 1):
        raw_code = grid.value(row, code_column)
        if raw_code is None:
            continue
        code = commune_code(raw_code)
        if not _DIGITS.match(code):
            continue  # text in the code column: a signature or a note, not a commune row
        found += 1
        commune = communes.get(code)
        typed_name = grid.value(row, name_column)
        problem = None
        if len(code) != 5:
            problem = _("mã xã “%(code)s” phải có 5 chữ số") % {"code": code}
        elif commune is None:
            problem = _("không có xã mã %(code)s trong chương trình") % {"code": code}
        elif code in rows_of:
            problem = _("xã %(name)s (mã %(code)s) đã có ở dòng %(first)s") % {
                "name": commune.name,
                "code": code,
                "first": rows_of[code],
            }
        elif typed_name is not None and text.match_key(str(typed_name)) != text.match_key(
            commune.name
        ):
            problem = _("mã %(code)s là xã %(name)s, nhưng dòng ghi “%(typed)s”") % {
                "code": code,
                "name": commune.name,
                "typed": typed_name,
            }
        if problem:
            failed = PlanRow(row=row, commune=str(typed_name or code))
            failed.fail(_("Dòng %(row)s: %(problem)s.") % {"row": row, "problem": problem})
            result.rows.append(failed)
            continue
        rows_of[code] = row
        for column, number in sorted(numbers.items(), key=lambda item: item[1]):
            _plan_cell(result, grid, row, column, commune, criteria[number], current)
    if not found:
        raise ImportFileError(_("Tệp không có dòng xã nào (dòng có mã xã 5 chữ số ở cột Mã xã)."))
    return result


def _plan_cell(result, grid, row, column, commune, criterion, current):
    existing_pk, old = current.get((commune.pk, criterion.pk), (None, None))
    change = PlanRow(
        row=row,
        column=cell_name(row, column),
        commune=commune.name,
        district=commune.district.name if commune.district else "",
        criterion=f"TC{criterion.number}. {criterion.name}",
        old=old,
    )
    if (row, column) in grid.formulas_without_value:
        change.fail(
            _("Dòng %(row)s, ô %(cell)s: công thức chưa có giá trị tính sẵn.")
            % {"row": row, "cell": change.column}
        )
        result.rows.append(change)
        return
    raw = grid.value(row, column)
    new = met_value(raw)
    if new is None:
        change.fail(
            _("Dòng %(row)s, ô %(cell)s (TC%(number)s): “%(value)s” không phải “Đạt” hay để trống.")
            % {"row": row, "cell": change.column, "number": criterion.number, "value": raw}
        )
        result.rows.append(change)
        return
    change.new = new
    # Not assessed and left empty stays not assessed.
    if old == new or (old is None and not new):
        result.unchanged_cells += 1
        return
    change.action = CREATE if existing_pk is None else UPDATE
    change.target = {"assessment": existing_pk, "commune": commune, "criterion": criterion}
    result.rows.append(change)
