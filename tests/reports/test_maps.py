"""The dashboard and the communes list read on either map (?map=old|current).

The old map reads the figures by old province and district, as the 2021–2025 reports
were made; today's map (the default from 01/07/2025) over today's units, each with
the records of the old units merged into it. The same records give the same totals
on both maps.
"""

import datetime
import html
import io
import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Max
from django.urls import reverse
from openpyxl import load_workbook

from assignments.models import FieldVisit
from communes.models import (
    Commune,
    CriteriaScore,
    Criterion,
    District,
    Era,
    Map,
    Province,
    Recognition,
)
from communes.reference import NTM_SET
from tests import factories

# Recent visits, stale assignments and overdue recommendations are counted from today.
pytestmark = pytest.mark.usefixtures("today")

DASHBOARD = reverse("reports:dashboard")
LIST = reverse("reports:commune_list")
ALL = {"per_page": 200}
RANK = {"ntm": 1, "nang_cao": 2, "kieu_mau": 3}


def page_text(response):
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def cards(response):
    """{(list path, what it counts): (figure, {param: value})} of the dashboard's cards."""
    found = re.findall(
        r'<a href="([^"]+)"><span class="figure">([^<]+)</span>', response.content.decode()
    )
    result = {}
    for href, figure in found:
        url = urlsplit(html.unescape(href))
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        what = (
            params.get("level")
            or ("da-duyet" in params and "approved")
            or ("stale" in params and "stale")
            or ("overdue" in params)
        )
        result[(url.path, what or "")] = (figure, params)
    return result


def latest_year():
    return CriteriaScore.objects.programme().aggregate(year=Max("year"))["year"]


def old_lao_cai():
    return Province.objects.get(code="10", era=Era.PRE_2025)


def rows(client, params):
    """Every row of the communes list (every page) with these parameters."""
    found, page = [], 1
    while True:
        response = client.get(LIST, {**params, **ALL, "page": page})
        table = response.context["table"]
        found += [row.record for row in table.page.object_list]
        if page >= table.paginator.num_pages:
            return found
        page += 1


def new_unit(name, predecessors, district):
    """A unit of today's map made of `predecessors` new old xã of `district`, each with an
    assignment and a confirmed visit, assessed in the latest year (criterion 1 met) and
    recognised NTM."""
    province = Province.objects.get(era=Era.FROM_2025)
    n = Commune.objects.count()
    unit = Commune.objects.create(
        province=province, era=Era.FROM_2025, code=f"8{n:04d}"[-5:], name=name
    )
    Commune.objects.filter(pk=unit.pk).update(current_unit=unit)
    criterion = Criterion.objects.get(criteria_set__code=NTM_SET, number=1)
    for i in range(predecessors):
        old = factories.make_commune(district=district, name=f"{name} Cũ {i}")
        Commune.objects.filter(pk=old.pk).update(current_unit=unit)
        assignment = factories.make_assignment(commune=old)
        factories.make_visit(
            assignment, visited_on=datetime.date(2024, 3, 1 + i), status="confirmed"
        )
        factories.make_assessment(old, criterion, latest_year(), met=True)
        Recognition.objects.create(
            commune=old, level="ntm", decision_number=f"{name}{i}", decided_on="2022-06-01"
        )
    return unit


# --- the dashboard ------------------------------------------------------------------


@pytest.mark.parametrize("year", ["latest", 2021])
def test_the_dashboards_figures_are_the_same_on_both_maps(office_client, year):
    year = latest_year() if year == "latest" else year

    old = cards(office_client.get(DASHBOARD, {"map": "old", "year": year}))
    current = cards(office_client.get(DASHBOARD, {"map": "current", "year": year}))

    assert old.keys() == current.keys()
    assert len(old) == 8  # three levels, the average, approved, visits, stale, overdue
    for key, (figure, _params) in old.items():
        assert current[key][0] == figure, key
    assert {figure for figure, _params in old.values()} - {"0"}  # figures the demo has


def test_the_old_maps_headline_counts_the_programmes_xa_of_both_old_provinces(office_client):
    whole = page_text(office_client.get(DASHBOARD, {"map": "old"}))
    lao_cai = page_text(office_client.get(DASHBOARD, {"map": "old", "province": old_lao_cai().pk}))

    assert "trên tổng số 273 xã" in whole
    assert "trên tổng số 127 xã" in lao_cai  # as in 2021–2025
    assert "Số liệu của Lào Cai (cũ)" in lao_cai


