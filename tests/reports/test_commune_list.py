"""The communes list (/xa/): rows, filters, order, empty states, bad parameters, queries.

The list is read on today's map by default (from 01/07/2025); the tests of the old
map's rows (the 2021–2025 units, by old district) ask for ?map=old. Today's map,
its roll-up and the equal totals: tests/reports/test_maps.py."""

import datetime
import html
import re

import pytest
from django.db.models import Count, Max, Q
from django.urls import reverse

from assignments.models import Assignment, FieldVisit
from communes import text
from communes.models import (
    Assessment,
    Commune,
    CommuneGroup,
    CommuneYear,
    Criterion,
    District,
    Era,
    IndicatorResult,
    Map,
)
from communes.reference import NTM_SET
from tests.factories import (
    make_assessment,
    make_assignment,
    make_commune,
    make_district,
    make_visit,
)

pytestmark = pytest.mark.django_db

ALL = {"per_page": 200}
OLD = {"map": "old"}


def page_text(response):
    """What a reader sees: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def records(response):
    return [row.record for row in response.context["table"].page.object_list]


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def latest_year():
    return Assessment.objects.filter(criterion__criteria_set__code=NTM_SET).aggregate(Max("year"))[
        "year__max"
    ]


def met_counts(year, communes):
    """{commune id: criteria met in `year`} for the communes assessed that year."""
    rows = (
        Assessment.objects.filter(
            commune__in=communes, year=year, criterion__criteria_set__code=NTM_SET
        )
        .values("commune")
        .annotate(met=Count("pk", filter=Q(met=True)))
    )
    return {row["commune"]: row["met"] for row in rows}


def bac_ha():
    return District.objects.get(era=Era.PRE_2025, name="Huyện Bắc Hà")


def test_anonymous_visitor_is_sent_to_login(anonymous_client):
    response = anonymous_client.get(reverse("reports:commune_list"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_list_shows_todays_programme_units_by_default(office_client):
    response = office_client.get(reverse("reports:commune_list"), ALL)

    expected = Commune.objects.in_programme(Map.CURRENT)
    assert response.status_code == 200
    assert {c.pk for c in records(response)} == set(expected.values_list("pk", flat=True))
    # The 89 xã of today and the phường that took in old xã (their records come along).
    assert expected.filter(kind=Commune.Kind.RURAL).count() == 89
    assert f"{expected.count()} dòng" in page_text(response)


def test_the_old_map_lists_the_programmes_273_xa_of_both_old_provinces(office_client):
    url = reverse("reports:commune_list")
    pages = [office_client.get(url, {**OLD, **ALL, "page": page}) for page in (1, 2)]

    expected = Commune.objects.in_programme(Map.OLD)
    shown = [c.pk for page in pages for c in records(page)]
    assert sorted(shown) == sorted(expected.values_list("pk", flat=True))
    assert expected.count() == 273
    assert "273 dòng" in page_text(pages[0])


def test_the_old_province_filter_gives_the_127_xa_of_the_old_lao_cai(office_client):
    lao_cai = bac_ha().province

    response = office_client.get(reverse("reports:commune_list"), {**OLD, "province": lao_cai.pk})

    assert response.context["table"].paginator.count == 127
    assert "Lào Cai (cũ)" in page_text(response)


def test_names_are_in_vietnamese_alphabetical_order(office_client):
    lao_cai = bac_ha().province  # one old province: its 127 xã and these four on one page
    district = make_district(province=lao_cai, code="T90")
    for name in ("Ấp Thử", "Ăng Thử", "Anh Thử", "An Bình Thử"):
        make_commune(district=district, name=name)

    response = office_client.get(
        reverse("reports:commune_list"), {**OLD, "province": lao_cai.pk, **ALL}
    )

    names = [c.name for c in records(response)]
    expected = sorted(
        Commune.objects.in_programme(Map.OLD).filter(province=lao_cai),
        key=lambda c: (text.sort_key(text.strip_prefix(text.clean(c.name))), c.code),
    )
    assert names == [c.name for c in expected]
    # ă, â after a; đ after d (code-point order would put "Điện Quan" after "Yên Sơn").
    shown = page_text(response)
    order = ["An Bình Thử", "Anh Thử", "Ăng Thử", "Ấp Thử", "Bản Xèo", "Bảo Hà"]
    order += ["Dương Quỳ", "Điện Quan", "Gia Phú", "Yên Sơn"]
    positions = [shown.index(name) for name in order]
    assert positions == sorted(positions)


def test_district_filter_gives_exactly_that_districts_programme_communes(office_client):
    district = bac_ha()

    response = office_client.get(reverse("reports:commune_list"), {"district": district.pk})

    expected = Commune.objects.in_programme().in_district(district)
    assert {c.pk for c in records(response)} == set(expected.values_list("pk", flat=True))
    assert f"{expected.count()} dòng" in page_text(response)


def test_bac_ha_communes_below_ten_criteria_are_listed_with_their_leaders(office_client):
    district, year = bac_ha(), latest_year()

    response = office_client.get(
        reverse("reports:commune_list"),
        {"district": district.pk, "criteria_max": "9", "year": year},
    )

    counts = met_counts(year, Commune.objects.in_programme().in_district(district))
    expected = {pk for pk, met in counts.items() if met <= 9}
    assert expected  # the demo data has such communes, so the test can fail
    assert {c.pk for c in records(response)} == expected
    shown = page_text(response)
    for assignment in Assignment.objects.active().filter(commune__in=expected):
        assert assignment.leader.full_name in shown
    for commune in records(response):
        assert f"{counts[commune.pk]}/19" in shown


def test_criteria_range_counts_the_chosen_year(office_client):
    response = office_client.get(
        reverse("reports:commune_list"), {**OLD, "year": "2022", "criteria_min": "19", **ALL}
    )

    counts = met_counts(2022, Commune.objects.in_programme())
    assert {c.pk for c in records(response)} == {pk for pk, met in counts.items() if met >= 19}
    assert "Số tiêu chí đạt (2022)" in page_text(response)


def test_search_without_accents_finds_ban_vuoc(office_client):
    response = office_client.get(reverse("reports:commune_list"), {**OLD, "q": "ban vuoc"})

    assert [c.name for c in records(response)] == ["Bản Vược"]
    assert reverse("reports:commune_detail", args=[records(response)[0].pk]) in (
        response.content.decode()
    )


def test_kind_shows_townships_instead_of_communes(office_client):
    response = office_client.get(reverse("reports:commune_list"), {**OLD, "kind": "thi_tran"})

    expected = Commune.objects.in_era().filter(kind=Commune.Kind.TOWNSHIP)
    assert {c.pk for c in records(response)} == set(expected.values_list("pk", flat=True))


def test_sorting_by_criteria_met_puts_the_most_first_and_unassessed_last(office_client):
    make_commune(name="Chưa Đánh Giá")  # no assessment in any year

    response = office_client.get(
        reverse("reports:commune_list"), {**OLD, "sort": "-criteria_met", **ALL}
    )

    values = [c.criteria_met for c in records(response)]
    assessed = [v for v in values if v is not None]
    assert values == assessed + [None] * (len(values) - len(assessed))
    assert assessed == sorted(assessed, reverse=True)


def test_a_filter_matching_nothing_says_so(office_client):
    response = office_client.get(reverse("reports:commune_list"), {"q": "khong co xa nao"})

    shown = page_text(response)
    assert "Không có dòng nào khớp với bộ lọc." in shown
    assert "Chưa có dữ liệu." not in shown


def test_a_database_without_the_map_says_nothing_yet(office_client):
    # Today's map is the default list's base: take its units away (their records first).
    today = Commune.objects.filter(era=Era.FROM_2025)
    FieldVisit.objects.filter(assignment__commune__in=today).delete()
    Assignment.objects.filter(commune__in=today).delete()
    CommuneYear.objects.filter(commune__in=today).delete()  # approved results are locked
    IndicatorResult.objects.filter(commune__in=today).delete()
    Assessment.objects.filter(commune__in=today).delete()
    CommuneGroup.objects.filter(commune__in=today).delete()
    today.delete()

    response = office_client.get(reverse("reports:commune_list"))

    shown = page_text(response)
    assert "Chưa có dữ liệu." in shown
    assert "load_reference" in shown
    assert "Không có dòng nào khớp với bộ lọc." not in shown


@pytest.mark.parametrize(
    "params",
    [
        {"district": "999999"},
        {"district": "abc"},
        {"criteria_min": "abc"},
        {"criteria_max": "-1"},
        {"year": "abc"},
        {"agency": "999999"},
        {"level": "vang"},
        {"sort": "khong_co_cot"},
        {"page": "999"},
    ],
)
def test_a_bad_parameter_gives_the_whole_list_with_a_message(office_client, params):
    response = office_client.get(reverse("reports:commune_list"), {**OLD, **params})

    assert response.status_code == 200
    assert response.context["table"].paginator.count == 273
    assert messages_of(response)


@pytest.mark.parametrize(
    "params", [{"criteria_min": "abc"}, {"level": "vang"}, {"district": "5"}, {"page": "999"}]
)
def test_a_bad_parameter_on_todays_map_gives_its_whole_list_with_a_message(office_client, params):
    response = office_client.get(reverse("reports:commune_list"), {"map": "current", **params})

    assert response.context["table"].paginator.count == (
        Commune.objects.in_programme(Map.CURRENT).count()
    )
    assert messages_of(response)


def test_the_invalid_filter_is_named_in_the_message(office_client):
    response = office_client.get(reverse("reports:commune_list"), {"criteria_min": "abc"})

    assert any("Số tiêu chí đạt từ" in m for m in messages_of(response))


def _add_rows(count):
    district = make_district(code="T91")
    criterion = Criterion.objects.get(criteria_set__code=NTM_SET, number=1)
    for i in range(count):
        commune = make_commune(district=district)
        assignment = make_assignment(commune=commune)
        make_visit(
            assignment=assignment, visited_on=datetime.date(2024, 1, 1 + i), status="confirmed"
        )
        make_assessment(commune=commune, criterion=criterion, year=latest_year(), met=True)


def test_list_runs_a_fixed_number_of_queries_whatever_the_rows(
    office_client, django_assert_num_queries
):
    url = reverse("reports:commune_list")
    params = {**OLD, **ALL}
    office_client.get(url, params)  # warm up: session and caches

    # (+1: the menu asks the user's role; +1: the old provinces of the filter)
    with django_assert_num_queries(11):
        office_client.get(url, params)
    _add_rows(15)
    with django_assert_num_queries(11):
        response = office_client.get(url, params)

    assert response.context["table"].paginator.count == 273 + 15
