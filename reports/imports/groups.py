"""Commune groups of a period from Excel: one commune a row, its group (nhóm 1 / 2 / 3) and basis.

Columns, in any order under a header row: "Mã xã" (the GSO code, optional),
"Tên xã", "Nhóm" (1, 2, 3, "Nhóm 2", "nhóm 3") and "Căn cứ". A row is matched
as the other imports match: by its code first (the typed name must then be that
unit's), else by its name among the period's units (communes.grouping), never
guessed between two units of one name. A row whose group is left empty changes
nothing (the blank template lists every unit).

Each row is an error the office can read (an unknown or ambiguous unit, a group
that is not 1–3, a unit already in an earlier row, a unit that ceased, named with
its successor), or a group to create, change or leave as it is. Confirming writes
through communes.grouping.set_groups, which re-evaluates the results recorded
under the old group and reports which criteria changed.
"""

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from communes import grouping, text
from communes.models import Commune, CommuneGroup, Map, Period
from communes.validation import unit_title

from . import kinds, spelling
from .files import ImportFileError
from .matrix import commune_code
from .names import folded
from .plan import CREATE, UNCHANGED, UPDATE, Plan, PlanRow

HEADERS = {
    "ma xa": "code",
    "ma": "code",
    "ma don vi": "code",
    "ten xa": "name",
    "xa": "name",
    "ten don vi": "name",
    "don vi": "name",
    "nhom": "group",
    "nhom xa": "group",
    "can cu": "basis",
    "can cu phan nhom": "basis",
    "can cu xep nhom": "basis",
}
HEADER_ROWS = 30  # how far down a sheet its header row is looked for
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_GROUP = re.compile(r"^(?:nhom\s*)?(\d{1,3})$")


def group_number(value):
    """2 for 2, 2.0, "2", "Nhóm 2", "nhóm 2"; None for anything else (left to the row's error)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value
    match = _GROUP.match(folded(value))
    return int(match.group(1)) if match else None


def _role(value):
    if not isinstance(value, str) or len(value) > 60:
        return None
    return HEADERS.get(folded(_TRAILING_NOTE.sub("", value)))


def _header(grid):
    """(row, {role: column}) of the sheet's header row: a name or code column and a group
    column; None when the sheet has none."""
    for row in range(1, min(grid.max_row, HEADER_ROWS) + 1):
        columns = {}
        for column, value in enumerate(grid.row(row), start=1):
            role = _role(value)
            if role is not None:
                columns.setdefault(role, column)
        if "group" in columns and ("name" in columns or "code" in columns):
            return row, columns
    return None


class Units:
    """The period's units by code and name, and the old xã whose names a file may still use."""

    def __init__(self, period):
        self.period = period
        self.units = list(grouping.programme_communes(period).order_by("sort_name", "code"))
        self.by_code = {unit.code: unit for unit in self.units}
        self.by_key = defaultdict(list)
        for unit in self.units:
            self.by_key[text.match_key(unit.name)].append(unit)
        self.old_by_code, self.old_by_key = {}, defaultdict(list)
        if grouping.period_map(period) == Map.CURRENT:
            old = Commune.objects.in_programme(Map.OLD).select_related("current_unit")
            for unit in old:
                self.old_by_code.setdefault(unit.code, unit)
                self.old_by_key[text.match_key(unit.name)].append(unit)

    def find(self, code, name):
        """(the unit, "") or (None, the problem)."""
        if code:
            unit = self.by_code.get(code)
            if unit is None and code in self.old_by_code:
                return None, grouping.refusal(self.old_by_code[code], self.period)
            if unit is None:
                return None, _(
                    "không có đơn vị mã %(code)s trong danh sách giai đoạn %(period)s"
                ) % {
                    "code": code,
                    "period": self.period.label,
                }
            if name and text.match_key(name) != text.match_key(unit.name):
                return None, _("mã %(code)s là %(unit)s, nhưng dòng ghi “%(typed)s”") % {
                    "code": code,
                    "unit": unit_title(unit),
                    "typed": name,
                }
            return unit, ""
        found = self.by_key.get(text.match_key(name), [])
        if len(found) > 1:
            # "Phường Sa Pa" and "Xã Sa Pa": the typed prefix may tell them apart.
            typed = text.match_key(name, strip=False)
            found = [
                u for u in found if text.match_key(unit_title(u), strip=False) == typed
            ] or found
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _(
                "có %(count)s đơn vị tên “%(typed)s”: %(units)s; hãy ghi mã xã để chọn một"
            ) % {
                "count": len(found),
                "typed": name,
                "units": ", ".join(f"{unit_title(u)} (mã {u.code})" for u in found),
            }
        old = self.old_by_key.get(text.match_key(name), [])
        if old:
            return None, " ".join(grouping.refusal(unit, self.period) for unit in old)
        near = spelling.closest(name, self.units)
        problem = _("không có đơn vị tên “%(typed)s” trong danh sách giai đoạn %(period)s") % {
            "typed": name,
            "period": self.period.label,
        }
        if near:
            problem += _("; gần giống: %(units)s") % {
                "units": ", ".join(f"{unit_title(u)} (mã {u.code})" for u in near)
            }
        return None, problem


