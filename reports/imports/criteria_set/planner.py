"""Read a criteria-set workbook and plan what it changes in the chosen set.

The file replaces the set's indicators: each indicator row is created, updated or
unchanged, and an indicator of the set the file no longer lists is removed. The
criteria are the set's own (shipped, or typed in the admin); the file never adds one.

Rows, from the one under the header:

* blank rows, and a row numbering the columns under the header ("(1) (2) …"), are skipped;
* a row with a number in "Tiêu chí" and no "Số chỉ tiêu" is that criterion's heading:
  the rows below it belong to it while their own "Tiêu chí" cell is blank (a merged
  "Tiêu chí" cell reads the same);
* a row with a "Số chỉ tiêu" is an indicator;
* any other row (a note, a signature) is skipped, unless it has both a content and a
  requirement: then its indicator number is missing, and that is its error.

A row with any error is listed with all of them and nothing is written.
"""

from django.db.models import Count
from django.utils.translation import gettext as _

from communes.models import Indicator, IndicatorResult, Requirement

from ..files import ImportFileError, cell_name
from ..names import folded
from ..plan import CREATE, ERROR, UNCHANGED, UPDATE
from . import cells, header
from .header import CODE, COMPARISON, CRITERION, NAME, TARGET, TEXT, UNIT
from .rows import DELETE, IndicatorPlan, IndicatorRow, Need

NAME_LENGTH = Indicator._meta.get_field("name").max_length
UNIT_LENGTH = Indicator._meta.get_field("unit").max_length
TEXT_LENGTH = Requirement._meta.get_field("text").max_length


def group_numbers(period):
    return [definition.number for definition in period.group_definitions.all()]


def locked_message(criteria_set):
    return _(
        "Bộ tiêu chí “%(set)s” đã có kết quả được duyệt nên không sửa được chỉ tiêu. Hãy tạo "
        "phiên bản mới của bộ (nút “Tạo phiên bản mới” ở trang bộ tiêu chí) rồi nạp tệp vào "
        "phiên bản mới."
    ) % {"set": criteria_set}


def plan(book, criteria_set):
    """The IndicatorPlan of workbook `book` (files.Workbook) for `criteria_set`."""
    if criteria_set.is_locked:
        raise ImportFileError(locked_message(criteria_set))
    groups = group_numbers(criteria_set.period)
    rows, head = _sheet(book, groups)
    planner = _Planner(criteria_set, groups, head)
    for row in rows:
        if row.number > head.row:
            planner.read(row)
    return planner.finish()


def _sheet(book, groups):
    """(rows, Header) of the first sheet with a "Số chỉ tiêu" header."""
    first_error = None
    for title in book.titles:
        rows = list(book.rows(title))
        try:
            return rows, header.find(rows, groups)
        except ImportFileError as error:
            first_error = first_error or error
    raise first_error or ImportFileError(_("Tệp không có trang tính nào."))


