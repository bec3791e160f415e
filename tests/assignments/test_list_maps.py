"""The assignments and visits lists read on a map (?map=old|current): filters, rows, totals."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assignments.models import Assignment, FieldVisit
from communes.models import Commune, District, Era, Map
from core import listing
from tests.factories import make_assignment, make_recommendation, make_support, make_visit

pytestmark = pytest.mark.django_db

ASSIGNMENTS = reverse("assignments:assignment_list")
VISITS = reverse("assignments:visit_list")
LISTS = [ASSIGNMENTS, VISITS]
UNIT_COMMUNE_HINT = "Chọn đơn vị hiện nay rồi bấm “Lọc” để có danh sách xã."


def bac_ha():
    """Xã Bắc Hà of 2025: TT Bắc Hà, Bản Phố, Na Hối … of the old Huyện Bắc Hà went into it."""
    return Commune.objects.get(name="Bắc Hà", era=Era.FROM_2025)


def ban_pho():
    return Commune.objects.get(name="Bản Phố", era=Era.PRE_2025)


def listed(response):
    return [row.record for row in response.context["table"].page.object_list]


def html_of(response):
    return response.content.decode()


def every(client, url, params):
    return client.get(url, {**params, "per_page": 200})


@pytest.mark.parametrize("url", LISTS)
def test_a_list_reads_the_current_map_by_default_with_a_switch_to_the_old_one(office_client, url):
    response = office_client.get(url)

    html = html_of(response)
    assert response.context["current_map"] == Map.CURRENT
    assert 'class="map-switch"' in html
    assert 'href="?map=old"' in html
    # The current map has no district: its units of today are the filter.
    assert 'name="unit"' in html and 'name="district"' not in html
    assert '<input type="hidden" name="map" value="current"' in html


@pytest.mark.parametrize("url", LISTS)
def test_on_the_old_map_the_old_districts_replace_the_units_of_today(office_client, url):
    response = office_client.get(url, {"map": "old"})

    html = html_of(response)
    assert response.context["current_map"] == Map.OLD
    assert 'name="district"' in html and 'name="unit"' not in html
    assert '<input type="hidden" name="map" value="old"' in html
    # Both old provinces' districts: the old Lào Cai's 9 and the old Yên Bái's 9.
    field = response.context["filter"].form.fields["district"]
    assert field.queryset.count() == District.objects.in_programme().count() == 18


def test_a_row_on_the_current_map_names_the_unit_of_today_then_the_old_unit_and_district(
    office_client,
):
    assignment = Assignment.objects.filter(commune=ban_pho()).latest("started_on", "pk")

    response = every(office_client, ASSIGNMENTS, {"q": "ban pho"})

    html = html_of(response)
    assert assignment in listed(response)
    assert "Bắc Hà ← Bản Phố (h. Bắc Hà)" in html
    assert reverse("reports:commune_detail", args=[bac_ha().pk]) in html
    assert ">Huyện<" not in html  # no district column on the current map
    old = html_of(every(office_client, ASSIGNMENTS, {"q": "ban pho", "map": "old"}))
    assert "Bắc Hà ←" not in old and ">Bản Phố</a>" in old and "Huyện Bắc Hà" in old


def test_a_unit_of_today_lists_its_own_assignments_and_its_predecessors(office_client):
    unit = bac_ha()
    expected = Assignment.objects.filter(commune__current_unit=unit)

    response = every(office_client, ASSIGNMENTS, {"map": "current", "unit": unit.pk})

    assert {a.pk for a in listed(response)} == set(expected.values_list("pk", flat=True))
    # Bản Phố, Na Hối … of the old Huyện Bắc Hà, and Tà Chải merged in 2024.
    assert len({a.commune_id for a in listed(response)}) >= 5
    assert ban_pho().pk in {a.commune_id for a in listed(response)}


def test_a_unit_of_today_lists_the_visits_made_for_it_and_its_predecessors(office_client):
    unit = bac_ha()
    expected = FieldVisit.objects.filter(assignment__commune__current_unit=unit)

    response = every(office_client, VISITS, {"unit": unit.pk})

    assert response.context["result_count"] == expected.count() > 0
    assert {v.pk for v in listed(response)} == set(expected.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("url", "model"),
    [(ASSIGNMENTS, Assignment), (VISITS, FieldVisit)],
    ids=["assignments", "visits"],
)
def test_both_maps_list_every_record_once(office_client, url, model):
    on_old = office_client.get(url, {"map": "old"}).context["result_count"]
    on_current = office_client.get(url, {"map": "current"}).context["result_count"]

    assert on_old == on_current == model.objects.count()


@pytest.mark.parametrize("url", LISTS)
def test_a_link_with_an_old_district_and_no_map_reads_the_old_map(office_client, url):
    # The dashboard's and the load test's links: ?district=<old district>, no map.
    district = ban_pho().district
    expected = {
        ASSIGNMENTS: Assignment.objects.filter(commune__district=district),
        VISITS: FieldVisit.objects.filter(assignment__commune__district=district),
    }[url]

    response = office_client.get(url, {"district": district.pk})

    assert response.context["current_map"] == Map.OLD
    assert response.context["result_count"] == expected.count() > 0
    # The form goes on with the old map when filtered again.
    assert '<input type="hidden" name="map" value="old"' in html_of(response)


@pytest.mark.parametrize("url", LISTS)
def test_a_district_on_the_current_map_is_set_aside_with_a_message_not_an_empty_list(
    office_client, url
):
    response = office_client.get(url, {"map": "current", "district": ban_pho().district_id})

    html = html_of(response)
    assert (
        response.context["result_count"]
        == {
            ASSIGNMENTS: Assignment.objects.count(),
            VISITS: FieldVisit.objects.count(),
        }[url]
    )
    assert "Đã bỏ qua bộ lọc “Huyện”: bộ lọc này chỉ dùng khi đọc theo bản đồ cũ" in html


def test_a_unit_narrows_the_communes_and_agencies_offered(office_client, monkeypatch):
    monkeypatch.setattr(listing, "CHOICE_LIMIT", 10)  # long lists, as at national scale
    unit = bac_ha()

    without = office_client.get(VISITS)
    within = office_client.get(VISITS, {"unit": unit.pk})

    assert UNIT_COMMUNE_HINT in html_of(without)
    communes = within.context["filter"].form["commune"].shown[0]
    rolled_up = Assignment.objects.filter(commune__current_unit=unit)
    assert {value for value, _label in communes if value} == set(
        rolled_up.values_list("commune", flat=True)
    )
    agencies = within.context["filter"].form["agency"].shown[0]
    assert {value for value, _label in agencies if value} == set(
        rolled_up.values_list("leader__agency", flat=True)
    )


def test_the_excel_export_of_the_current_map_says_so_and_labels_the_old_units(office_client):
    response = office_client.get(ASSIGNMENTS, {"q": "ban pho", "export": "xlsx"})

    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Bắc Hà ← Bản Phố (h. Bắc Hà)" in texts
    assert "Xã, phường hiện nay" in texts and "Huyện" not in texts
    assert any("Đọc theo: Bản đồ hiện nay" in text for text in texts)


# --- queries: constant in the number of rows and of predecessors ---------------------------


def _queries(client, url, params):
    client.get(url, params)  # warm up: session and caches
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return len(queries)


def _more_records_on_predecessors_of(unit):
    """An assignment on each of three old units of `unit`, each with a visit, support and an
    open recommendation."""
    for commune in Commune.objects.rolled_up_to(unit).exclude(pk=unit.pk)[:3]:
        assignment = make_assignment(commune=commune)
        visit = make_visit(
            assignment=assignment, visited_on=datetime.date(2025, 3, 1), status="confirmed"
        )
        make_support(visit=visit)
        make_recommendation(visit=visit, due_on=datetime.date(2020, 1, 1))


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    "params", [{"map": "old"}, {"map": "current"}, {"map": "current", "unit": "Bắc Hà"}]
)
def test_a_lists_queries_do_not_grow_with_its_rows_on_either_map(office_client, url, params):
    unit = bac_ha()
    params = {**params, "per_page": 200}
    if "unit" in params:
        params["unit"] = unit.pk
    before = _queries(office_client, url, params)
    rows = office_client.get(url, params).context["result_count"]

    _more_records_on_predecessors_of(unit)

    assert _queries(office_client, url, params) == before
    assert office_client.get(url, params).context["result_count"] == rows + 3


@pytest.mark.parametrize("url", LISTS)
def test_the_current_map_costs_no_more_queries_than_the_old_one(office_client, url):
    # The old map has one more: its old provinces' choices.
    assert _queries(office_client, url, {"map": "current"}) <= _queries(
        office_client, url, {"map": "old"}
    )