def test_an_old_province_shows_its_own_districts_in_the_chart(office_client):
    params = {"map": "old", "province": old_lao_cai().pk, "year": latest_year()}
    response = office_client.get(DASHBOARD, params)

    chart = next(c for c in response.context["charts"] if c.chart_id == "chart-districts")
    names = {row[0][0] for row in chart.rows}
    assert names == set(
        District.objects.in_programme()
        .filter(province=old_lao_cai(), communes__scores__year=latest_year())
        .values_list("name", flat=True)
    )
    assert "Huyện Bắc Hà" in names


def test_the_old_map_offers_its_districts_grouped_by_old_province(office_client):
    content = office_client.get(DASHBOARD, {"map": "old"}).content.decode()

    select = re.search(r'<select name="district"[^>]*>(.*?)</select>', content, re.S).group(1)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _options in groups] == ["Lào Cai (cũ)", "Yên Bái (cũ)"]
    assert "Huyện Bắc Hà" in groups[0][1] and "Huyện Bắc Hà" not in groups[1][1]
    assert "Huyện Trạm Tấu" in groups[1][1]


def test_todays_map_has_no_district_nor_district_chart(office_client):
    response = office_client.get(DASHBOARD)

    content = response.content.decode()
    assert '<select name="district"' not in content
    assert 'name="map" value="current"' in content
    assert "chart-districts" not in {c.chart_id for c in response.context["charts"]}
    assert "đọc theo bản đồ hiện nay" in page_text(response)


def test_a_district_asked_on_todays_map_reads_the_whole_province_and_says_so(office_client):
    response = office_client.get(DASHBOARD, {"map": "current", "district": "5"})

    messages = [str(m) for m in response.context["messages"]]
    assert any("không còn cấp huyện" in m for m in messages)
    assert cards(response) == cards(office_client.get(DASHBOARD, {"map": "current"}))


def test_a_link_naming_a_district_without_a_map_reads_the_old_map(office_client):
    bac_ha = District.objects.get(code="085", era=Era.PRE_2025)

    response = office_client.get(DASHBOARD, {"district": bac_ha.pk})

    assert "Số liệu của Huyện Bắc Hà" in page_text(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"map": "current"}, {"map": "current"}),
        ({"map": "old", "province": "lao_cai"}, {"map": "old", "province": "lao_cai"}),
    ],
)
def test_every_card_links_to_its_list_on_the_same_map_and_place(office_client, params, expected):
    pk = str(old_lao_cai().pk)
    params = {k: pk if v == "lao_cai" else v for k, v in params.items()}
    expected = {k: pk if v == "lao_cai" else v for k, v in expected.items()}

    response = office_client.get(DASHBOARD, params)

    year = response.context["year"]
    for key, (_figure, query) in cards(response).items():
        # The activity's lists on the dashboard's map; the recognised xã on the old map (a row
        # per xã, as the figure counts them); the year's results on the map they were
        # recorded on (Map.of_year). Always in the same place.
        on_map = expected["map"]
        if key[0] == LIST:
            on_map = "old" if "level" in query else Map.of_year(year).value
        where = {k: v for k, v in expected.items() if k != "map"}
        assert {k: query.get(k) for k in ("map", "province", "district") if k in query} == (
            {"map": on_map, **where}
        ), key


def test_todays_map_says_how_many_units_of_today_each_levels_communes_are_in(office_client):
    year = latest_year()
    best, units = {}, {}
    for commune, unit, level in Recognition.objects.filter(
        decided_on__lte=datetime.date(year, 12, 31)
    ).values_list("commune", "commune__current_unit", "level"):
        best[commune] = max(best.get(commune, 0), RANK[level])
        units[unit] = max(units.get(unit, 0), RANK[level])
    # NTM counts every level (a higher level is also NTM).
    ntm_xa, ntm_units = len(best), len(units)

    response = office_client.get(DASHBOARD, {"map": "current", "year": year})

    text = page_text(response)
    assert 1 < ntm_units < ntm_xa  # some recognised xã were merged together
    assert f"{ntm_xa} xã đạt chuẩn nông thôn mới trong đó " in text
    assert f"trên tổng số 273 xã trước 01/07/2025; thuộc {ntm_units} đơn vị hiện nay" in text
    assert "tính theo đơn vị tại thời điểm công nhận" in text
    # The card's link: the list of the xã it counts (the old map's, a row per xã), each at
    # that level or higher; the units of today are said in the note.
    _figure, query = cards(response)[(LIST, "ntm")]
    listed = office_client.get(LIST, query).context["table"].paginator.count
    assert query["map"] == "old" and listed == ntm_xa


