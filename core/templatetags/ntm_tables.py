"""{% table_row row %}: a django-tables2 row drawn as the library's template draws it,
with each column's decisions taken once per table (core/cells.py)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.cells import table_cells

register = template.Library()


@register.simple_tag(takes_context=True)
def table_row(context, row):
    cells = "".join(cell.td(row, context) for cell in table_cells(row.table))
    return format_html("<tr {}>{}</tr>", row.attrs.as_html(), mark_safe(cells))
