"""The criteria matrix of a year, edited in Excel: read it back and plan the changed cells.

The layout is the export's (reports/excel/matrix.py); the "TC<n>" header cells
map columns to criteria in any order ("TC 5", "tc5", "Tiêu chí 5" too).

A commune row is a numbered row (a whole number in the "STT" column) with
something in the "Mã xã" column or, in a file without an STT column, a row
whose code is all digits. Its code must name a commune of the programme: a
mistyped code is a row error the office can read, never a row skipped in
silence. District group rows, "Cộng …" subtotal rows, the total, notes and
the signature have no number and no code, and are skipped.

The communes are those of the year's map (scope.year_map): the xã before
01/07/2025 up to 2025, today's units from 2026. A commune that existed on no day
of the year (Tà Chải, merged on 01/11/2024, in 2025) takes no result: a row that
would change one of its cells is an error naming the unit its records go to now
(communes.validation), and a 2026 row with an old xã's code names its successor.

The sheet is read row by row and its communes are looked up CHUNK rows at a
time (one query for the communes, one for their assessments), so that memory
holds the changed cells only, whatever the size of the file.
"""

import re
from typing import NamedTuple

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from communes import text
from communes.models import Assessment, Commune, Criterion, Map
from communes.validation import ceased_in_year_message

from .files import ImportFileError, cell_name
from .plan import CellChange, Plan, PlanRow
from .scope import year_map

MET_WORDS = {"đạt", "dat", "x", "1", "✓", "✔", "true", "có"}
UNMET_WORDS = {"chưa đạt", "chua dat", "không đạt", "khong dat", "0", "-", "false", "không"}
_CRITERION = re.compile(r"^(?:tc|tieu chi)\s*\.?\s*(\d{1,2})$")
_SHEET_YEAR = re.compile(r"^\s*ti[eê]u ch[ií]\s+(\d{4})\s*$", re.IGNORECASE)
_DIGITS = re.compile(r"^\d{1,6}$")
_ORDINAL = re.compile(r"^\d{1,5}\.?$")
_HEADERS = {
    "ma xa": "code",
    "ma": "code",
    "ten xa": "name",
    "xa": "name",
    "stt": "stt",
    "tt": "stt",
    "so tt": "stt",
    "so thu tu": "stt",
}
CHUNK = 500  # commune rows looked up per query
# What a commune row needs: its Unit, and whether (and for whom) it takes the year's results.
UNIT_FIELDS = (
    "pk", "code", "name", "district__name", "kind", "valid_from", "valid_to",
    "current_unit", "current_unit__name", "current_unit__kind",
)  # fmt: skip


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


class Column(NamedTuple):
    """A criterion's column of the sheet."""

    number: int
    letter: str
    criterion_id: int
    criterion: int  # the criterion's number
    label: str


class Unit(NamedTuple):
    """A commune as the plan shows it."""

    pk: int
    name: str
    district: str
    refused: str = ""  # why the year's results cannot be recorded for it (it did not exist)


class Header(NamedTuple):
    row: int
    numbers: dict  # column -> criterion number
    code_column: int
    name_column: int
    stt_column: int | None


def find_header(rows):
    """The Header of the first row with TC columns, reading `rows` up to it; or None."""
    for row in rows:
        numbers = {}
        columns = {}
        for column, value in enumerate(row.values, start=1):
            if not isinstance(value, str):
                continue
            number = criterion_number(value)
            if number is not None:
                numbers[column] = number
            elif (role := _HEADERS.get(_folded(value))) is not None:
                columns.setdefault(role, column)
        if numbers:
            return Header(
                row.number,
                numbers,
                columns.get("code", 2),
                columns.get("name", 3),
                columns.get("stt"),
            )
    return None


def _sheet(book, year):
    """(Header, the rows below it) of "Tieu chi <year>" if there is one, else of the first
    sheet with a header."""
    titles = book.titles
    for title in titles:
        match = _SHEET_YEAR.match(title)
        if match and int(match.group(1)) == year:
            rows = book.rows(title)
            return find_header(rows), rows
    for title in titles:
        rows = book.rows(title)
        header = find_header(rows)
        if header is None:
            continue
        match = _SHEET_YEAR.match(title)
        if match:
            raise ImportFileError(
                _(
                    "Tệp là bảng tiêu chí năm %(file_year)s (trang “%(sheet)s”), không phải năm "
                    "%(year)s đã chọn."
                )
                % {"file_year": match.group(1), "sheet": title, "year": year}
            )
        return header, rows
    return None, None


