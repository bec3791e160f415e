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
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django_tables2 import DateColumn, DateTimeColumn

from core import formats
from core.cells import ColumnCells

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
        return formats.day(value)
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


def table_values(table):
    """(headers, rows) of the table's visible columns, every row of its data, in its order."""
    columns = [c for c in table.columns if not c.column.exclude_from_export]
    typed = [_is_typed(c) for c in columns]
    readers = [ColumnCells(table, c).value for c in columns]
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


def table_workbook(title, table, *, filters, today, ignored=()):
    """The page `title`'s table under its `filters` (descriptions), ready to download;
    `ignored`: the invalid filters the page left out ("Từ ngày: Không có ngày …"), said in
    the file as the page says them, so that it never reads as unfiltered."""
    headers, rows = table_values(table)
    widths = [_width(h, [r[i] for r in rows]) for i, h in enumerate(headers)]
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, _sheet_title(title), widths, freeze_columns=0)
    notes = [
        _("Bộ lọc: %s") % "; ".join(filters) if filters else _("Không lọc: mọi dòng."),
        _("Xuất ngày %(date)s: %(n)s dòng.") % {"date": formats.day(today), "n": len(rows)},
    ]
    if ignored:
        notes.insert(1, _("Đã bỏ qua bộ lọc không hợp lệ – %s") % "; ".join(ignored))
    order = describe_order(table)
    if order:
        notes.insert(1, _("Sắp xếp theo: %s") % "; ".join(order))
    # What the table's figures count (e.g. which visits the last visit's date is of).
    notes.extend(str(note) for note in getattr(table, "export_notes", ()))
    sheet.title_block([writer.PROVINCE, writer.OFFICE], [str(title).upper()], notes)
    sheet.header(headers)
    for values in rows:
        sheet.append(values)
    return workbook
