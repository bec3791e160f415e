"""The SVG charts: pure functions drawing proportional, labelled, escaped shapes, and the
dashboard's three charts drawn from the database's figures."""

import re
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation

from communes.models import Assessment, Criterion, District, Era
from communes.reference import NTM_SET
from reports.charts import BAR_AREA, Bar, bar_chart, column_chart
from tests import factories

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))


def bars_of(root):
    return root.iter(f"{SVG}rect")


def draw_bars(bars, maximum=19):
    return bar_chart(bars, chart_id="c", title="Tiêu đề", desc="Mô tả", maximum=maximum)


def draw_columns(columns, maximum=19, ticks=()):
    return column_chart(
        columns,
        chart_id="y",
        title="Qua các năm",
        desc="Mỗi năm một cột",
        maximum=maximum,
        ticks=ticks,
    )


def test_a_bar_chart_draws_one_bar_per_value_with_widths_proportional_to_the_values():
    root = parse(draw_bars([Bar("A", 19, "19"), Bar("B", 9.5, "9,5"), Bar("C", 0, "0")]))
    widths = [float(rect.get("width")) for rect in bars_of(root)]
    assert widths == [pytest.approx(BAR_AREA, abs=0.1), pytest.approx(BAR_AREA / 2, abs=0.1), 0]


def test_a_bar_longer_than_the_maximum_stops_at_the_edge_and_a_negative_one_at_zero():
    root = parse(draw_bars([Bar("A", 40, "40"), Bar("B", -3, "-3")]))
    widths = [float(rect.get("width")) for rect in bars_of(root)]
    assert widths == [pytest.approx(BAR_AREA, abs=0.1), 0]


def test_each_bar_is_labelled_with_its_name_and_formatted_value_inside_the_svg():
    root = parse(draw_bars([Bar("Huyện Bắc Hà", 13.6, "13,6"), Bar("Thị xã Sa Pa", 12.8, "12,8")]))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Huyện Bắc Hà", "13,6", "Thị xã Sa Pa", "12,8"]


def test_the_svg_is_an_image_labelled_by_its_own_title_and_description():
    root = parse(draw_bars([Bar("A", 1, "1")]))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Tiêu đề"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text == "Mô tả"


def test_a_chart_whose_bars_are_links_is_a_group_so_its_links_can_be_reached():
    root = parse(draw_bars([Bar("Huyện Bắc Hà", 13.6, "13,6", url="/xa/?district=1")]))
    assert root.get("role") == "group"
    assert root.get("aria-labelledby") == "c-title c-desc"
    link = root.find(f"{SVG}a")
    assert [t.text for t in link.iter(f"{SVG}text")] == ["Huyện Bắc Hà", "13,6"]


def test_the_svg_scales_to_its_container_down_to_a_phone():
    root = parse(draw_bars([Bar("A", 1, "1")] * 9))
    assert root.get("width") == "100%"
    assert root.get("height") is None
    x, y, width, height = (float(v) for v in root.get("viewBox").split())
    assert (x, y) == (0, 0)
    assert width <= 400  # text stays legible when shrunk to a 358px-wide column
    assert height > 9 * 30


def test_text_from_the_data_is_escaped_in_the_svg():
    evil = '<script>alert("x")</script> & Co'
    svg = str(draw_bars([Bar(evil, 5, "5 <b>", url="/xa/?district=1&year=2024")]))
    assert "<script>" not in svg
    assert "<b>" not in svg
    root = parse(svg)  # still well-formed XML
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert evil in texts
    assert "5 <b>" in texts


def test_a_bar_with_an_address_is_a_link_to_it():
    root = parse(draw_bars([Bar("A", 5, "5", url="/xa/?district=1&year=2024"), Bar("B", 4, "4")]))
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["/xa/?district=1&year=2024"]


def test_the_current_bar_is_drawn_in_another_colour():
    root = parse(draw_bars([Bar("A", 5, "5"), Bar("B", 4, "4", current=True)]))
    fills = [rect.get("fill") for rect in bars_of(root)]
    assert fills[0] != fills[1]
    groups = [g.get("class") for g in root.iter(f"{SVG}g")]
    assert groups == ["bar", "bar current"]