def plan(book, year):
    """Each cell whose value differs from the database, as a create/update/error row.

    `book` is a files.Workbook.
    """
    header, rows = _sheet(book, year)
    if header is None:
        raise ImportFileError(
            _(
                "Không tìm thấy dòng tiêu đề: cần các cột Mã xã và TC1 … TC19 "
                "(mỗi cột một tiêu chí)."
            )
        )
    criteria = {c.number: c for c in Criterion.objects.programme()}
    unknown = sorted({n for n in header.numbers.values() if n not in criteria})
    if unknown:
        raise ImportFileError(
            _("Bộ tiêu chí không có tiêu chí số %(numbers)s (cột TC%(first)s).")
            % {"numbers": ", ".join(map(str, unknown)), "first": unknown[0]}
        )
    seen = {}
    for column, number in header.numbers.items():
        if number in seen:
            raise ImportFileError(
                _("Tiêu chí %(number)s có hai cột (%(first)s và %(second)s).")
                % {
                    "number": number,
                    "first": cell_name(header.row, seen[number]),
                    "second": cell_name(header.row, column),
                }
            )
        seen[number] = column

    planner = _Planner(year, header, criteria)
    for row in rows:
        planner.read(row)
    planner.flush()
    planner.result.extra["communes"] = planner.found
    if not planner.found:
        raise ImportFileError(
            _(
                "Tệp không có dòng xã nào (dòng có số thứ tự ở cột STT và mã xã ở cột Mã xã, "
                "hoặc dòng có mã xã 5 chữ số)."
            )
        )
    return planner.result