def period_of(year):
    """The period a groups batch names by its first year, or ImportFileError."""
    period = Period.objects.of_year(year)
    if period is None or not period.has_groups:
        raise ImportFileError(
            _("Giai đoạn của năm %(year)s không chia nhóm xã; không nhập nhóm xã được.")
            % {"year": year}
        )
    return period


def plan(grids, year):
    """The Plan of the groups in `grids` (files.load_grids) for the period of `year`."""
    period = period_of(year)
    found = kinds.first_readable(grids, _header, kinds.GROUPS)  # another kind: refused
    if found is None:
        raise ImportFileError(
            _(
                "Không tìm thấy dòng tiêu đề: cần cột Tên xã (hoặc Mã xã) và cột Nhóm; cột Căn "
                "cứ nếu có. Hãy dùng mẫu tải từ trang nhập dữ liệu."
            )
        )
    grid, (header_row, columns) = found
    units = Units(period)
    existing = {group.commune_id: group for group in CommuneGroup.objects.filter(period=period)}
    numbers = sorted(period.group_definitions.values_list("number", flat=True))
    result = Plan(kind="groups")
    result.extra.update(period=period, blank=0)
    seen = {}  # commune id → the row it was first read in
    for row in range(header_row + 1, grid.max_row + 1):
        cells = {role: grid.value(row, column) for role, column in columns.items()}
        code = commune_code(cells["code"]) if cells.get("code") is not None else ""
        name = str(cells.get("name") or "").strip()
        raw_group, basis = cells.get("group"), str(cells.get("basis") or "").strip()
        if not (code or name):
            if raw_group is None and not basis:
                continue  # an empty row, a note under the table
        elif raw_group is None and not basis:
            result.extra["blank"] += 1  # the template's row left as it was
            continue
        planned = PlanRow(row=row, commune=name or code)
        problems = []
        number = group_number(raw_group)
        if raw_group is None:
            problems.append(_("chưa ghi nhóm"))
        elif number not in numbers:
            problems.append(
                _("nhóm “%(value)s” không có: chỉ có nhóm %(numbers)s")
                % {"value": raw_group, "numbers": ", ".join(map(str, numbers))}
            )
        if len(basis) > grouping.BASIS_LENGTH:
            problems.append(_("căn cứ dài quá %(max)s ký tự") % {"max": grouping.BASIS_LENGTH})
        unit = None
        if not (code or name):
            problems.append(_("không ghi tên xã hay mã xã"))
        else:
            unit, problem = units.find(code, name)
            if problem:
                problems.append(problem)
            elif unit.pk in seen:
                problems.append(
                    _("%(unit)s đã có ở dòng %(first)s")
                    % {"unit": unit_title(unit), "first": seen[unit.pk]}
                )
                unit = None
        if unit is not None:
            seen.setdefault(unit.pk, row)
            planned.commune = unit_title(unit)
            planned.district = unit.code
        if problems:
            for problem in problems:
                problem = problem.rstrip(".")
                planned.fail(_("Dòng %(row)s: %(problem)s.") % {"row": row, "problem": problem})
            result.rows.append(planned)
            continue
        group = existing.get(unit.pk)
        before = (group.number, group.basis) if group else None
        planned.action = (
            CREATE if before is None else UNCHANGED if before == (number, basis) else UPDATE
        )
        planned.previous = grouping.group_label(*before) if before else ""
        planned.target = {
            "commune": unit,
            "number": number,
            "basis": basis,
            "after": grouping.group_label(number, basis),
        }
        result.rows.append(planned)
    if not result.rows:
        raise ImportFileError(
            _(
                "Tệp không có dòng nào ghi nhóm: mỗi xã một dòng có Tên xã (hoặc Mã xã) và Nhóm "
                "1, 2 hoặc 3."
            )
        )
    return result


def assignments(result):
    """{Commune: (number, basis)} of every row read (those unchanged are counted as such)."""
    return {
        row.target["commune"]: (row.target["number"], row.target["basis"])
        for row in result.rows
        if row.action in (CREATE, UPDATE, UNCHANGED)
    }