def test_a_value_label_that_would_leave_the_drawing_goes_inside_its_bar():
    root = parse(draw_bars([Bar("A", 125, "125 xã (99,2%)"), Bar("B", 10, "10 xã (7,9%)")], 126))
    values = [t for t in root.iter(f"{SVG}text") if t.text.endswith("%)")]
    assert values[0].get("text-anchor") == "end"
    assert values[1].get("text-anchor") is None
    assert all(float(t.get("x")) <= 400 for t in values)


def test_coordinates_are_written_with_a_dot_in_vietnamese_too():
    with translation.override("vi"):
        svg = str(draw_bars([Bar("A", 1, "1"), Bar("B", 2.345, "2,3")], maximum=7))
    root = parse(svg)
    for rect in bars_of(root):
        float(rect.get("width"))  # "12,5" would not parse
        float(rect.get("y"))


def test_an_empty_bar_chart_is_still_a_valid_labelled_svg():
    root = parse(draw_bars([]))
    assert list(bars_of(root)) == []
    assert root.find(f"{SVG}title").text == "Tiêu đề"


def test_a_column_chart_draws_one_column_per_year_with_proportional_heights():
    years = [Bar("2021", 9.5, "9,5"), Bar("2022", 19, "19,0"), Bar("2023", 0, "0,0")]
    root = parse(draw_columns(years))
    heights = [float(rect.get("height")) for rect in bars_of(root)]
    assert len(heights) == 3
    assert heights[0] == pytest.approx(heights[1] / 2, abs=0.1)
    assert heights[2] == 0
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels == ["9,5", "2021", "19,0", "2022", "0,0", "2023"]


def test_columns_stand_on_one_baseline():
    root = parse(draw_columns([Bar("2021", 5, "5"), Bar("2022", 12, "12")]))
    bottoms = {float(r.get("y")) + float(r.get("height")) for r in bars_of(root)}
    assert len({round(b, 0) for b in bottoms}) == 1


def test_a_column_chart_labels_its_axis_ticks_and_links_and_marks_the_current_column():
    columns = [
        Bar("2024", 13.4, "13,4", url="/?year=2024"),
        Bar("2025", 14.8, "14,8", current=True),
    ]
    root = parse(draw_columns(columns, ticks=[(0, "0"), (10, "10"), (19, "19")]))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[:3] == ["0", "10", "19"]
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["/?year=2024"]
    assert [g.get("class") for g in root.iter(f"{SVG}g")] == ["column", "column current"]
    # Its links can be reached: a group, not an image (whose content a reader skips).
    assert root.get("role") == "group"
    assert root.get("aria-labelledby") == "y-title y-desc"


# --- the dashboard's charts ---------------------------------------------------------

URL = reverse("reports:dashboard")
OLD = {"map": "old"}  # the map with districts, the one with a district chart


def assessments():
    """The programme's assessments (its criteria set, its communes)."""
    return Assessment.objects.filter(
        criterion__criteria_set__code=NTM_SET, commune__kind="xa", commune__era=Era.PRE_2025
    )


def latest_year():
    return max(assessments().values_list("year", flat=True))


def one_decimal(value):
    return str(Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP)).replace(".", ",")


def expected_average(year, district=None):
    rows = assessments().filter(year=year)
    if district is not None:
        rows = rows.filter(commune__district=district)
    totals = rows.aggregate(
        met=Count("pk", filter=Q(met=True)), communes=Count("commune", distinct=True)
    )
    return one_decimal(Decimal(totals["met"]) / totals["communes"])


def bac_ha():
    return District.objects.get(code="085", era=Era.PRE_2025)


def chart(response, chart_id):
    html = response.content.decode()
    match = re.search(rf'<figure class="chart panel" id="{chart_id}">(.*?)</figure>', html, re.S)
    assert match, f"no chart {chart_id}"
    return match.group(1)


def bar_count(chart_html):
    return chart_html.count("<rect ")


def table_rows(chart_html):
    return re.findall(r"<tr>(.*?)</tr>", chart_html.split("<tbody>")[1], re.S)