class _Planner:
    def __init__(self, criteria_set, groups, head):
        self.criteria_set = criteria_set
        self.groups = groups
        self.columns = head.columns
        self.criteria = {c.number: c for c in criteria_set.criteria.order_by("number")}
        self.existing = {
            indicator.code: indicator
            for indicator in Indicator.objects.filter(criterion__criteria_set=criteria_set)
            .select_related("criterion")
            .prefetch_related("requirements")
        }
        self.result = IndicatorPlan(kind="indicators", criteria_set=criteria_set, groups=groups)
        self.current = None  # the criterion of the last heading or stated "Tiêu chí"
        self.seen = {}  # code -> the row it was first read in

    def value(self, row, key):
        column = self.columns.get(key)
        if column is None:
            return None
        if row.merged_from and row.merged_from.get(column):
            return None  # a merged range's value belongs to its first column
        return row.value(column)

    def read(self, row):
        raw = {key: self.value(row, key) for key in self.columns}
        present = [(key, value) for key, value in raw.items() if value is not None]
        if not present:
            return
        if all(cells.is_numbering(value, self.columns[key]) for key, value in present):
            return
        needs = {key: value for key, value in present if isinstance(key, tuple)}
        code = error = None
        try:
            code = cells.indicator_code(raw.get(CODE))
        except cells.CellError as problem:
            error = problem
        # A heading may type its criterion's name where the number goes.
        if (
            code is None
            and not needs
            and (error is None or raw.get(NAME) is None or _names_criterion(raw.get(CODE)))
        ):
            self._heading(row, raw)
            return
        if code is None and error is None and raw.get(NAME) is None:
            return  # a note or a signature beside the table
        self._indicator(row, raw, code, error)

    def _heading(self, row, raw):
        """A criterion's heading sets the criterion of the rows below; a note is skipped."""
        for key in (CRITERION, CODE, NAME):
            value = raw.get(key)
            if value is None or (key != CRITERION and not _names_criterion(value)):
                continue
            try:
                number = cells.criterion_number(value)
            except cells.CellError:
                continue
            if number in self.criteria:
                self.current = self.criteria[number]
            else:
                failed = IndicatorRow(row=row.number, criterion=str(value))
                failed.fail(self._unknown(number))
                self.result.rows.append(failed)
            return

    def _unknown(self, number):
        return _(
            "bộ tiêu chí không có tiêu chí số %(number)s (bộ có tiêu chí %(first)s–%(last)s)"
        ) % {
            "number": number,
            "first": min(self.criteria, default=0),
            "last": max(self.criteria, default=0),
        }

    def _indicator(self, row, raw, code, code_error):
        name = raw.get(NAME)
        unit = raw.get(UNIT)
        item = IndicatorRow(
            row=row.number,
            code=code or str(raw.get(CODE) or ""),
            name=str(name or ""),
            unit=str(unit or ""),
        )
        self.result.rows.append(item)
        for column in sorted(row.formulas_without_value & set(self.columns.values())):
            item.fail(
                _(
                    "ô %(cell)s là công thức chưa có giá trị tính sẵn (ô bắt đầu bằng dấu = là "
                    "công thức): hãy gõ lại giá trị"
                )
                % {"cell": cell_name(row.number, column)}
            )
        if code_error is not None:
            item.fail(str(code_error))
        elif code is None:
            item.fail(_("thiếu số chỉ tiêu (cột “%(column)s”)") % {"column": header.heading(CODE)})
        criterion = self._criterion(item, raw.get(CRITERION))
        if criterion is not None:
            item.criterion = str(criterion)
            if code and code.split(".")[0] != str(criterion.number):
                item.fail(
                    _("số chỉ tiêu %(code)s không bắt đầu bằng số tiêu chí %(number)s của dòng")
                    % {"code": code, "number": criterion.number}
                )
        if code:
            if code in self.seen:
                item.fail(
                    _("số chỉ tiêu %(code)s đã có ở dòng %(first)s")
                    % {"code": code, "first": self.seen[code]}
                )
            else:
                self.seen[code] = row.number
        if name is None:
            item.fail(_("thiếu nội dung chỉ tiêu"))
        elif len(item.name) > NAME_LENGTH:
            item.fail(_("nội dung chỉ tiêu dài quá %(max)s ký tự") % {"max": NAME_LENGTH})
        if len(item.unit) > UNIT_LENGTH:
            item.fail(_("đơn vị dài quá %(max)s ký tự") % {"max": UNIT_LENGTH})
        item.needs = [self._need(item, raw, group) for group in self.groups or [None]]
        if item.action != ERROR:
            item.target = {"criterion": criterion, "indicator": self.existing.get(code)}
            self._compare(item)

    def _criterion(self, item, typed):
        if typed is not None:
            try:
                number = cells.criterion_number(typed)
            except cells.CellError as problem:
                item.fail(str(problem))
                return None
            if number not in self.criteria:
                item.fail(self._unknown(number))
                return None
            self.current = self.criteria[number]
            return self.current
        if self.current is None:
            item.fail(
                _(
                    "chỉ tiêu không thuộc tiêu chí nào: ghi số tiêu chí ở cột “%(column)s” "
                    "(hoặc một dòng tiêu chí phía trên)"
                )
                % {"column": header.heading(CRITERION)}
            )
        return self.current

    def _need(self, item, raw, group):
        where = _("nhóm %(group)s: ") % {"group": group} if group is not None else ""
        text = raw.get((TEXT, group))
        typed_comparison = raw.get((COMPARISON, group))
        typed_target = raw.get((TARGET, group))
        if text is None and typed_comparison is None and typed_target is None:
            item.fail(
                _("%(where)schưa ghi yêu cầu (cột “%(column)s”)")
                % {"where": where, "column": header.heading(TEXT, group)}
            )
            return None
        try:
            comparison = cells.comparison(typed_comparison)
        except cells.CellError as problem:
            item.fail(where + str(problem))
            return None
        try:
            target = cells.target(typed_target)
        except cells.CellError as problem:
            item.fail(where + str(problem))
            return None
        if comparison and target is None:
            item.fail(
                _("%(where)scó phép so sánh “%(symbol)s” nhưng chưa ghi mức đạt (một số)")
                % {"where": where, "symbol": cells.SYMBOLS[comparison]}
            )
            return None
        if target is not None and not comparison:
            item.fail(
                _("%(where)scó mức đạt %(target)s nhưng chưa ghi phép so sánh (≥ > ≤ < =)")
                % {"where": where, "target": cells.shown(target)}
            )
            return None
        if text is None:
            unit = item.unit
            text = f"{cells.SYMBOLS[comparison]} {cells.shown(target)}"
            text += unit if unit == "%" else (f" {unit}" if unit else "")
            item.notes.append(
                _("%(where)syêu cầu ghi theo mức đạt: %(text)s") % {"where": where, "text": text}
            )
        text = str(text)
        if len(text) > TEXT_LENGTH:
            item.fail(
                _("%(where)syêu cầu dài quá %(max)s ký tự") % {"where": where, "max": TEXT_LENGTH}
            )
        return Need(group, text, comparison, target)

    def _compare(self, item):
        old = item.target["indicator"]
        if old is None:
            item.action = CREATE
            return
        criterion = item.target["criterion"]
        if old.criterion_id != criterion.pk:
            item.changes.append(
                _("tiêu chí: %(old)s → %(new)s")
                % {"old": old.criterion.number, "new": criterion.number}
            )
        if old.name != item.name:
            item.changes.append(_("nội dung"))
        if old.unit != item.unit:
            item.changes.append(
                _("đơn vị: “%(old)s” → “%(new)s”") % {"old": old.unit, "new": item.unit}
            )
        before = {
            r.group: (r.group, r.text, r.comparison, r.target) for r in old.requirements.all()
        }
        after = {need.stored_group: need.key() for need in item.needs}
        changed = [g for g in sorted(before.keys() | after.keys()) if before.get(g) != after.get(g)]
        if not self.groups and (changed or old.threshold != _threshold(item, self.groups)):
            item.changes.append(_("yêu cầu"))
        elif self.groups:
            item.changes += [_("yêu cầu nhóm %(group)s") % {"group": group} for group in changed]
            if old.threshold:
                item.changes.append(_("bỏ mức đạt ghi chung “%(old)s”") % {"old": old.threshold})
        item.action = UPDATE if item.changes else UNCHANGED

    def finish(self):
        result = self.result
        removed = [indicator for code, indicator in self.existing.items() if code not in self.seen]
        if removed:
            _refuse_removing_results(removed)
        for indicator in sorted(removed, key=lambda i: (i.order, i.code)):
            result.rows.append(
                IndicatorRow(
                    row=None,
                    action=DELETE,
                    criterion=str(indicator.criterion),
                    code=indicator.code,
                    name=indicator.name,
                    unit=indicator.unit,
                    target={"indicator": indicator},
                )
            )
        if not self.seen and not result.has_errors:
            raise ImportFileError(
                _(
                    "Tệp không có dòng chỉ tiêu nào (dòng có số chỉ tiêu như 2.3 ở cột "
                    "“%(column)s”)."
                )
                % {"column": header.heading(CODE)}
            )
        return result


def _threshold(item, groups):
    """Indicator.threshold: the requirement's text in a set without groups, else empty."""
    if groups or not item.needs or item.needs[0] is None:
        return ""
    return item.needs[0].text


def _names_criterion(value):
    """Whether a heading's text names its criterion ("Tiêu chí 2: Hạ tầng…", "TC2")."""
    if not isinstance(value, str):
        return False
    key = folded(value)
    return key.startswith(("tieu chi ", "tc")) and any(ch.isdigit() for ch in key[:12])


def _refuse_removing_results(removed):
    used = (
        IndicatorResult.objects.filter(indicator__in=removed)
        .values("indicator__code")
        .annotate(count=Count("pk"))
        .order_by("indicator__code")
    )
    used = [(row["indicator__code"], row["count"]) for row in used]
    if used:
        raise ImportFileError(
            _(
                "Tệp không còn chỉ tiêu %(codes)s, nhưng các chỉ tiêu này đã có kết quả của xã "
                "nên không xoá được. Hãy giữ các dòng này trong tệp rồi tải lên lại."
            )
            % {"codes": ", ".join(f"{code} ({count} kết quả)" for code, count in used)}
        )
