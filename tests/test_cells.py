"""core/cells.py gives what django-tables2 gives, cell for cell: the list pages'
rows ({% table_row %}) are the library's own table template's rows, the exports'
values are BoundRow.get_cell_value's."""

import re

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import format_html

from communes.models import Commune
from core.cells import ColumnCells, table_cells

pytestmark = pytest.mark.django_db

COMMUNES = reverse("reports:commune_list")
ASSIGNMENTS = reverse("assignments:assignment_list")
VISITS = reverse("assignments:visit_list")


def tbody(html):
    """The rows of the (first) table in `html`, whitespace between tags dropped."""
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, re.S).group(1)
    return re.sub(r">\s+<", "><", body).strip()


def drawn_rows(table, request, template_name="django_tables2/table.html"):
    """The table's rows drawn by a template: by default django-tables2's own, its rows
    block untouched (as_html counts rows from the first again, for odd/even classes)."""
    table.template_name = template_name
    return tbody(table.as_html(request))


LISTS = [
    (COMMUNES, {}),
    (COMMUNES, {"year": 2023, "sort": "-criteria_met", "per_page": 200}),
    (COMMUNES, {"kind": "phuong"}),
    (ASSIGNMENTS, {"sort": "status", "per_page": 200}),
    (ASSIGNMENTS, {"stale": "1"}),
    (VISITS, {"per_page": 200}),
    (VISITS, {"leader_present": "true", "sort": "-support_total"}),
]


@pytest.mark.parametrize(("url", "params"), LISTS)
def test_list_rows_are_the_librarys_rows(office_client, url, params):
    response = office_client.get(url, params)
    table = response.context["table"]

    ours = tbody(response.content.decode())
    assert ours == drawn_rows(table, response.wsgi_request)
    assert ours.count("<tr") == len(table.page.object_list) > 0


@pytest.mark.parametrize(("url", "params"), LISTS)
def test_export_values_are_the_librarys_values(office_client, url, params):
    table = office_client.get(url, params).context["table"]
    rows = list(table.page.object_list)

    cells = table_cells(table)
    for row in rows:
        assert [c.value(row) for c in cells] == [row.get_cell_value(c.name) for c in cells]
    values = {str(c.value(row)) for row in rows for c in cells}
    assert len(values) > len(cells)  # real, varied cells were compared


class OddTable(tables.Table):
    """Every case ColumnCells hands back to the library or treats apart."""

    name = tables.Column(attrs={"td": {"data-len": lambda value: len(str(value))}})
    code = tables.Column(localize=False)
    quarter = tables.Column(accessor="pk", localize=True)
    raw_quarter = tables.Column(accessor="pk", localize=False)
    kind = tables.Column()  # a field with choices: get_kind_display()
    missing = tables.Column(accessor="no__such__thing", default="–")
    link = tables.LinkColumn("reports:commune_detail", args=[tables.A("pk")], text="xem",
                             accessor="no_such_field", empty_values=())  # fmt: skip
    picky = tables.Column(accessor="code")
    template = tables.TemplateColumn("{{ record.code }}#{{ row_counter }}", accessor="code")

    def render_name(self, value, record):
        return format_html("<b>{}</b> ({})", value, record.district_id)

    def render_picky(self, value, something_else):  # never called by django-tables2
        return "never"

    def render_quarter(self, value):
        return value / 4 + 1000

    def render_raw_quarter(self, value):
        return value / 4 + 1000

    def value_name(self, value):
        return value.upper()


def test_cases_outside_the_usual_path_follow_the_library():
    request = RequestFactory().get("/")
    communes = list(Commune.objects.select_related("district").order_by("pk")[:12])
    table = OddTable(communes)

    ours = drawn_rows(table, request, "includes/table.html")  # {% table_row %}
    assert ours == drawn_rows(table, request)
    assert 'data-len="' in ours and "<b>" in ours and ">xem</a>" in ours and "#3<" in ours
    assert ">1000,25<" in ours and ">1000.25<" in ours  # localized and not

    by_name = {c.name: c for c in table_cells(table)}
    assert not by_name["picky"].render_call.supported
    assert by_name["name"].td_attrs is None  # computed per cell
    for row in table.rows:
        assert [c.value(row) for c in table_cells(table)] == [
            row.get_cell_value(c.name) for c in table_cells(table)
        ]
    assert isinstance(ColumnCells(table, table.columns["kind"]).value(next(iter(table.rows))), str)