def test_the_district_chart_has_one_linked_bar_per_district_best_first(office_client):
    year = latest_year()
    response = office_client.get(URL, {**OLD, "year": year})
    html = chart(response, "chart-districts")
    districts = set(
        assessments().filter(year=year).values_list("commune__district", flat=True).distinct()
    )
    assert bar_count(html) == len(districts) == 9
    for pk in districts:
        # The district's communes with a result that year: as many as the bar's table says.
        query = f"map=old&amp;district={pk}&amp;year={year}&amp;criteria_min=0"
        url = f"{reverse('reports:commune_list')}?{query}"
        assert f'<a href="{url}">' in html
    values = [
        Decimal(v.replace(",", ".")) for v in re.findall(r'font-weight="600"[^>]*>([\d,]+)<', html)
    ]
    assert values == sorted(values, reverse=True)
    assert expected_average(year, bac_ha()) in html


def test_the_chosen_district_stays_among_all_districts_and_is_highlighted(office_client):
    params = {**OLD, "district": bac_ha().pk, "year": latest_year()}
    html = chart(office_client.get(URL, params), "chart-districts")
    assert bar_count(html) == 9
    assert html.count('class="bar current"') == 1
    assert re.search(r'class="bar current"><title>Huyện Bắc Hà:', html)


def test_the_criteria_chart_counts_the_communes_meeting_each_criterion(office_client):
    year = latest_year()
    html = chart(office_client.get(URL, {"year": year}), "chart-criteria")
    assert bar_count(html) == 19
    assert "1. Quy hoạch" in html
    assert "19. Quốc phòng và An ninh" in html
    met = assessments().filter(year=year, met=True, criterion__number=1).count()
    assessed = assessments().filter(year=year).values("commune").distinct().count()
    label = f"{met} xã ({one_decimal(Decimal(100 * met) / assessed)}%)"
    assert f"<title>1. Quy hoạch: {label}</title>" in html
    assert len(table_rows(html)) == 19


def test_the_years_chart_has_one_column_per_assessed_year(office_client):
    years = list(assessments().order_by("year").values_list("year", flat=True).distinct())
    html = chart(office_client.get(URL, {"year": latest_year()}), "chart-years")
    assert bar_count(html) == len(years)
    assert html.count('class="column current"') == 1
    for year in years:
        assert f"<title>{year}: {expected_average(year)}</title>" in html
    assert len(table_rows(html)) == len(years)


@pytest.mark.parametrize("chart_id", ["chart-districts", "chart-criteria", "chart-years"])
def test_every_chart_is_a_titled_image_with_a_table_of_the_same_figures(office_client, chart_id):
    html = chart(office_client.get(URL, {**OLD, "year": latest_year()}), chart_id)
    # An image, or a group when its bars are links (links in an image are unreachable).
    role = "group" if "<a href=" in html.split("</svg>")[0] else "img"
    assert f'role="{role}" aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
    title = re.search(rf'<title id="{chart_id}-title">([^<]+)</title>', html).group(1)
    assert re.search(rf'<desc id="{chart_id}-desc">[^<]+</desc>', html)
    assert f"<h2>{title}</h2>" in html
    assert 'viewBox="0 0 400 ' in html and 'width="100%"' in html
    assert "<summary>Bảng số liệu</summary>" in html
    assert len(table_rows(html)) == bar_count(html)


def test_district_names_are_escaped_in_the_charts(office_client):
    lao_cai = District.objects.filter(era=Era.PRE_2025).first().province
    district = factories.make_district(province=lao_cai, name='<b>Huyện "Thử" & Co</b>', code="T92")
    commune = factories.make_commune(district=district)
    criterion = Criterion.objects.get(criteria_set__code=NTM_SET, number=1)
    factories.make_assessment(commune=commune, criterion=criterion, year=latest_year(), met=True)
    params = {**OLD, "year": latest_year()}
    html = office_client.get(URL, params).content.decode()
    assert "<b>Huyện" not in html
    assert "&lt;b&gt;Huyện &quot;Thử&quot; &amp; Co&lt;/b&gt;" in chart(
        office_client.get(URL, params), "chart-districts"
    )
