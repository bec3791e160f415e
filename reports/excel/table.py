"""Export = screen: a list page's filtered, sorted rows with the page's columns, as a workbook.

The rows and columns come from the page's own django-tables2 table (built by
the page's view from its queryset, filter and sort), so the file holds what
the page shows, on every page of it. Cells hold what the page shows, except
that date columns (DateColumn) hold real dates and numeric columns (those the
table marks with the "num" class) hold numbers, so that Excel can sum and
sort them.
"""

import datetime
import html
import re
from decimal import Decimal

from django import forms
from django.db import models
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django_tables2 import A, Column, DateColumn, DateTimeColumn, ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.utils import signature

from . import writer

TYPED = (int, float, Decimal, datetime.date)
MIN_WIDTH, MAX_WIDTH = 8, 45


def _display(field, value):
    """A cleaned filter value the way the form shows it."""
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, dict(field.choices).get(str(value), value)))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


def describe_filters(filterset):
    """ "Label: value" for each filter applied (invalid values are ignored, as on the page)."""
    form = filterset.form
    if not filterset.is_bound:
        return []
    form.is_valid()
    return [
        f"{field.label}: {_display(field, form.cleaned_data[name])}"
        for name, field in form.fields.items()
        if form.cleaned_data.get(name) not in (None, "", [], ())
    ]


def describe_order(table):
    """ "Tên xã (giảm dần)" for each column the table is sorted by."""
    parts = []
    for order in table.order_by or ():
        if order.bare in table.columns:
            header = _plain(table.columns[order.bare].header)
            direction = _("giảm dần") if order.is_descending else _("tăng dần")
            parts.append(f"{header} ({direction})")
    return parts


def _plain(value):
    """Rendered cell content as plain text: tags dropped, entities decoded, spaces collapsed."""
    text = str(value)
    if "<" in text or "&" in text:
        text = html.unescape(strip_tags(text))
    return " ".join(text.split())


def _is_typed(bound_column):
    column = bound_column.column
    if isinstance(column, DateColumn | DateTimeColumn):
        return True
    return "num" in str(column.attrs.get("td", {}).get("class", "")).split()


class CellValue:
    """record → what ``BoundRow.get_cell_value`` gives for one column, decided once per column.

    django-tables2 works out, for every cell, which function gives the value,
    which of its arguments that function takes (``inspect.signature``, about
    30 µs a call) and whether the field has choices: 0.3 ms a cell, 5 s for
    the 60,000 cells of a whole-country communes list. Here the function and
    its arguments are found once for the column, and the choices question once
    per kind of record; the values are the same (tests/reports/test_export_lists.py
    compares them with django-tables2's for every list).
    """

    KWARGS = frozenset(("value", "record", "column", "bound_column", "bound_row", "table"))

    def __init__(self, table, bound_column):
        self.table, self.bound_column = table, bound_column
        self.column = column = bound_column.column
        self.accessor = A(bound_column.accessor)
        path, _, self.last = self.accessor.rpartition(A.SEPARATOR)
        self.path = A(path) if path else None
        function = bound_column.value
        # Column.value only calls the column's own render with the arguments it takes.
        if getattr(function, "__func__", None) is Column.value:
            function = column.render
        self.function = function
        names, catch_all = signature(function)
        self.names = None if catch_all else names
        # A function asking for what only the library knows how to give: its own path.
        self.by_library = isinstance(column, ManyToManyColumn) or (
            self.names is not None and ("bound_row" in self.names or not set(names) <= self.KWARGS)
        )
        self.choices = {}  # model class → whether the column's field has choices there

    def _has_choices(self, record):
        kind = type(record)
        if kind not in self.choices:
            field = self.accessor.get_field(record)
            self.choices[kind] = bool(getattr(field, "choices", ()))
        return self.choices[kind]

    def __call__(self, row):
        record = row.record
        if self.by_library:
            return row.get_cell_value(self.bound_column.name)
        value = None
        resolve = True
        penultimate = self.path.resolve(record, quiet=True) if self.path else record
        if isinstance(penultimate, models.Model) and self._has_choices(record):
            display = getattr(penultimate, f"get_{self.last}_display", None)
            if display is not None:
                value, resolve = display(), False
        if resolve:
            try:
                value = self.accessor.resolve(record)
            except Exception:
                if isinstance(self.column, BaseLinkColumn) and self.column.text is not None:
                    return self._call(None, row)
        if value in self.column.empty_values:
            return None
        return self._call(value, row)

    def _call(self, value, row):
        kwargs = {
            "value": value,
            "record": row.record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": self.table,
        }
        if self.names is not None:
            kwargs = {name: kwargs[name] for name in self.names}
        return self.function(**kwargs)


def table_values(table):
    """(headers, rows) of the table's visible columns, every row of its data, in its order."""
    columns = [c for c in table.columns if not c.column.exclude_from_export]
    typed = [_is_typed(c) for c in columns]
    readers = [CellValue(table, c) for c in columns]
    headers = [_plain(c.header) for c in columns]
    defaults = [_plain(c.default) for c in columns]
    rows = []
    for row in table.rows:
        values = []
        cells = zip(columns, typed, readers, defaults, strict=True)
        for column, is_typed, reader, default in cells:
            if is_typed:
                raw = column.accessor.resolve(row.record, quiet=True)
                if isinstance(raw, TYPED) and not isinstance(raw, bool):
                    values.append(raw)
                    continue
            value = reader(row)
            values.append(default if value is None else _plain(value))
        rows.append(values)
    return headers, rows


def _width(header, values):
    longest = max((len(str(v)) for v in values if isinstance(v, str)), default=10)
    header_words = max((len(word) for word in header.split()), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, max(longest, header_words, 10) + 2))


def _sheet_title(title):
    return re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:31] or "Danh sach"


def table_workbook(title, table, *, filters, today):
    """The page `title`'s table under its `filters` (descriptions), ready to download."""
    headers, rows = table_values(table)
    widths = [_width(h, [r[i] for r in rows]) for i, h in enumerate(headers)]
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, _sheet_title(title), widths, freeze_columns=0)
    notes = [
        _("Bộ lọc: %s") % "; ".join(filters) if filters else _("Không lọc: mọi dòng."),
        _("Xuất ngày %(date)s: %(n)s dòng.") % {"date": today.strftime("%d/%m/%Y"), "n": len(rows)},
    ]
    order = describe_order(table)
    if order:
        notes.insert(1, _("Sắp xếp theo: %s") % "; ".join(order))
    sheet.title_block([writer.PROVINCE, writer.OFFICE], [str(title).upper()], notes)
    sheet.header(headers)
    for values in rows:
        sheet.append(values)
    return workbook
