"""A django-tables2 table's cells, with each column's decisions taken once.

For every cell, django-tables2 works out which function draws it (the table's
``render_<name>``, the column's ``render``) or gives its export value
(``value_<name>``…), which of that function's arguments to pass
(``inspect.signature``, about 30 µs a call), whether the field has choices,
and the cell's ``<td>`` attributes. None of that changes from one row to the
next. `ColumnCells` decides it once per column and gives the same results:

* `value(row)`: what ``BoundRow.get_cell_value`` gives (the Excel exports,
  60,000 cells for the whole country's communes: 5 s → 2 s);
* `td(row, context)`: the ``<td>`` that django-tables2's own table template
  draws for the cell (the list pages, `{% table_row %}` in
  ``core/templatetags/ntm_tables.py``).

Columns asking for something else fall back on django-tables2's own path: a
many-to-many column, a function wanting an argument the library does not
offer, ``<td>`` attributes computed per cell. tests/test_cells.py compares
both with django-tables2's own output on every list.

`ShortDateColumn` is the lists' date column, drawn without a template per cell.
"""

from django.db import models
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.html import format_html
from django_tables2 import A, Column, DateColumn, ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.utils import signature

from core import formats

KWARGS = frozenset(("value", "record", "column", "bound_column", "bound_row", "table"))


class _Call:
    """A cell function with the arguments it takes, as django-tables2's call_with_appropriate
    would pass them."""

    def __init__(self, function):
        self.function = function
        names, catch_all = signature(function)
        self.names = None if catch_all else names
        # An argument django-tables2 never offers: it would not call the function at all.
        self.supported = self.names is None or set(self.names) <= KWARGS

    def __call__(self, kwargs):
        if self.names is not None:
            kwargs = {name: kwargs[name] for name in self.names}
        return self.function(**kwargs)


def _has_callables(attrs):
    return any(callable(v) or isinstance(v, dict) and _has_callables(v) for v in attrs.values())


class ColumnCells:
    def __init__(self, table, bound_column):
        self.table, self.bound_column = table, bound_column
        self.name = bound_column.name
        self.column = column = bound_column.column
        self.accessor = A(bound_column.accessor)
        path, _, self.last = self.accessor.rpartition(A.SEPARATOR)
        self.path = A(path) if path else None
        self.choices = {}  # model class → whether the column's field has choices there

        value = bound_column.value
        # Column.value only calls the column's own render with the arguments it takes.
        if getattr(value, "__func__", None) is Column.value:
            value = column.render
        self.value_call = _Call(value)
        self.render_call = _Call(bound_column.render)
        self.own_path = isinstance(column, ManyToManyColumn)

        self.default = bound_column.default
        self.link = bound_column.link
        self.localize = column.localize
        attrs = {**table.attrs, **column.attrs}
        # <td> attributes computed from each cell's record and value: per cell, by the library.
        self.td_attrs = None
        if not _has_callables(attrs.get("td", attrs.get("cell", {}))):
            self.td_attrs = bound_column.attrs["td"].as_html()

    # --- the value, as BoundRow._get_and_render_with finds it ---------------------------

    def _has_choices(self, record):
        kind = type(record)
        if kind not in self.choices:
            field = self.accessor.get_field(record)
            self.choices[kind] = bool(getattr(field, "choices", ()))
        return self.choices[kind]

    def _resolve(self, record):
        """(value, found): found is False when a link column shows its text without a value."""
        penultimate = self.path.resolve(record, quiet=True) if self.path else record
        if isinstance(penultimate, models.Model) and self._has_choices(record):
            display = getattr(penultimate, f"get_{self.last}_display", None)
            if display is not None:
                return display(), True
        try:
            return self.accessor.resolve(record), True
        except Exception:
            if isinstance(self.column, BaseLinkColumn) and self.column.text is not None:
                return None, False
            return None, True

    def _kwargs(self, value, row):
        return {
            "value": value,
            "record": row.record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": self.table,
        }

    # --- what the export writes ---------------------------------------------------------

    def value(self, row):
        """What ``row.get_cell_value(name)`` gives."""
        if self.own_path or not self.value_call.supported:
            return row.get_cell_value(self.name)
        value, found = self._resolve(row.record)
        if found and value in self.column.empty_values:
            return None
        return self.value_call(self._kwargs(value, row))

    # --- what the page draws ------------------------------------------------------------

    def content(self, row):
        """What ``row.get_cell(name)`` gives: the cell's HTML before escaping."""
        if self.own_path or not self.render_call.supported:
            return row.get_cell(self.name)
        value, found = self._resolve(row.record)
        if found and value in self.column.empty_values:
            return self.default
        kwargs = self._kwargs(value, row)
        content = self.render_call(kwargs)
        return self.link(content, **kwargs) if self.link else content

    def td(self, row, context):
        """The cell's <td>, as django_tables2/table.html draws it."""
        content = self.content(row)
        attrs = self.td_attrs
        if attrs is None:
            # As BoundRow.items() does before the template reads column.attrs.
            self.bound_column.current_value = content
            self.bound_column.current_record = row.record
            attrs = self.bound_column.attrs["td"].as_html()
        if self.localize is not None:
            content = localize(content) if self.localize else unlocalize(content)
        return format_html("<td {}>{}</td>", attrs, render_value_in_context(content, context))


class ShortDateColumn(DateColumn):
    """A DateColumn (the Excel export writes real dates) drawn as dd/mm/yyyy without
    a template per cell, which costs about 0.1 ms a row."""

    empty_values = (None, "")  # shown as the column's default, as DateColumn does

    def __init__(self, *args, **kwargs):
        super().__init__(*args, short=True, **kwargs)

    def render(self, value):
        return formats.day(value)


def table_cells(table):
    """The ColumnCells of the table's shown columns, in order, made once per table."""
    cells = table.__dict__.get("_ntm_cells")
    if cells is None:
        cells = table.__dict__["_ntm_cells"] = [ColumnCells(table, c) for c in table.columns]
    return cells
