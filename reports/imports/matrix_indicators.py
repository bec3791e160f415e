"""The indicator sheet of a criteria matrix (2026+): one row per commune, one column per indicator.

The layout is the export's ("Chỉ tiêu", reports/excel/matrix_sets.py): under a
header row holding "Chỉ tiêu 2.3" (or "CT 2.3", "2.3" typed as text) per column,
each commune row has, per indicator, what the commune's group requires
(Requirement, by CommuneGroup of the period):

* a number where the group's requirement is a number ("≥ 80"): the value is
  kept and met is decided against the group's target (Requirement.check_value);
* "Đạt" or "Chưa đạt" (or x, 1, 0 …) where it is not;
* an empty cell records nothing and deletes nothing (a result is removed in the
  commune's dossier), so a sheet may carry only the indicators it updates.

A cell that reads as what is stored (the value, or the word of a result kept
without a value) is no change. A commune without a group cannot take indicator
results: its row is an error, unless its cells change nothing. On confirm the
criteria follow from the indicators (communes.evaluation.evaluate).
"""

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from communes import evaluation, text
from communes.models import Indicator, IndicatorResult

from .files import ImportFileError, cell_name
from .matrix_rows import Header, RowPlanner
from .matrix_values import UNIT_HEADERS, folded, indicator_code, met_value, number_value, shown
from .plan import CREATE, UPDATE

SEARCH_ROWS = 30  # how far down a sheet its header row is looked for
LABEL_LENGTH = 90  # an indicator's name in the preview, at most


def code_key(code):
    """An indicator number as compared: "2.3", "17.8a" (case and spaces aside)."""
    return text.fold(str(code)).replace(" ", "")


def set_indicators(criteria_set):
    """{code_key: Indicator} of the set, their criteria loaded (one query)."""
    indicators = Indicator.objects.filter(criterion__criteria_set=criteria_set)
    return {code_key(i.code): i for i in indicators.select_related("criterion")}


def find_header(rows):
    """The Header of the first row with indicator columns and a "Mã xã" column among the first
    SEARCH_ROWS; or None (a sheet of notes numbered "1.1" is no indicator sheet)."""
    for row in rows:
        if row.number > SEARCH_ROWS:
            return None
        codes, columns = {}, {}
        for column, value in enumerate(row.values, start=1):
            code = indicator_code(value)
            if code is not None:
                codes[column] = code_key(code)
            elif isinstance(value, str) and (role := UNIT_HEADERS.get(folded(value))):
                columns.setdefault(role, column)
        if codes and "code" in columns:
            name = columns.get("name", 3)
            return Header(row.number, codes, columns["code"], name, columns.get("stt"))
    return None


def _find(book, skip):
    """(title, Header, rows below it) of the first sheet other than `skip` with indicator
    columns, or None."""
    for title in book.titles:
        if title == skip:
            continue
        rows = book.rows(title)
        header = find_header(rows)
        if header is not None:
            return title, header, rows
    return None


def plan_sheet(book, skip, context, indicators):
    """Plan the indicator sheet of `book` (any sheet but `skip`, the criteria) into the plan."""
    found = _find(book, skip)
    criteria_set = context.criteria_set
    if found is None:
        return  # the criteria without indicators only; the others stay as they are
    title, header, rows = found
    if not indicators:
        raise ImportFileError(
            _(
                "Trang “%(sheet)s” ghi kết quả theo chỉ tiêu, nhưng năm %(year)s đánh giá theo "
                "%(set)s, chưa có chỉ tiêu nào: kết quả ghi theo từng tiêu chí. Hãy xuất hoặc tải "
                "mẫu bảng tiêu chí năm %(year)s rồi nhập lại."
            )
            % {"sheet": title, "year": context.year, "set": criteria_set}
        )
    _check_columns(header, indicators, title, criteria_set)
    planner = IndicatorPlanner(context, header, title, indicators)
    for row in rows:
        planner.read(row)
    planner.flush()
    context.result.extra["indicator_communes"] = planner.found


def _check_columns(header, indicators, title, criteria_set):
    unknown = [column for column, code in header.numbers.items() if code not in indicators]
    if unknown:
        raise ImportFileError(
            _("%(set)s không có chỉ tiêu %(codes)s (trang “%(sheet)s”, ô %(cells)s).")
            % {
                "set": criteria_set,
                "codes": ", ".join(header.numbers[column] for column in unknown),
                "sheet": title,
                "cells": ", ".join(cell_name(header.row, column) for column in unknown),
            }
        )
    seen = {}
    for column, code in header.numbers.items():
        if code in seen:
            raise ImportFileError(
                _("Chỉ tiêu %(code)s có hai cột (trang “%(sheet)s”, ô %(first)s và %(second)s).")
                % {
                    "code": code,
                    "sheet": title,
                    "first": cell_name(header.row, seen[code]),
                    "second": cell_name(header.row, column),
                }
            )
        seen[code] = column


class IndicatorColumn:
    """An indicator's column of the sheet."""

    __slots__ = ("number", "letter", "indicator_id", "code", "label", "short", "sheet")

    def __init__(self, number, indicator, sheet):
        self.number = number  # the column
        self.sheet = sheet
        self.letter = get_column_letter(number)
        self.indicator_id = indicator.pk
        self.code = indicator.code
        name = indicator.name
        if len(name) > LABEL_LENGTH:
            name = name[: LABEL_LENGTH - 1] + "…"
        self.label = _("Chỉ tiêu %(code)s (TC%(criterion)s). %(name)s") % {
            "code": indicator.code,
            "criterion": indicator.criterion.number,
            "name": name,
        }
        self.short = _("chỉ tiêu %(code)s") % {"code": indicator.code}


