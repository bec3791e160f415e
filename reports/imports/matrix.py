"""The criteria matrix of a year, edited in Excel: read it back and plan the changed cells.

The layout is the export's (reports/excel/matrix.py, and matrix_sets.py from 2026);
the year decides the criteria set (CriteriaSet.objects.for_year): 19 criteria up
to 2025, 10 from 2026. The "TC<n>" header cells map columns to criteria in any
order ("TC 5", "tc5", "Tiêu chí 5", "TC5 Văn hóa, giáo dục, y tế" too). A file of
the other set (19 columns for 2026, the 2026 criteria's names for 2025) is refused
as a whole, saying so.

From 2026 a criterion that has indicators is not read from its column (its
heading says "(tính từ chỉ tiêu)"): the indicator sheet ("Chỉ tiêu",
matrix_indicators.py) is, and communes.evaluation derives the criterion from it
on confirm. A criterion without indicators yet is read from its column, as up to
2025; a file without the indicator sheet changes those criteria only.

Rows (matrix_rows.py): a commune row is a numbered row with a code of the year's
map (scope.year_map: the xã before 01/07/2025 up to 2025, today's units from
2026); group rows, "Cộng …" subtotals, the total, notes and the signature are
skipped. A mistyped code is a row error, a cell of a locked commune-year
(communes.locks) that would change is a row error listing the cells, and any
error refuses the whole file.

The sheet is read row by row and its communes are looked up CHUNK rows at a
time, so that memory holds the changed cells only, whatever the size of the file.
"""

import re

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from communes.models import Assessment, CriteriaSet, Criterion, Map

from . import matrix_indicators
from .files import ImportFileError, cell_name
from .matrix_rows import Header, RowPlanner, Unit, Year
from .matrix_values import (  # noqa: F401 (read from here by kinds.py, groups.py, tests)
    MET_WORDS,
    UNIT_HEADERS,
    UNMET_WORDS,
    commune_code,
    criterion_header,
    criterion_number,
    folded,
    met_value,
)
from .plan import CellChange, Plan, PlanRow
from .scope import year_map

__all__ = ["CHUNK", "Unit", "commune_code", "criterion_number", "met_value", "plan"]

_SHEET_YEAR = re.compile(r"^\s*ti[eê]u ch[ií]\s+(\d{4})\s*$", re.IGNORECASE)
CHUNK = 500  # commune rows looked up per query


class Column:
    """A criterion's column of the sheet."""

    __slots__ = ("number", "letter", "criterion_id", "criterion", "label", "short")

    def __init__(self, number, criterion):
        self.number = number  # the column
        self.letter = get_column_letter(number)
        self.criterion_id = criterion.pk
        self.criterion = criterion.number
        self.label = f"TC{criterion.number}. {criterion.name}"
        self.short = f"TC{criterion.number}"


def find_header(rows):
    """The Header of the first row with TC columns, reading `rows` up to it; or None."""
    for row in rows:
        numbers, names, columns = {}, {}, {}
        for column, value in enumerate(row.values, start=1):
            if not isinstance(value, str):
                continue
            found = criterion_header(value)
            if found is not None:
                numbers[column], names[column] = found
            elif (role := UNIT_HEADERS.get(folded(value))) is not None:
                columns.setdefault(role, column)
        if numbers:
            return Header(
                row.number,
                numbers,
                columns.get("code", 2),
                columns.get("name", 3),
                columns.get("stt"),
                {column: name for column, name in names.items() if name},
            )
    return None


def _sheet(book, year):
    """(title, Header, the rows below it) of "Tieu chi <year>" if there is one, else of the
    first sheet with a header."""
    titles = book.titles
    for title in titles:
        match = _SHEET_YEAR.match(title)
        if match and int(match.group(1)) == year:
            rows = book.rows(title)
            return title, find_header(rows), rows
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
        return title, header, rows
    return None, None, None


def year_criteria(year):
    """{number: Criterion} of the year's set (CriteriaSet.objects.for_year), its set and
    period loaded: one query."""
    newest = CriteriaSet.objects.of_year(year).values("pk")[:1]
    rows = Criterion.objects.filter(criteria_set=newest).select_related("criteria_set__period")
    return {criterion.number: criterion for criterion in rows}


def plan(book, year):
    """Each cell whose value differs from the database, as a create/update/error row.

    `book` is a files.Workbook.
    """
    criteria = year_criteria(year)
    if not criteria:
        raise ImportFileError(
            _("Năm %(year)s chưa có bộ tiêu chí nào để ghi kết quả.") % {"year": year}
        )
    criteria_set = next(iter(criteria.values())).criteria_set
    title, header, rows = _sheet(book, year)
    if header is None:
        raise ImportFileError(
            _(
                "Không tìm thấy dòng tiêu đề: cần các cột Mã xã và TC1 … TC%(last)s "
                "(mỗi cột một tiêu chí)."
            )
            % {"last": max(criteria)}
        )
    _check_columns(header, criteria, criteria_set, year)

    result = Plan(kind="matrix")
    result.extra["criteria_set"] = criteria_set
    context = Year(year, year_map(year), criteria_set, result, CHUNK)
    indicators = {}
    if context.map == Map.CURRENT:
        # From 2026: results need the commune's group, and criteria may have indicators.
        if criteria_set.period.has_groups:
            context.period_id = criteria_set.period_id
        indicators = matrix_indicators.set_indicators(criteria_set)
    derived = {indicator.criterion_id for indicator in indicators.values()}
    planner = _CriteriaPlanner(context, header, criteria, derived)
    for row in rows:
        planner.read(row)
    planner.flush()
    result.extra["communes"] = planner.found
    if not planner.found:
        raise ImportFileError(
            _(
                "Tệp không có dòng xã nào (dòng có số thứ tự ở cột STT và mã xã ở cột Mã xã, "
                "hoặc dòng có mã xã 5 chữ số)."
            )
        )
    # Up to 2025 an indicator sheet is refused: the file is of the 2026–2030 set.
    matrix_indicators.plan_sheet(book, title, context, indicators)
    result.extra["locked"] = context.locked
    return result


