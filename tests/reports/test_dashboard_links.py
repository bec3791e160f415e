"""Every dashboard figure a user sees opens a list of those rows as that user sees them, or
is not a link: followed as each role (tests/test_permission_matrix.py's personas), the list
counts as many rows as the figure says."""

import re
from html import unescape

import pytest
from django.urls import reverse

from communes.models import District
from core.templatetags.ntm_format import number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

URL = reverse("reports:dashboard")
LISTS = (
    reverse("reports:commune_list"),
    reverse("assignments:assignment_list"),
    reverse("assignments:visit_list"),
)
ROLES = ["office_client", "office_head_client", "member_a_client", "reader_client"]
BAC_HA = "Huyện Bắc Hà"
# Today's map (2026's results on today's units), the old map of 2025 and one district of
# it, approved results only, and an old district in a year whose results are on today's
# units.
VIEWS = [
    {},
    {"map": "old", "year": 2025},
    {"map": "old", "year": 2025, "district": BAC_HA},
    {"da-duyet": "1"},
    {"map": "old", "year": 2026, "district": BAC_HA},
]


def dashboard(client, view):
    if "district" in view:
        view = {**view, "district": District.objects.get(name=view["district"]).pk}
    response = client.get(URL, view)
    assert response.status_code == 200
    return response


def figures(response):
    """[(url, rows, what the page says)] of the cards and the district chart's rows."""
    found = [
        (card.url, card.rows, f"{card.figure} {card.note}")
        for section in response.context["figure_sections"]
        for card in section["cards"]
    ]
    for chart in response.context["charts"]:
        if chart.chart_id == "chart-districts":  # its rows: district, communes assessed, average
            found += [(row[0][1], int(row[1][0]), row[1][0]) for row in chart.rows]
    return found


def list_links(response):
    """The links of the page's figures and charts that open a list."""
    html = response.content.decode()
    figures_and_charts = html[html.index('class="dashboard-figures"') :]
    hrefs = {unescape(h) for h in re.findall(r'href="([^"]+)"', figures_and_charts)}
    return {h for h in hrefs if h.split("?")[0] in LISTS}


def rows_listed(client, url, seen):
    if url not in seen:
        response = client.get(url)
        assert response.status_code == 200
        assert not [m for m in response.context["messages"] if "bỏ qua" in str(m)], url
        seen[url] = response.context["result_count"]
    return seen[url]


@pytest.mark.parametrize("role", ROLES)
def test_each_figure_opens_a_list_of_as_many_rows_for_each_role(role, request):
    client = request.getfixturevalue(role)
    seen = {}
    for view in VIEWS:
        response = dashboard(client, view)
        checked = set()
        for url, rows, said in figures(response):
            assert number(rows) in said  # the figure (or its note) says how many rows
            if not url:
                continue
            assert rows_listed(client, url, seen) == rows, (view, url)
            checked.add(url)
        # No other link of the figures opens a list; the activity cards are all links.
        assert list_links(response) == checked
        activity = response.context["figure_sections"][1]["cards"]
        assert all(card.url for card in activity)
    assert len(seen) >= 20


def test_a_leaders_figures_of_the_province_are_not_links_and_the_page_says_why(leader_client):
    for view in VIEWS:
        response = dashboard(leader_client, view)

        assert list_links(response) == set()
        assert all(not url for url, _rows, _said in figures(response))
        assert "nên các con số không mở danh sách" in response.content.decode()


def test_the_overdue_card_counts_the_assignments_its_list_shows(office_client):
    [card] = [
        card
        for section in dashboard(office_client, {}).context["figure_sections"]
        for card in section["cards"]
        if "overdue=1" in card.url
    ]
    listed = office_client.get(card.url).context["result_count"]

    assert card.figure == number(listed)
    # The recommendations they hold: in the note (51 on 41 assignments in the demo data).
    assert re.match(r"\d+ kiến nghị, hạn xử lý trước \d\d/\d\d/\d{4}", card.note)
    assert int(card.note.split()[0]) > listed