class IndicatorChange:
    """An indicator result to create or update, read like a PlanRow (see plan.CellChange).

    `old` and `new` are met (None: no result yet); where the requirement is a number the
    values are shown with the indicator. A national import plans ~470,000 of them: each
    keeps the number as the cell held it (`typed`), read as a Decimal when needed.
    """

    __slots__ = ("row", "old", "new", "old_value", "typed", "result", "_column", "_commune")
    errors = notes = ()

    def __init__(self, row, column, commune, old, new, old_value, typed, result):
        self.row = row
        self._column = column
        self._commune = commune
        self.old = old
        self.new = new
        self.old_value = old_value
        self.typed = typed  # the cell's number; None: a yes/no result (its value is kept)
        self.result = result  # the id of the IndicatorResult to update; None: create

    @property
    def action(self):
        return CREATE if self.result is None else UPDATE

    @property
    def new_value(self):
        return None if self.typed is None else number_value(self.typed)

    @property
    def column(self):
        return f"{self._column.sheet}!{self._column.letter}{self.row}"

    @property
    def criterion(self):
        if self.typed is None:
            return self._column.label
        before = shown(self.old_value) if self.old_value is not None else "–"
        return f"{self._column.label}: {before} → {shown(self.new_value)}"

    short = property(lambda self: self._column.short)
    indicator_id = property(lambda self: self._column.indicator_id)
    commune = property(lambda self: self._commune.name)
    commune_id = property(lambda self: self._commune.pk)
    district = property(lambda self: self._commune.district)


class IndicatorPlanner(RowPlanner):
    """The indicator sheet's commune rows, each cell judged by the commune group's requirement."""

    def __init__(self, context, header, title, indicators):
        super().__init__(context, header)
        self.sheet = title
        self.columns = [
            IndicatorColumn(column, indicators[code], title)
            for column, code in sorted(
                header.numbers.items(), key=lambda item: indicators[item[1]].order
            )
        ]
        self.requirements = evaluation.requirements_of(context.criteria_set)

    def lookup(self, commune_ids):
        return {
            (commune_id, indicator_id): (pk, met, value)
            for pk, commune_id, indicator_id, met, value in IndicatorResult.objects.filter(
                year=self.year,
                commune_id__in=commune_ids,
                indicator_id__in=[column.indicator_id for column in self.columns],
            ).values_list("pk", "commune_id", "indicator_id", "met", "value")
        }

    def cells(self, row, commune, current):
        errors, changes = [], []
        group = self.group_of(commune.pk) if self.context.period_id else None
        for column in self.columns:
            stored = current.get((commune.pk, column.indicator_id))
            if column.number in row.formulas_without_value:
                errors.append(
                    self._cell_error(row, commune, column, _("công thức chưa có giá trị tính sẵn"))
                )
                continue
            raw = row.value(column.number)
            if raw is None or _as_stored(raw, stored):
                self.result.unchanged_cells += 1
                continue
            if group is None and self.context.period_id:
                errors.append(self.no_group(row, commune))
                return errors, []
            requirement = self.requirements.get((column.indicator_id, group))
            change = self._read(row, commune, column, raw, stored, requirement, errors)
            if change is not None:
                changes.append(change)
        return errors, changes

    def _read(self, row, commune, column, raw, stored, requirement, errors):
        """The IndicatorChange of one filled cell, or None (an error, or no change)."""
        pk, old, old_value = stored or (None, None, None)
        if requirement is not None and requirement.is_numeric:
            value = number_value(raw)
            if value is None:
                errors.append(
                    self._cell_error(
                        row,
                        commune,
                        column,
                        _("“%(value)s” không phải một số (nhóm %(group)s: %(requirement)s)")
                        % {
                            "value": raw,
                            "group": requirement.group,
                            "requirement": requirement.text,
                        },
                    )
                )
                return None
            met = requirement.check_value(value)
            if stored is not None and (old, old_value) == (met, value):
                self.result.unchanged_cells += 1
                return None
            return IndicatorChange(row.number, column, commune, old, met, old_value, raw, pk)
        met = met_value(raw)
        if met is None:
            errors.append(
                self._cell_error(
                    row,
                    commune,
                    column,
                    _("“%(value)s” không phải “Đạt” hay “Chưa đạt”") % {"value": raw},
                )
            )
            return None
        if stored is not None and old == met:
            self.result.unchanged_cells += 1
            return None
        return IndicatorChange(row.number, column, commune, old, met, old_value, None, pk)

    def _cell_error(self, row, commune, column, problem):
        return self._row_error(
            row,
            commune,
            _("ô %(cell)s (%(indicator)s): %(problem)s.")
            % {
                "cell": f"{column.letter}{row.number}",
                "indicator": column.short,
                "problem": problem,
            },
            column=self.cell(column.letter, row.number),
            criterion=column.label,
        )


def _as_stored(raw, stored):
    """Whether a cell reads as the stored result as the export writes it (its value, else its
    word): a cell of a commune without a group, or a locked one, read back unchanged."""
    if stored is None:
        return False
    _pk, met, value = stored
    if value is not None:
        return number_value(raw) == value
    return met_value(raw) == met
