"""The province dashboard: figures equal to the database, links, charts, bad parameters."""

import datetime
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment, FieldVisit, Recommendation
from communes.models import (
    Assessment,
    Commune,
    CommuneYear,
    CriteriaScore,
    Criterion,
    District,
    Era,
    Recognition,
)
from communes.reference import NTM_SET
from tests import factories

# Recent visits, stale assignments and overdue recommendations are counted from today.
pytestmark = pytest.mark.usefixtures("today")

URL = reverse("reports:dashboard")
OLD = {"map": "old"}  # the map with districts (the default is today's, from 01/07/2025)
RANK = {"ntm": 1, "nang_cao": 2, "kieu_mau": 3}


# --- figures computed independently of the page -------------------------------------


def assessments():
    return Assessment.objects.filter(criterion__criteria_set__code=NTM_SET)


def latest_year():
    """The latest year of 2021–2025 (the 19 criteria): the figures these tests check."""
    return assessments().aggregate(year=Max("year"))["year"]


def default_year():
    """The latest year with results of any period (the dashboard's default)."""
    return CriteriaScore.objects.in_their_period().aggregate(year=Max("year"))["year"]


def programme_ids(district=None):
    communes = Commune.objects.filter(kind="xa", era=Era.PRE_2025)
    if district is not None:
        communes = communes.filter(district=district)
    return set(communes.values_list("pk", flat=True))


def expected_levels(year, district=None):
    ids = programme_ids(district)
    best = {}
    recognitions = Recognition.objects.filter(decided_on__lte=datetime.date(year, 12, 31))
    for commune_id, level in recognitions.values_list("commune_id", "level"):
        if commune_id in ids:
            best[commune_id] = max(best.get(commune_id, 0), RANK[level])
    # A higher level is also every lower one: a nâng cao commune counts as NTM too.
    return {
        level: str(sum(1 for best_rank in best.values() if best_rank >= rank))
        for level, rank in RANK.items()
    }


def expected_average(year, district=None):
    ids = programme_ids(district)
    met = defaultdict(int)
    for commune_id, is_met in assessments().filter(year=year).values_list("commune_id", "met"):
        if commune_id in ids:
            met[commune_id] += is_met
    average = Decimal(sum(met.values())) / len(met)
    return str(average.quantize(Decimal("0.1"), ROUND_HALF_UP)).replace(".", ",")


def stale_assignments(district=None):
    """Active assignments whose last confirmed visit is older than the cutoff, or never."""
    cutoff = timezone.localdate() - datetime.timedelta(days=settings.NTM_STALE_VISIT_DAYS)
    active = Assignment.objects.filter(ended_on__isnull=True).annotate(
        last=Max("visits__visited_on", filter=Q(visits__status="confirmed"))
    )
    if district is not None:
        active = active.filter(commune__district=district)
    return [a for a in active if a.last is None or a.last < cutoff]


def expected_activity(district=None):
    """Only confirmed visits count: drafts, submitted and returned visits do not."""
    today = timezone.localdate()
    visits = FieldVisit.objects.filter(
        status="confirmed",
        visited_on__gte=today - datetime.timedelta(days=90),
        visited_on__lte=today,
    )
    unresolved = Recommendation.objects.exclude(status="resolved")
    overdue = unresolved.filter(visit__status="confirmed", due_on__lt=today)
    if district is not None:
        visits = visits.filter(assignment__commune__district=district)
        overdue = overdue.filter(visit__assignment__commune__district=district)
    stale = stale_assignments(district)
    return {
        "visits": str(visits.count()),
        "stale": str(len(stale)),
        # The assignments the overdue recommendations were made for: the list's rows.
        "overdue": str(len(set(overdue.values_list("visit__assignment", flat=True)))),
    }


# --- reading the page ---------------------------------------------------------------


def cards(response):
    """[(path, {param: value}, figure)] of the page's figure cards."""
    html = response.content.decode()
    found = re.findall(r'<a href="([^"]+)"><span class="figure">([^<]+)</span>', html)
    result = []
    for href, figure in found:
        url = urlsplit(unescape(href))
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        result.append((url.path, params, figure))
    return result


def figure(response, name, **params):
    """The figure of the one card linking to `name` with (at least) these parameters."""
    matches = [
        shown
        for path, query, shown in cards(response)
        if path == reverse(name) and all(query.get(k) == str(v) for k, v in params.items())
    ]
    assert len(matches) == 1, (name, params, cards(response))
    return matches[0]


def average_figure(response):
    """The card of criteria met per commune: the commune list without a level (nor
    approved only: the approval card's)."""
    commune_list = reverse("reports:commune_list")
    shown = [
        f
        for path, query, f in cards(response)
        if path == commune_list and "level" not in query and "da-duyet" not in query
    ]
    assert len(shown) == 1
    return shown[0]


def bac_ha():
    return District.objects.get(code="085", era=Era.PRE_2025)