def _check_columns(header, criteria, criteria_set, year):
    """Refuse a file whose criteria columns are not the year's set (another period's file)."""
    numbers = set(header.numbers.values())
    unknown = sorted(numbers - criteria.keys())
    other = None
    if unknown and max(unknown) > max(criteria):
        other = _other_set(criteria_set, lambda c: c.number == max(unknown))
        count = len(numbers)
        raise ImportFileError(
            _(
                "Tệp có %(count)s cột tiêu chí (đến TC%(last)s)%(other)s, nhưng năm %(year)s "
                "đánh giá theo %(set)s, gồm %(size)s tiêu chí (TC1 … TC%(size)s). Hãy xuất "
                "hoặc tải mẫu bảng tiêu chí năm %(year)s rồi nhập lại."
            )
            % {
                "count": count,
                "last": max(unknown),
                "other": _of_set(other),
                "year": year,
                "set": criteria_set,
                "size": len(criteria),
            }
        )
    if unknown:
        raise ImportFileError(
            _("Bộ tiêu chí không có tiêu chí số %(numbers)s (cột TC%(first)s).")
            % {"numbers": ", ".join(map(str, unknown)), "first": unknown[0]}
        )
    for column, name in header.names.items():
        number = header.numbers[column]
        if folded(criteria[number].name) == name:
            continue
        other = _other_set(
            criteria_set, lambda c, n=number, m=name: (c.number, folded(c.name)) == (n, m)
        )
        if other is not None:
            raise ImportFileError(
                _(
                    "Cột %(cell)s là tiêu chí %(number)s của %(other)s, nhưng năm %(year)s đánh "
                    "giá theo %(set)s. Hãy xuất hoặc tải mẫu bảng tiêu chí năm %(year)s rồi "
                    "nhập lại."
                )
                % {
                    "cell": cell_name(header.row, column),
                    "number": number,
                    "other": other,
                    "year": year,
                    "set": criteria_set,
                }
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


def _other_set(criteria_set, matches):
    """The commune set of another period one of whose criteria `matches`, or None (asked only
    for a file that is refused)."""
    others = CriteriaSet.objects.commune_sets().exclude(period=criteria_set.period_id)
    for other in others.select_related("period").prefetch_related("criteria"):
        if any(matches(criterion) for criterion in other.criteria.all()):
            return other
    return None


def _of_set(criteria_set):
    return "" if criteria_set is None else _(" của %(set)s") % {"set": criteria_set}


class _CriteriaPlanner(RowPlanner):
    """The criteria sheet: one cell per commune and criterion ("Đạt" or empty).

    Criteria in `derived` (they have indicators) are not read: their results follow from
    the indicator sheet.
    """

    def __init__(self, context, header, criteria, derived):
        super().__init__(context, header)
        self.columns = [
            Column(column, criteria[number])
            for column, number in sorted(header.numbers.items(), key=lambda item: item[1])
            if criteria[number].pk not in derived
        ]

    def lookup(self, commune_ids):
        if not self.columns:
            return {}
        return {
            (commune_id, criterion_id): (pk, met)
            for pk, commune_id, criterion_id, met in Assessment.objects.filter(
                year=self.year,
                commune_id__in=commune_ids,
                criterion_id__in=[column.criterion_id for column in self.columns],
            ).values_list("pk", "commune_id", "criterion_id", "met")
        }

    def cells(self, row, commune, current):
        errors, changes = [], []
        for column in self.columns:
            existing_pk, old = current.get((commune.pk, column.criterion_id), (None, None))
            if column.number in row.formulas_without_value:
                failed = self._failed(row, column, commune, old)
                failed.fail(
                    _("%(where)s, ô %(cell)s: công thức chưa có giá trị tính sẵn.")
                    % {"where": self.where(row.number), "cell": failed.column}
                )
                errors.append(failed)
                continue
            raw = row.value(column.number)
            new = met_value(raw)
            if new is None:
                failed = self._failed(row, column, commune, old)
                failed.fail(
                    _(
                        "%(where)s, ô %(cell)s (TC%(number)s): “%(value)s” không phải “Đạt” "
                        "hay để trống."
                    )
                    % {
                        "where": self.where(row.number),
                        "cell": failed.column,
                        "number": column.criterion,
                        "value": raw,
                    }
                )
                errors.append(failed)
            # Not assessed and left empty stays not assessed.
            elif old == new or (old is None and not new):
                self.result.unchanged_cells += 1
            else:
                changes.append(CellChange(row.number, column, commune, old, new, existing_pk))
        return errors, changes

    def _failed(self, row, column, commune, old):
        return PlanRow(
            row=row.number,
            column=f"{column.letter}{row.number}",
            commune=commune.name,
            district=commune.district,
            criterion=column.label,
            old=old,
        )
