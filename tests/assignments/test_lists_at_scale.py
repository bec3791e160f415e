"""The assignments, visits and communes lists stay usable and cheap at national scale.

Nationally there are ~10,000 communes and ~2,000 agencies: a filter over them
lists a short set (the chosen district's), and a deep page loads only its own
rows. The demo data is one province, so `national_scale` lowers the length
past which a dropdown counts as long.
"""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignments.models import Agency, Assignment, FieldVisit
from communes.models import Commune
from core import listing

pytestmark = pytest.mark.django_db

ASSIGNMENTS = reverse("assignments:assignment_list")
VISITS = reverse("assignments:visit_list")
COMMUNES = reverse("reports:commune_list")
COMMUNE_HINT = "Chọn huyện rồi bấm “Lọc” để có danh sách xã."
AGENCY_HINT = "Chọn huyện rồi bấm “Lọc” để có danh sách cơ quan giúp đỡ các xã của huyện."


class _Selects(HTMLParser):
    """{select name: [(value, label, selected), …]} of a page."""

    def __init__(self):
        super().__init__()
        self.selects, self._name, self._option = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._name = attrs["name"]
            self.selects[self._name] = []
        elif tag == "option" and self._name:
            self._option = [attrs.get("value"), "", "selected" in attrs]

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self.selects[self._name].append(tuple(self._option))
            self._option = None
        elif tag == "select":
            self._name = None


def options(response, name):
    parser = _Selects()
    parser.feed(response.content.decode())
    return parser.selects[name]


def values(response, name):
    """The pks a dropdown offers (its "Tất cả" left out)."""
    return {int(value) for value, _label, _selected in options(response, name) if value}


def labels(response, name):
    return [label for _value, label, _selected in options(response, name)]


def selected(response, name):
    return [(value, label) for value, label, chosen in options(response, name) if chosen]


def shown(response):
    return [row.record for row in response.context["table"].page.object_list]


@pytest.fixture
def national_scale(monkeypatch):
    """More than 10 choices count as long, as 10,000 communes do nationally."""
    monkeypatch.setattr(listing, "CHOICE_LIMIT", 10)


@pytest.fixture
def ban_vuoc():
    """Bản Vược's latest pair (on the old unit: ended 30/06/2025 once carried over)."""
    return Assignment.objects.filter(commune__name="Bản Vược").latest("started_on", "pk")


def test_the_province_sees_every_assigned_commune_and_agency_in_the_dropdowns(office_client):
    response = office_client.get(VISITS)

    html = response.content.decode()
    assert values(response, "commune") == set(
        Commune.objects.filter(assignments__isnull=False).values_list("pk", flat=True)
    )
    assert len(values(response, "commune")) >= 127  # Decision 1599's, and any carried over
    assert values(response, "agency") == set(Agency.objects.values_list("pk", flat=True))
    assert COMMUNE_HINT not in html
    assert AGENCY_HINT not in html


def test_long_commune_and_agency_lists_ask_for_a_district_first(office_client, national_scale):
    response = office_client.get(VISITS, {"map": "old"})

    html = response.content.decode()
    assert labels(response, "commune") == ["Tất cả"]
    assert labels(response, "agency") == ["Tất cả"]
    assert COMMUNE_HINT in html
    assert AGENCY_HINT in html
    # The hint is read out with the dropdown it belongs to.
    assert 'aria-describedby="id_commune_helptext"' in html
    assert 'id="id_commune_helptext"' in html
    # The list itself is whole.
    assert response.context["result_count"] == FieldVisit.objects.count()


def test_choosing_a_district_lists_its_communes_and_the_agencies_helping_them(
    office_client, national_scale, ban_vuoc
):
    district = ban_vuoc.commune.district

    response = office_client.get(VISITS, {"district": district.pk})

    in_district = Assignment.objects.filter(commune__district=district)
    assert values(response, "commune") == set(in_district.values_list("commune", flat=True))
    assert ban_vuoc.commune_id in values(response, "commune")
    assert values(response, "agency") == set(in_district.values_list("leader__agency", flat=True))
    assert COMMUNE_HINT not in response.content.decode()


def test_a_district_narrows_the_agencies_of_the_assignments_list_too(
    office_client, national_scale, ban_vuoc
):
    district = ban_vuoc.commune.district

    response = office_client.get(ASSIGNMENTS, {"district": district.pk})

    assert values(response, "agency") == set(
        Assignment.objects.filter(commune__district=district).values_list(
            "leader__agency", flat=True
        )
    )


def test_a_link_with_a_commune_still_filters_and_shows_the_commune_chosen(
    office_client, national_scale, ban_vuoc
):
    # As the visit page and the scorecards link: no district in the link.
    response = office_client.get(VISITS, {"commune": ban_vuoc.commune_id})

    visits = FieldVisit.objects.filter(assignment__commune=ban_vuoc.commune)
    assert visits.exists()
    assert response.context["result_count"] == visits.count()
    assert {v.assignment.commune_id for v in shown(response)} == {ban_vuoc.commune_id}
    assert selected(response, "commune") == [(str(ban_vuoc.commune_id), str(ban_vuoc.commune))]
    assert "Bản Vược" in selected(response, "commune")[0][1]