def test_the_dashboard_on_todays_map_runs_no_more_queries_and_they_do_not_grow(
    office_client, django_assert_num_queries
):
    bac_ha = District.objects.get(code="085", era=Era.PRE_2025)
    office_client.get(DASHBOARD)  # warm up

    # As on the old map (13) less the districts, which today's map has none of.
    with django_assert_num_queries(12):
        before = office_client.get(DASHBOARD, {"map": "current"})
    new_unit("Mới Một", 3, bac_ha)
    new_unit("Mới Hai", 1, bac_ha)
    with django_assert_num_queries(12):
        after = office_client.get(DASHBOARD, {"map": "current"})
    assert cards(after) != cards(before)


# --- the communes list --------------------------------------------------------------


def test_the_lists_summable_figures_are_the_same_on_both_maps(office_client):
    year = latest_year()

    old = rows(office_client, {"map": "old", "year": year})
    current = rows(office_client, {"map": "current", "year": year})

    recognised = sum(1 for row in old if row.ntm_level)
    assessed = [row.criteria_met for row in old if row.criteria_met is not None]
    assert recognised and assessed
    assert sum(row.recognised_units for row in current) == recognised
    assert sum(row.criteria_units for row in current) == len(assessed)
    met = sum(round(row.criteria_met * row.criteria_units) for row in current if row.criteria_units)
    assert met == sum(assessed)


def test_a_unit_of_today_shows_its_old_districts_and_old_xa(office_client):
    bac_ha = Commune.objects.get(era=Era.FROM_2025, name="Bắc Hà")
    gia_phu = Commune.objects.get(era=Era.FROM_2025, name="Gia Phú")

    response = office_client.get(LIST, {"map": "current", "q": "bac ha"})

    content = response.content.decode()
    olds = Commune.objects.filter(current_unit=bac_ha).exclude(pk=bac_ha.pk)
    assert {c.district.name for c in olds} == {"Huyện Bắc Hà"}
    row = re.search(
        rf'href="{reverse("reports:commune_detail", args=[bac_ha.pk])}".*?</tr>', content, re.S
    )
    assert '">Bắc Hà</span>' in row.group(0)
    for old in olds:
        assert old.name in row.group(0)  # in the label's title: "Gồm: …"
    districts = set(
        Commune.objects.filter(current_unit=gia_phu)
        .exclude(pk=gia_phu.pk)
        .values_list("district__name", flat=True)
    )
    assert len(districts) == 2  # Gia Phú took in xã of two old districts
    shown = office_client.get(LIST, {"map": "current", "q": "gia phu"})
    label = shown.context["table"].value_old_districts(records_of(shown)[0])
    assert set(label.split(", ")) == {name.removeprefix("Huyện ") for name in districts}


def records_of(response):
    return [row.record for row in response.context["table"].page.object_list]


def test_a_unit_with_several_assessed_old_xa_shows_their_average_and_says_so(office_client):
    year = latest_year()
    unit = Commune.objects.get(era=Era.FROM_2025, name="Bắc Hà")
    scores = CriteriaScore.objects.programme().filter(commune__current_unit=unit, year=year)
    met = list(scores.values_list("met", flat=True))
    assert len(met) > 1

    response = office_client.get(LIST, {"map": "current", "q": "bac ha", "year": year})

    [row] = [r for r in records_of(response) if r.pk == unit.pk]
    assert row.criteria_units == len(met)
    assert row.criteria_met == pytest.approx(sum(met) / len(met))
    assert f"(bình quân {len(met)} xã)" in page_text(response)


def test_a_unit_of_today_shows_the_last_visit_and_best_level_of_its_old_xa(office_client):
    unit = Commune.objects.get(era=Era.FROM_2025, name="Bắc Hà")
    visits = FieldVisit.objects.counted().filter(assignment__commune__current_unit=unit)
    levels = Recognition.objects.filter(commune__current_unit=unit).values_list("level", "commune")

    response = office_client.get(LIST, {"map": "current", "q": "bac ha"})

    [row] = [r for r in records_of(response) if r.pk == unit.pk]
    assert row.last_visit == visits.aggregate(last=Max("visited_on"))["last"]
    assert RANK[row.ntm_level] == max(RANK[level] for level, _commune in levels)
    assert row.recognised_units == len({commune for _level, commune in levels})


