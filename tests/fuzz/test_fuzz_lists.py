"""Random query strings for every page that reads one: the filter forms of the lists
(and their Excel export), the dashboard, the report forms and the import templates.

Whatever the parameters, a page answers (never a server error), a GET writes
nothing, and the values typed come back escaped.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from assignments.models import Agency, Decision, FieldVisit, Support
from communes.models import Commune, District
from sampledata import lifecycle as demo

from .fuzzing import (
    FEW,
    FUZZ,
    check_page,
    client_as,
    date_texts,
    ids,
    maybe,
    numbers,
    post_data,
    rolled_back,
    snapshot,
    text,
    users,
)

pytestmark = pytest.mark.django_db

READERS = ["office", "member_a", "member_b", "leader", "reader", "admin"]


class Ids:
    """Real ids of the demo data, the leader's and others', for the select filters."""

    def __init__(self):
        self.people = users()
        a = demo.demo_assignment(demo.GROUP_A_COMMUNE)
        b = demo.demo_assignment(demo.GROUP_B_COMMUNE)
        self.districts = [a.commune.district_id, b.commune.district_id]
        self.districts += list(District.objects.values_list("pk", flat=True)[:3])
        self.communes = [a.commune_id, b.commune_id, Commune.objects.order_by("-pk").first().pk]
        self.agencies = [a.leader.agency_id, b.leader.agency_id]
        self.agencies += list(Agency.objects.values_list("pk", flat=True)[:2])
        self.decisions = list(Decision.objects.values_list("pk", flat=True))

    def __repr__(self):
        return "<demo ids>"


@pytest.fixture
def known():
    return Ids()


SORTS = ["name", "-name", "commune", "-visited_on", "leader", "x", "__class__", "-", "pk; --"]


def common(draw):
    return {
        "sort": draw(maybe(st.one_of(st.sampled_from(SORTS), text()))),
        "page": draw(maybe(st.one_of(numbers(), st.sampled_from(["last", "1", "2", "99999"])))),
        "per_page": draw(maybe(st.one_of(numbers(), st.sampled_from(["25", "200", "201"])))),
        "export": draw(st.sampled_from([None, None, None, None, "xlsx", "pdf", "XLSX"])),
    }


def year():
    return st.one_of(st.integers(2019, 2027).map(str), numbers())


@st.composite
def commune_params(draw, known):
    levels = ["none", "ntm", "nang_cao", "kieu_mau"]
    return {
        "q": draw(maybe(text())),
        "district": draw(maybe(ids(*known.districts))),
        "kind": draw(maybe(st.one_of(st.sampled_from(Commune.Kind.values), text()))),
        "level": draw(maybe(st.one_of(st.sampled_from(levels), text()))),
        "year": draw(maybe(year())),
        "criteria_min": draw(maybe(numbers())),
        "criteria_max": draw(maybe(numbers())),
        "agency": draw(maybe(ids(*known.agencies))),
        **common(draw),
    }


@st.composite
def assignment_params(draw, known):
    yes = st.sampled_from(["1", "0", "yes", ""])
    return {
        "q": draw(maybe(text())),
        "decision": draw(maybe(ids(*known.decisions))),
        "district": draw(maybe(ids(*known.districts))),
        "agency": draw(maybe(ids(*known.agencies))),
        "status": draw(maybe(st.one_of(st.sampled_from(["active", "ended"]), text()))),
        "stale": draw(maybe(yes)),
        "open_recs": draw(maybe(yes)),
        "overdue": draw(maybe(yes)),
        **common(draw),
    }


@st.composite
def visit_params(draw, known):
    return {
        "date_from": draw(maybe(date_texts())),
        "date_to": draw(maybe(date_texts())),
        "district": draw(maybe(ids(*known.districts))),
        "agency": draw(maybe(ids(*known.agencies))),
        "commune": draw(maybe(ids(*known.communes))),
        "leader_present": draw(maybe(st.sampled_from(["true", "false", "unknown", "1", "on"]))),
        "support_kind": draw(maybe(st.one_of(st.sampled_from(Support.Kind.values), text()))),
        "status": draw(maybe(st.one_of(st.sampled_from(FieldVisit.Status.values), text()))),
        **common(draw),
    }


@st.composite
def dashboard_params(draw, known):
    return {"district": draw(maybe(ids(*known.districts))), "year": draw(maybe(year()))}


PAGES = {
    "reports:commune_list": commune_params,
    "assignments:assignment_list": assignment_params,
    "assignments:visit_list": visit_params,
    "reports:dashboard": dashboard_params,
}


def get(client, url, params):
    params = {k: v for k, v in post_data(params).items() if v is not None}
    return check_page(client.get(url, params))


@FUZZ
@given(data=st.data())
def test_random_filters_on_every_list(data, known):
    name = data.draw(st.sampled_from(sorted(PAGES)))
    params = data.draw(PAGES[name](known))
    persona = data.draw(st.sampled_from(READERS))
    event(name)
    with rolled_back():
        client = client_as(known.people[persona])
        before = snapshot()
        response = get(client, reverse(name), params)
        assert response.status_code == 200
        assert snapshot() == before


@st.composite
def report_params(draw, known):
    name = draw(
        st.sampled_from(
            [
                "reports:export_annex",
                "reports:export_matrix",
                "reports:export_visits",
                "reports:export_periodic",
                "reports:import_template",
            ]
        )
    )
    if name == "reports:export_visits":
        return name, [], draw(visit_params(known))
    if name == "reports:import_template":
        kind = draw(st.sampled_from(["phu-luc", "tieu-chi", "x", "tieu-chi-"]))
        return name, [kind], {"year": draw(maybe(year()))}
    periods = st.sampled_from(["2024", "2025-H1", "2025-Q3", "2025-Q5", "2025-H3", "Q1-2025"])
    params = {
        "reports:export_annex": {"decision": draw(maybe(ids(*known.decisions)))},
        "reports:export_matrix": {
            "year": draw(maybe(year())),
            "district": draw(maybe(ids(*known.districts))),
        },
        "reports:export_periodic": {"period": draw(maybe(st.one_of(periods, text())))},
    }[name]
    return name, [], params


@FEW
@given(data=st.data())
def test_random_report_and_template_parameters(data, known):
    name, args, params = data.draw(report_params(known))
    persona = data.draw(st.sampled_from(READERS))
    event(name)
    with rolled_back():
        client = client_as(known.people[persona])
        before = snapshot()
        response = get(client, reverse(name, args=args), params)
        assert response.status_code in (200, 302, 403, 404)
        if response.status_code == 302:
            check_page(client.get(response.url))  # the report page with its message
        assert snapshot() == before


ID_PAGES = [
    "reports:commune_detail",
    "assignments:visit_detail",
    "assignments:visit_edit",
    "assignments:visit_create",
    "assignments:leader_detail",
    "assignments:agency_detail",
    "assignments:attachment_download",
    "assignments:assignment_handover",
    "assignments:decision_amend",
    "reports:import_preview",
]


@st.composite
def id_urls(draw):
    """A page's URL with an id of any size, or the history and admin pages with any text."""
    number = draw(st.one_of(st.integers(0, 500), st.integers(0, 10**30)))
    kind = draw(st.sampled_from(["page", "page", "history", "admin"]))
    if kind == "page":
        return reverse(draw(st.sampled_from(ID_PAGES)), args=[number])
    if kind == "history":
        slug = draw(st.sampled_from(["visit", "assignment", "support", "assessment", "user", "x"]))
        return reverse("assignments:history", args=[slug, number])
    model = draw(st.sampled_from(["assignments/fieldvisit", "communes/commune", "auth/user"]))
    object_id = draw(st.one_of(st.just(str(number)), text().filter(lambda t: t.strip("/"))))
    return f"/admin/{model}/{quote(object_id, safe='')}/change/"


@FUZZ
@given(data=st.data())
def test_random_ids_in_every_url(data, known):
    url = data.draw(id_urls())
    persona = data.draw(st.sampled_from(READERS))
    with rolled_back():
        client = client_as(known.people[persona])
        before = snapshot()
        response = check_page(client.get(url))
        if response.status_code == 302 and response.url.startswith("/"):
            check_page(client.get(response.url))
        assert snapshot() == before