def test_a_link_with_an_agency_still_filters_and_shows_the_agency_chosen(
    office_client, national_scale, ban_vuoc
):
    agency = ban_vuoc.leader.agency

    response = office_client.get(ASSIGNMENTS, {"map": "old", "agency": agency.pk, "per_page": 200})

    expected = Assignment.objects.filter(leader__agency=agency)
    assert response.context["result_count"] == expected.count()
    assert {a.leader.agency_id for a in shown(response)} == {agency.pk}
    assert selected(response, "agency") == [(str(agency.pk), agency.long_name)]
    assert AGENCY_HINT in response.content.decode()


@pytest.mark.parametrize("value", ["999999", "abc"])
def test_a_bogus_commune_is_ignored_with_a_message(office_client, national_scale, value):
    response = office_client.get(VISITS, {"map": "old", "commune": value})

    html = response.content.decode()
    assert response.context["result_count"] == FieldVisit.objects.count()
    assert "Đã bỏ qua bộ lọc không hợp lệ" in html
    assert not [value for value, _label in selected(response, "commune") if value]
    assert COMMUNE_HINT in html


def test_a_bogus_district_leaves_the_long_lists_unnarrowed(office_client, national_scale):
    response = office_client.get(VISITS, {"district": "999999"})

    assert "Đã bỏ qua bộ lọc không hợp lệ" in response.content.decode()
    assert labels(response, "commune") == ["Tất cả"]


def test_communes_list_asks_for_a_district_before_listing_agencies(
    office_client, national_scale, ban_vuoc
):
    district = ban_vuoc.commune.district

    without = office_client.get(COMMUNES)
    within = office_client.get(COMMUNES, {"district": district.pk})

    assert labels(without, "agency") == ["Tất cả cơ quan"]
    assert AGENCY_HINT in without.content.decode()
    active = Assignment.objects.active().filter(commune__district=district)
    assert values(within, "agency") == set(active.values_list("leader__agency", flat=True))
    assert AGENCY_HINT not in within.content.decode()


def test_communes_list_link_with_an_agency_shows_it_chosen(office_client, national_scale, ban_vuoc):
    agency = ban_vuoc.leader.agency

    response = office_client.get(COMMUNES, {"agency": agency.pk})

    assert selected(response, "agency") == [(str(agency.pk), agency.name)]
    # Read on the current map: the unit Bản Vược went into.
    assert ban_vuoc.commune.current_unit in [
        row.record for row in response.context["table"].page.object_list
    ]


def _queries(client, url, params):
    client.get(url, params)  # warm up: session and caches
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return len(queries)


@pytest.mark.parametrize("url", [ASSIGNMENTS, VISITS, COMMUNES])
@pytest.mark.parametrize("district", [False, True])
def test_long_choice_lists_cost_no_more_queries_than_short_ones(
    office_client, monkeypatch, ban_vuoc, url, district
):
    params = {"district": ban_vuoc.commune.district_id} if district else {}
    short = _queries(office_client, url, params)
    monkeypatch.setattr(listing, "CHOICE_LIMIT", 10)

    assert _queries(office_client, url, params) == short


@pytest.mark.parametrize(
    ("url", "sort", "expected"),
    [
        (VISITS, None, lambda: FieldVisit.objects.order_by("-visited_on", "-pk")),
        (
            VISITS,
            "-support_total",
            lambda: FieldVisit.objects.for_list().order_by("-support_total", "-pk"),
        ),
        (ASSIGNMENTS, "old", lambda: Assignment.objects.for_list()),
        (
            ASSIGNMENTS,
            None,  # the current map: a unit's pairs and its predecessors' together
            lambda: Assignment.objects.for_list().order_by(
                "commune__current_unit__sort_name", "commune__sort_name", "-started_on", "pk"
            ),
        ),
        (
            ASSIGNMENTS,
            "-support_total",
            lambda: Assignment.objects.for_list().order_by("-support_total", "-pk"),
        ),
    ],
)
def test_a_deep_page_shows_the_rows_of_that_page_in_order(office_client, url, sort, expected):
    params = {"page": 4, "per_page": 10}
    if sort == "old":
        params["map"] = "old"
    elif sort:
        params["sort"] = sort

    response = office_client.get(url, params)

    assert [row.pk for row in shown(response)] == list(
        expected().values_list("pk", flat=True)[30:40]
    )


@pytest.mark.parametrize("url", [ASSIGNMENTS, VISITS])
def test_a_deep_page_costs_the_queries_of_the_first(office_client, url):
    assert _queries(office_client, url, {"page": 5}) == _queries(office_client, url, {})