def test_todays_map_offers_no_district_and_lists_its_phuong_on_demand(office_client):
    response = office_client.get(LIST, {"map": "current", "kind": "phuong", **ALL})

    content = response.content.decode()
    assert '<select name="district"' not in content and '<select name="province"' not in content
    wards = Commune.objects.filter(era=Era.FROM_2025, kind=Commune.Kind.WARD)
    assert {c.pk for c in records_of(response)} == set(wards.values_list("pk", flat=True))


def test_the_excel_export_of_todays_map_labels_every_row_with_its_old_districts(office_client):
    response = office_client.get(LIST, {"map": "current", "per_page": 10, "export": "xlsx"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if "Huyện cũ" in row)
    column = values[header].index("Huyện cũ")
    labels = Counter(row[column] for row in values[header + 1 :])
    assert sum(labels.values()) == Commune.objects.in_programme(Map.CURRENT).count()
    assert labels["Bắc Hà"] >= 1 and labels["Văn Chấn"] >= 1  # past the first page too


@pytest.mark.parametrize("predecessors", [1, 3])
def test_the_list_on_todays_map_runs_a_fixed_number_of_queries(
    office_client, django_assert_num_queries, predecessors
):
    bac_ha = District.objects.get(code="085", era=Era.PRE_2025)
    params = {"map": "current", **ALL}
    office_client.get(LIST, params)  # warm up: session and caches

    # session, user, demo notice; years; criteria; count; the page's rows; their old
    # districts; agencies of the filter; the user's groups (+1: the menu asks the user's role)
    with django_assert_num_queries(10):
        before = office_client.get(LIST, params)
    for i in range(5):
        new_unit(f"Thử Mới {i}", predecessors, bac_ha)
    with django_assert_num_queries(10):
        after = office_client.get(LIST, params)

    assert after.context["table"].paginator.count == before.context["table"].paginator.count + 5
    added = [r for r in records_of(after) if r.name.startswith("Thử Mới")]
    assert [r.recognised_units for r in added] == [predecessors] * 5
    assert all("Bắc Hà" in after.context["table"].value_old_districts(r) for r in added)


@pytest.mark.parametrize("province", ["10", "15"])
def test_an_old_provinces_activity_cards_open_lists_with_as_many_rows(office_client, province):
    """The assignments and visits lists filter by old province too, so a card read for
    Lào Cai (cũ) or Yên Bái (cũ) opens the rows it counts, not the whole province's.
    (The overdue recommendations' card counts recommendations and opens their
    assignments: issue 16 makes it open the recommendations.)"""
    place = Province.objects.get(code=province, era=Era.PRE_2025)
    response = office_client.get(DASHBOARD, {"map": "old", "province": place.pk})

    activity = {
        key: value
        for key, value in cards(response).items()
        if key[0] in (reverse("assignments:assignment_list"), reverse("assignments:visit_list"))
        and key[1] is not True  # the overdue recommendations'
    }
    assert len(activity) == 2
    for (path, what), (figure, query) in activity.items():
        listed = office_client.get(path, query)
        assert listed.status_code == 200
        assert listed.context["table"].paginator.count == int(figure.replace(".", "")), what


def test_the_visits_list_on_the_old_map_keeps_the_old_provinces_visits(office_client):
    """Every visit made for an old Lào Cai unit (all of the demo's before 01/07/2025), none
    for Yên Bái's, and the whole map also those made since for today's units."""
    url = reverse("assignments:visit_list")
    by_province = {}
    for code in ("10", "15"):
        place = Province.objects.get(code=code, era=Era.PRE_2025)
        response = office_client.get(url, {"map": "old", "province": place.pk})
        by_province[code] = response.context["table"].paginator.count
        expected = FieldVisit.objects.filter(assignment__commune__province=place).count()
        assert by_province[code] == expected
    whole = office_client.get(url, {"map": "old"}).context["table"].paginator.count

    assert by_province["10"] > 0
    assert by_province["15"] == 0
    assert whole == FieldVisit.objects.count() > by_province["10"]


def test_todays_list_says_whose_level_it_shows(office_client):
    """A unit of today is not recognised by its old xã's recognition: the column says the
    level is the highest of the unit and its old xã."""
    current = page_text(office_client.get(LIST, {"map": "current"}))
    old = page_text(office_client.get(LIST, {"map": "old"}))

    assert "Mức cao nhất (đơn vị và xã cũ)" in current
    assert "Mức cao nhất (đơn vị và xã cũ)" not in old and "Mức đạt chuẩn" in old
