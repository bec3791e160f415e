"""The dossier per criteria set: the 19-criteria grid of 2021–2025 and, in a section of its
own, the 2026–2030 set's criteria with their indicators; the yearly summary per set."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import Commune, CommuneGroup, CommuneYear, CriteriaSet, Criterion, Era
from communes.results import record
from tests.support.results_sheet import commune_on, small_set

pytestmark = pytest.mark.django_db


def text(fragment):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def table(content, css_class):
    """Every table of this class, as its HTML."""
    return re.findall(rf'<table class="{css_class}">.*?</table>', content, re.S)


def header_years(table_html):
    head = re.search(r"<thead>(.*?)</thead>", table_html, re.S).group(1)
    return [int(y) for y in re.findall(r">(20\d\d)<", head)]


@pytest.fixture
def s():
    return small_set()


@pytest.fixture
def two_periods(s, office_user):
    """A commune with results of 2025 (three of the 19 criteria) and of 2026 (the small
    set: criterion 1 by its indicators, criterion 2 for itself), group 3 for 2026–2030."""
    commune = commune_on(s.criteria_set, group=3)
    criteria = list(Criterion.objects.programme().order_by("number")[:3])
    record(
        commune,
        2025,
        criteria={c.pk: (c.number != 2, "") for c in criteria},
        user=office_user,
    )
    record(
        commune,
        2026,
        indicators={s.value.pk: (None, "85", ""), s.yes_no.pk: (True, None, "")},
        criteria={s.plain.pk: (False, "")},
        user=office_user,
    )
    return commune


def dossier(client, commune):
    response = client.get(reverse("reports:commune_detail", args=[commune.pk]))
    assert response.status_code == 200
    return response


def test_2025_and_2026_results_are_in_two_grids_never_one_column(office_client, two_periods):
    content = dossier(office_client, two_periods).content.decode()

    [old] = table(content, "criteria-grid")
    [new] = table(content, "set-grid")
    assert header_years(old) == [2025]
    assert old.count('<tr class="criterion">') == 19
    assert "Hạ tầng thử" not in old
    assert header_years(new) == [2026]
    rows = [text(row) for row in re.findall(r"<tr class=\"set-[a-z]+\">.*?</tr>", new, re.S)]
    assert rows == [
        "1. Hạ tầng thử 2 chỉ tiêu Đạt",
        "1.1 Tỷ lệ đường xã được cứng hóa ≥ 80% 85 % · Đạt",
        "1.2 Có nhà văn hóa Đạt Đạt",
        "2. Quy hoạch thử Chưa đạt",
    ]
    assert "Yêu cầu (nhóm 3)" in text(new)
    assert text(re.search(r'<tr class="set-met-count">.*?</tr>', new, re.S).group(0)) == (
        "Số tiêu chí đạt 1/2"
    )
    shown = text(content)
    assert "Kết quả thực hiện tiêu chí giai đoạn 2026–2030" in shown
    assert "1/2 tiêu chí đạt năm 2026 (2026–2030)" in shown


def test_each_year_links_to_its_results_page(office_client, two_periods):
    content = dossier(office_client, two_periods).content.decode()

    for year in (2021, 2025, 2026):
        assert reverse("reports:commune_results", args=[two_periods.pk, year]) in content
    assert "Nhập, xem kết quả từng năm:" in text(content)


def test_the_summary_has_one_table_per_set(office_client, two_periods, s):
    content = dossier(office_client, two_periods).content.decode()

    tables = table(content, "set-scores")
    programme = CriteriaSet.objects.programme().get()
    assert [
        text(re.search(r"<caption[^>]*>(.*?)</caption>", t, re.S).group(1)) for t in tables
    ] == [
        f"{programme} (2021–2025)",
        f"{s.criteria_set} (2026–2030)",
    ]
    assert "2025 2 3" in text(tables[0])  # year, met, assessed
    assert "2026 1 2" in text(tables[1])


def test_the_group_box_gets_the_period_the_group_and_who_may_edit(
    office_client, reader_client, two_periods
):
    office = dossier(office_client, two_periods).context
    reader = dossier(reader_client, two_periods).context

    assert office["period"].code == reader["period"].code == "2026-2030"
    assert office["commune_group"] == CommuneGroup.objects.get(commune=two_periods)
    assert (office["can_edit"], reader["can_edit"]) == (True, False)


def test_an_old_xa_has_no_2026_section_and_links_its_2021_2025_years(office_client):
    ban_vuoc = Commune.objects.get(name="Bản Vược", era=Era.PRE_2025)

    response = dossier(office_client, ban_vuoc)

    content = response.content.decode()
    assert "giai đoạn 2026–2030" not in text(content)
    assert not table(content, "set-grid")
    assert response.context["commune_group"] is None
    links = re.findall(rf'href="/xa/{ban_vuoc.pk}/ket-qua/(\d+)/"', content)
    assert sorted(set(map(int, links))) == [2021, 2022, 2023, 2024, 2025]


def test_a_unit_of_today_without_2026_results_says_so_and_links_its_year(office_client, today):
    province = Commune.objects.filter(era=Era.FROM_2025).first().province
    unit = Commune.objects.create(province=province, code="99998", name="Thử", era=Era.FROM_2025)

    content = dossier(office_client, unit).content.decode()

    assert "Chưa có kết quả đánh giá theo bộ tiêu chí giai đoạn 2026–2030." in text(content)
    assert reverse("reports:commune_results", args=[unit.pk, 2026]) in content


def queries_of(client, url):
    client.get(url)  # warm up: session and caches
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context.captured_queries)


def test_the_2026_grid_costs_the_same_queries_whatever_its_years(
    office_client, two_periods, s, office_user
):
    url = reverse("reports:commune_detail", args=[two_periods.pk])
    one_year = queries_of(office_client, url)

    CommuneYear.objects.create(commune=two_periods, year=2027, criteria_set=s.criteria_set)
    record(two_periods, 2027, criteria={s.plain.pk: (True, "")}, user=office_user)
    two_years = queries_of(office_client, url)

    assert one_year == two_years
    # The dossier's own 12 (no assignment or visit here: nothing of theirs to prefetch);
    # the periods, their groups' definitions and the unit's scores (3); its commune group
    # (1); the 2026 grid: its set's criteria, indicators and requirements, the unit's
    # assessments, indicator results and commune-years (6); the review panels of its years
    # (reports.templatetags.ntm_reviews): the unit's commune-years, their events, the year
    # closings, the user's permissions (2) for the buttons (5).
    assert two_years == 27