class _Planner:
    """Reads commune rows and plans their cells, looking communes up CHUNK rows at a time."""

    def __init__(self, year, header, criteria):
        self.year = year
        self.header = header
        self.columns = [
            Column(
                column,
                get_column_letter(column),
                criteria[number].pk,
                number,
                f"TC{number}. {criteria[number].name}",
            )
            for column, number in sorted(header.numbers.items(), key=lambda item: item[1])
        ]
        self.result = Plan(kind="matrix")
        self.map = year_map(year)
        self.found = 0
        self.rows_of = {}  # code -> the row it was first read in
        self.pending = []  # (row, code) not looked up yet

    def read(self, row):
        code = self._code(row)
        if code is None:
            return
        self.found += 1
        self.pending.append((row, code))
        if len(self.pending) >= CHUNK:
            self.flush()

    def _code(self, row):
        """The code of a commune row; None for any other row."""
        header = self.header
        raw = row.value(header.code_column)
        if raw is None:
            return None
        code = commune_code(raw)
        if not code:
            return None
        stt = row.value(header.stt_column) if header.stt_column else None
        if _DIGITS.match(code):
            # Official forms often number their columns under the header: (1) (2) (3) …
            numbering = (stt, raw, row.value(header.name_column)) == (
                header.stt_column,
                header.code_column,
                header.name_column,
            )
            return None if numbering else code
        return code if _ordinal(stt) else None

    def flush(self):
        pending, self.pending = self.pending, []
        if not pending:
            return
        codes = {code for _row, code in pending}
        communes = {
            values[1]: self._unit(*values)
            for values in Commune.objects.in_programme(self.map)
            .filter(code__in=codes)
            .values_list(*UNIT_FIELDS)
        }
        if self.map == Map.CURRENT and codes - communes.keys():
            communes.update(self._ceased(codes - communes.keys()))
        current = {
            (commune_id, criterion_id): (pk, met)
            for pk, commune_id, criterion_id, met in Assessment.objects.filter(
                year=self.year,
                commune_id__in=[commune.pk for commune in communes.values()],
                criterion_id__in=[column.criterion_id for column in self.columns],
            ).values_list("pk", "commune_id", "criterion_id", "met")
        }
        for row, code in pending:
            commune = communes.get(code)
            problem = self._problem(row, code, commune)
            if problem:
                typed = row.value(self.header.name_column)
                failed = PlanRow(row=row.number, commune=str(typed or code))
                failed.fail(
                    _("Dòng %(row)s: %(problem)s.") % {"row": row.number, "problem": problem}
                )
                self.result.rows.append(failed)
                continue
            self.rows_of[code] = row.number
            self._cells(row, commune, current)

    def _unit(self, pk, code, name, district, kind, valid_from, valid_to, *successor):
        """The Unit of a commune's values (UNIT_FIELDS), with why it takes no result of
        the year (a commune that existed on no day of it)."""
        refused = ""
        year = self.year
        if (valid_to and valid_to.year < year) or (valid_from and valid_from.year > year):
            unit = Commune(pk=pk, name=name, kind=kind, valid_from=valid_from, valid_to=valid_to)
            if successor[0] is not None:
                unit.current_unit = Commune(pk=successor[0], name=successor[1], kind=successor[2])
            refused = ceased_in_year_message(unit, year) or ""
        return Unit(pk, name, district or "", refused)

    def _ceased(self, codes):
        """{code: Unit} of old xã typed in a year of today's map: each refused, naming the
        unit of today (one query, only for codes that are no unit of today)."""
        return {
            values[1]: self._unit(*values)
            for values in Commune.objects.in_programme(Map.OLD)
            .filter(code__in=codes)
            .values_list(*UNIT_FIELDS)
        }

    def _problem(self, row, code, commune):
        if commune is None:
            if code.isascii() and code.isdigit() and len(code) != 5:
                return _("mã xã “%(code)s” phải có 5 chữ số") % {"code": code}
            return _("không có xã mã %(code)s trong chương trình") % {"code": code}
        name = commune.name
        if code in self.rows_of:
            return _("xã %(name)s (mã %(code)s) đã có ở dòng %(first)s") % {
                "name": name,
                "code": code,
                "first": self.rows_of[code],
            }
        typed = row.value(self.header.name_column)
        if typed is not None and text.match_key(str(typed)) != text.match_key(name):
            return _("mã %(code)s là xã %(name)s, nhưng dòng ghi “%(typed)s”") % {
                "code": code,
                "name": name,
                "typed": typed,
            }
        return None

    def _cells(self, row, commune, current):
        result = self.result
        changes = []
        for column in self.columns:
            existing_pk, old = current.get((commune.pk, column.criterion_id), (None, None))
            if column.number in row.formulas_without_value:
                failed = _failed(row, column, commune, old)
                failed.fail(
                    _("Dòng %(row)s, ô %(cell)s: công thức chưa có giá trị tính sẵn.")
                    % {"row": row.number, "cell": failed.column}
                )
                result.rows.append(failed)
                continue
            raw = row.value(column.number)
            new = met_value(raw)
            if new is None:
                failed = _failed(row, column, commune, old)
                failed.fail(
                    _(
                        "Dòng %(row)s, ô %(cell)s (TC%(number)s): “%(value)s” không phải “Đạt” "
                        "hay để trống."
                    )
                    % {
                        "row": row.number,
                        "cell": failed.column,
                        "number": column.criterion,
                        "value": raw,
                    }
                )
                result.rows.append(failed)
            # Not assessed and left empty stays not assessed.
            elif old == new or (old is None and not new):
                result.unchanged_cells += 1
            else:
                changes.append(CellChange(row.number, column, commune, old, new, existing_pk))
        if changes and commune.refused:
            failed = PlanRow(row=row.number, commune=commune.name, district=commune.district)
            failed.fail(
                _("Dòng %(row)s: %(problem)s") % {"row": row.number, "problem": commune.refused}
            )
            result.rows.append(failed)
            return
        result.rows.extend(changes)


def _failed(row, column, commune, old):
    return PlanRow(
        row=row.number,
        column=f"{column.letter}{row.number}",
        commune=commune.name,
        district=commune.district,
        criterion=column.label,
        old=old,
    )


def _ordinal(value):
    """Whether `value` is a row number: 1, 12.0 or "12" (not "I", "1.2" or a date)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value > 0
    return isinstance(value, str) and _ORDINAL.match(value) is not None