# --- tests --------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page(anonymous_client):
    response = anonymous_client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["office", "member_a", "leader", "reader"])
def test_every_signed_in_role_reads_the_dashboard(request, persona):
    response = request.getfixturevalue(f"{persona}_client").get(URL)
    assert response.status_code == 200
    assert "Tổng quan xây dựng nông thôn mới" in response.content.decode()


def test_the_latest_year_with_assessments_is_shown_by_default(office_client):
    year = default_year()
    html = office_client.get(URL).content.decode()
    assert f'<option value="{year}" selected>' in html
    assert f"Kết quả đến năm {year}" in html


def test_recognised_communes_count_at_their_level_and_every_level_below(office_client):
    year = latest_year()
    response = office_client.get(URL, {"year": year})
    expected = expected_levels(year)
    for level, count in expected.items():
        assert figure(response, "reports:commune_list", level=level, year=year) == count
    html = response.content.decode()
    assert f"trên tổng số {len(programme_ids())} xã" in html
    # "84 xã đạt chuẩn NTM (trong đó 7 xã nâng cao, 0 xã kiểu mẫu)"
    assert int(expected["ntm"]) > int(expected["nang_cao"]) > 0
    assert (
        f"trong đó {expected['nang_cao']} xã nâng cao, {expected['kieu_mau']} xã kiểu mẫu" in html
    )


def test_an_earlier_year_counts_only_recognitions_decided_by_its_end(office_client):
    year = assessments().order_by("year").values_list("year", flat=True).first()
    response = office_client.get(URL, {"year": year})
    shown = figure(response, "reports:commune_list", level="ntm", year=year)
    assert shown == expected_levels(year)["ntm"]
    assert shown != expected_levels(latest_year())["ntm"]


def test_average_criteria_met_is_that_of_the_assessed_communes(office_client):
    year = latest_year()
    response = office_client.get(URL, {"year": year})
    average = expected_average(year)
    assert average_figure(response) == average
    assert re.fullmatch(r"\d+,\d", average)


def test_activity_figures_match_visits_stale_assignments_and_overdue_recommendations(
    office_client, today
):
    expected = expected_activity()
    response = office_client.get(URL)
    since = today - datetime.timedelta(days=90)
    # The demo data has some of each: a figure of 0 would prove nothing.
    assert "0" not in expected.values()
    assert figure(response, "assignments:visit_list", date_from=since) == expected["visits"]
    assert figure(response, "assignments:assignment_list", stale=1) == expected["stale"]
    assert figure(response, "assignments:assignment_list", overdue=1) == expected["overdue"]

    # A draft visit of today, to a stale assignment, with an overdue recommendation,
    # changes none of the three figures.
    draft = factories.make_visit(stale_assignments()[0], visited_on=today, status="draft")
    factories.make_recommendation(draft, due_on=today - datetime.timedelta(days=1))
    again = office_client.get(URL)
    assert figure(again, "assignments:visit_list", date_from=since) == expected["visits"]
    assert figure(again, "assignments:assignment_list", stale=1) == expected["stale"]
    assert figure(again, "assignments:assignment_list", overdue=1) == expected["overdue"]


def test_choosing_a_district_shows_its_own_figures(office_client):
    district, year = bac_ha(), latest_year()
    province = office_client.get(URL, {**OLD, "year": year})
    response = office_client.get(URL, {**OLD, "district": district.pk, "year": year})
    for level, count in expected_levels(year, district).items():
        shown = figure(response, "reports:commune_list", level=level, district=district.pk)
        assert shown == count
    activity = expected_activity(district)
    assert figure(response, "assignments:assignment_list", stale=1) == activity["stale"]
    assert figure(response, "assignments:assignment_list", overdue=1) == activity["overdue"]
    assert figure(response, "assignments:visit_list") == activity["visits"]
    assert f"trên tổng số {len(programme_ids(district))} xã" in response.content.decode()
    assert [f for _p, _q, f in cards(response)] != [f for _p, _q, f in cards(province)]
    assert "Số liệu của Huyện Bắc Hà" in response.content.decode()


def test_average_of_a_district_uses_only_its_communes(office_client):
    district, year = bac_ha(), latest_year()
    response = office_client.get(URL, {**OLD, "district": district.pk, "year": year})
    assert average_figure(response) == expected_average(year, district)


