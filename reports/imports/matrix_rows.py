"""The commune rows of a criteria-matrix sheet, and the rules every changed cell obeys.

A sheet's rows are read one by one and their communes looked up a chunk at a time
(one query for the communes, one for what they hold now), so that memory holds the
changed cells only. Whatever the sheet (the criteria, or from 2026 the indicators):

* a commune row is a numbered row (a whole number in "STT") with a code, or, in a
  file without an STT column, a row whose code is all digits; its code must name a
  unit of the year's map (scope.year_map), once per sheet, under its own name;
* a unit that existed on no day of the year takes no result (communes.validation);
* from 2026 a commune without a group for the period (CommuneGroup) takes no result:
  the row is an error (communes.evaluation needs the group's requirements);
* a cell that would change a locked commune-year (approved, or its year closed:
  communes.locks) is an error listing the row's changed cells and why; cells equal
  to what is stored are no change, so a locked commune's row read back unchanged is
  fine. Any error refuses the whole import.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _

from communes import locks, text
from communes.models import Commune, CommuneGroup, Map
from communes.validation import ceased_in_year_message

from .matrix_values import commune_code, ordinal
from .plan import PlanRow

# What a commune row needs: its Unit, and whether (and for whom) it takes the year's results.
UNIT_FIELDS = (
    "pk", "code", "name", "district__name", "kind", "valid_from", "valid_to",
    "current_unit", "current_unit__name", "current_unit__kind",
)  # fmt: skip
_DIGITS_ONLY = 6  # a code of up to this many digits is read without an STT


class Unit(NamedTuple):
    """A commune as the plan shows it."""

    pk: int
    name: str
    district: str
    refused: str = ""  # why the year's results cannot be recorded for it (it did not exist)
    title: str = ""  # "Xã Bát Xát": the unit in a sentence


class Header(NamedTuple):
    row: int
    numbers: dict  # column -> criterion number (criteria) or indicator code (indicators)
    code_column: int
    name_column: int
    stt_column: int | None
    names: dict = {}  # column -> the folded name written after "TC<n>", if any


@dataclass
class Year:
    """What every sheet of one import shares: the year, its map and set, the plan."""

    year: int
    map: str
    criteria_set: object
    result: object  # the Plan
    chunk: int
    period_id: int | None = None  # set when a commune needs a group to take results
    locked: list = field(default_factory=list)  # the locked rows' messages, for apply()


class RowPlanner:
    """Reads commune rows and plans their cells, looking communes up `chunk` rows at a time.

    A subclass says what a commune holds now (`lookup`) and what its cells change (`cells`).
    """

    sheet = None  # the sheet's title in messages; None: the criteria sheet ("Dòng 12")

    def __init__(self, year, header):
        self.context = year
        self.year = year.year
        self.header = header
        self.result = year.result
        self.found = 0
        self.rows_of = {}  # code -> the row it was first read in
        self.pending = []  # (row, code) not looked up yet
        self._groups = None  # {commune id: group} of the chunk, once asked
        self._ids = []  # the chunk's communes

    # --- reading -------------------------------------------------------------------

    def read(self, row):
        code = self._code(row)
        if code is None:
            return
        self.found += 1
        self.pending.append((row, code))
        if len(self.pending) >= self.context.chunk:
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
        if code.isascii() and code.isdigit() and len(code) <= _DIGITS_ONLY:
            # Official forms often number their columns under the header: (1) (2) (3) …
            numbering = (stt, raw, row.value(header.name_column)) == (
                header.stt_column,
                header.code_column,
                header.name_column,
            )
            return None if numbering else code
        return code if ordinal(stt) else None

    def where(self, row):
        """ "Dòng 12", or "Trang “Chỉ tiêu”, dòng 12" on another sheet than the criteria."""
        if self.sheet is None:
            return _("Dòng %(row)s") % {"row": row}
        return _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": self.sheet, "row": row}

    def cell(self, letter, row):
        """ "D12", or "Chỉ tiêu!D12" on another sheet than the criteria."""
        return f"{letter}{row}" if self.sheet is None else f"{self.sheet}!{letter}{row}"

    # --- one chunk -----------------------------------------------------------------

    def flush(self):
        pending, self.pending = self.pending, []
        if not pending:
            return
        codes = {code for _row, code in pending}
        communes = self._units(Commune.objects.in_programme(self.context.map), codes)
        if self.context.map == Map.CURRENT and codes - communes.keys():
            # Old xã typed in a year of today's map: each refused, naming the unit of today.
            ceased = self._units(Commune.objects.in_programme(Map.OLD), codes - communes.keys())
            communes.update(ceased)
        ids = [commune.pk for commune in communes.values()]
        self._groups = None
        self._ids = ids
        current = self.lookup(ids)
        entries = []  # (row, commune, error rows, changes) in file order
        for row, code in pending:
            commune = communes.get(code)
            problem = self._problem(row, code, commune)
            if problem:
                typed = row.value(self.header.name_column)
                failed = PlanRow(row=row.number, commune=str(typed or code))
                failed.fail(
                    _("%(where)s: %(problem)s.")
                    % {"where": self.where(row.number), "problem": problem}
                )
                entries.append((row, None, [failed], []))
                continue
            self.rows_of[code] = row.number
            errors, changes = self.cells(row, commune, current)
            if changes and commune.refused:
                errors.append(self._row_error(row, commune, commune.refused))
                changes = []
            elif changes and self.context.period_id and self.group_of(commune.pk) is None:
                errors.append(self.no_group(row, commune))
                changes = []
            entries.append((row, commune, errors, changes))
        self._emit(entries)

    def _units(self, communes, codes):
        return {
            values[1]: self._unit(*values)
            for values in communes.filter(code__in=codes).values_list(*UNIT_FIELDS)
        }

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
        title = f"{Commune.Kind(kind).label} {name}" if kind else name
        return Unit(pk, name, district or "", refused, title)

    def group_of(self, commune_id):
        """The commune's group for the period (None: none set); one query per chunk."""
        if self._groups is None:
            self._groups = dict(
                CommuneGroup.objects.filter(
                    period_id=self.context.period_id, commune_id__in=self._ids
                ).values_list("commune_id", "number")
            )
        return self._groups.get(commune_id)

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

    def _row_error(self, row, commune, message, **fields):
        failed = PlanRow(row=row.number, commune=commune.name, district=commune.district, **fields)
        where = self.where(row.number)
        failed.fail(_("%(where)s: %(problem)s") % {"where": where, "problem": message})
        return failed

    def no_group(self, row, commune):
        return self._row_error(
            row,
            commune,
            _(
                "%(unit)s chưa được xếp nhóm xã (nhóm 1, 2, 3) của giai đoạn %(period)s nên "
                "chưa ghi được kết quả năm %(year)s; hãy xếp nhóm cho xã trước."
            )
            % {
                "unit": commune.title or commune.name,
                "period": self.context.criteria_set.period.label,
                "year": self.year,
            },
        )

    def _emit(self, entries):
        """The chunk's rows into the plan: a row changing a locked commune-year is an error."""
        pairs = {(commune.pk, self.year) for _row, commune, _errors, changes in entries if changes}
        reasons = locks.locked(pairs) if pairs else {}
        rows = self.result.rows
        for row, commune, errors, changes in entries:
            rows.extend(errors)
            reason = reasons.get((commune.pk, self.year)) if changes else None
            if reason is None:
                rows.extend(changes)
                continue
            cells = ", ".join(f"{change.column} ({change.short})" for change in changes)
            failed = self._row_error(
                row,
                commune,
                _("không ghi được ô %(cells)s: %(reason)s") % {"cells": cells, "reason": reason},
                column=changes[0].column if len(changes) == 1 else "",
                criterion=", ".join(change.short for change in changes),
            )
            rows.append(failed)
            self.context.locked.append(failed.errors[0])

    # --- what a sheet says -------------------------------------------------------------

    def lookup(self, commune_ids):
        """What the chunk's communes hold now, for cells()."""
        raise NotImplementedError

    def cells(self, row, commune, current):
        """([error PlanRow], [changes]) of one commune row."""
        raise NotImplementedError