def test_every_card_links_to_the_list_it_counts_with_the_same_place_and_year(office_client):
    district, year = bac_ha(), latest_year()
    response = office_client.get(URL, {**OLD, "district": district.pk, "year": year})
    links = [(path, query) for path, query, _figure in cards(response)]
    place = {"map": "old", "district": str(district.pk)}
    assert links == [
        (reverse("reports:commune_list"), {"level": "ntm", "year": str(year), **place}),
        (reverse("reports:commune_list"), {"level": "nang_cao", "year": str(year), **place}),
        (reverse("reports:commune_list"), {"level": "kieu_mau", "year": str(year), **place}),
        # The communes with a result that year (those the average is of).
        (reverse("reports:commune_list"), {"year": str(year), "criteria_min": "0", **place}),
        (reverse("reports:commune_list"), {"year": str(year), "da-duyet": "1", **place}),
        (
            reverse("assignments:visit_list"),
            {
                "date_from": "2026-08-20",  # the 90 days up to today (18/11/2026)
                "date_to": "2026-11-18",
                "status": "confirmed",
                **place,
            },
        ),
        (reverse("assignments:assignment_list"), {"stale": "1", **place}),
        (reverse("assignments:assignment_list"), {"overdue": "1", **place}),
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"district": "99999"}, "Không có huyện “99999”; đang hiển thị toàn tỉnh."),
        ({"district": "abc"}, "Không có huyện “abc”; đang hiển thị toàn tỉnh."),
        ({"year": "abc"}, "Không có kết quả đánh giá tiêu chí năm “abc”"),
        ({"year": "1800"}, "Không có kết quả đánh giá tiêu chí năm “1800”"),
        ({"district": "-1", "year": "20241"}, "Không có huyện “-1”"),
        ({"province": "99999"}, "Không có tỉnh cũ “99999”; đang hiển thị toàn tỉnh."),
    ],
)
def test_bad_parameters_show_the_default_view_with_a_message(office_client, params, message):
    default = office_client.get(URL, OLD)
    response = office_client.get(URL, {**OLD, **params})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert cards(response) == cards(default)


def test_without_any_assessment_the_page_says_so_instead_of_drawing_charts(office_client):
    CommuneYear.objects.all().delete()  # approved results are locked
    Assessment.objects.all().delete()
    response = office_client.get(URL, {"year": "2024"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chưa có kết quả đánh giá tiêu chí." in html
    assert "<svg" not in html
    assert "Chưa có kết quả đánh giá tiêu chí nào" in html  # the message about year=2024


def add_assessed_and_visited_communes(count):
    """More communes (one in a new district) with a year of results, a recognition, confirmed
    visits and recommendations."""
    year, today = latest_year(), timezone.localdate()
    criteria = list(Criterion.objects.filter(criteria_set__code=NTM_SET))
    new_district = factories.make_district(province=bac_ha().province, name="Huyện Mới")
    for i in range(count):
        commune = factories.make_commune(district=new_district if i == 0 else bac_ha())
        for criterion in criteria:
            factories.make_assessment(commune, criterion, year, met=criterion.number % 2 == 0)
        Recognition.objects.create(
            commune=commune, level="ntm", decision_number=f"T{i}", decided_on=f"{year}-06-01"
        )
        assignment = factories.make_assignment(commune=commune)
        for days in (5, 200):
            visit = factories.make_visit(
                assignment, visited_on=today - datetime.timedelta(days), status="confirmed"
            )
            factories.make_recommendation(visit, due_on=today - datetime.timedelta(days=1))


@pytest.mark.parametrize(
    ("params", "queries"), [({"map": "old"}, 13), ({"map": "old", "district": "bac_ha"}, 13)]
)
def test_query_count_does_not_grow_with_communes_assessments_and_visits(
    office_client, django_assert_num_queries, params, queries
):
    if "district" in params:
        params = {**params, "district": bac_ha().pk}
    # session, user, demo notice; districts (with their old provinces); criteria totals; the
    # seven queries of dashboard.summary (the year's set, criteria_counts: the criteria, then
    # their sums); the user's groups (+1: the menu asks the user's role)
    with django_assert_num_queries(queries):
        before = office_client.get(URL, params)
    add_assessed_and_visited_communes(5)
    with django_assert_num_queries(queries):
        after = office_client.get(URL, params)
    assert cards(after) != cards(before)


def test_with_many_districts_the_chart_names_the_best_and_the_lowest_and_says_how_many(
    office_client,
):
    year = latest_year()
    criteria = list(Criterion.objects.filter(criteria_set__code=NTM_SET))
    for i in range(30):  # 9 Lào Cai districts + 30 more, each with one assessed commune
        commune = factories.make_commune(
            district=factories.make_district(name=f"Huyện Số {i}", code=f"T{i:02d}")
        )
        for criterion in criteria:
            factories.make_assessment(commune, criterion, year, met=criterion.number <= i % 19)
    districts = District.objects.filter(communes__scores__year=year).distinct().count()

    response = office_client.get(URL, {**OLD, "year": year})

    chart = next(c for c in response.context["charts"] if c.chart_id == "chart-districts")
    assert districts == 39
    assert len(chart.rows) == 30
    assert "Có 39 huyện" in chart.desc
    averages = [float(row[2][0].replace(",", ".")) for row in chart.rows]
    assert averages == sorted(averages, reverse=True)
    assert averages[-1] == 0  # the lowest of all (met none) is among the rows shown
