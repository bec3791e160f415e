"""The commune groups page (/nhom-xa/) and the dossier's group form: who reads, who sets, and
what the page says after a change."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from communes import grouping
from communes.models import Commune, CommuneGroup, Map
from tests.support.grouping import current_units, period_2026, record, small_2026_set

pytestmark = pytest.mark.django_db
BASIS = "khu vực III theo Quyết định 2752/QĐ-UBND ngày 31/12/2025"
URL = reverse("reports:groups")


@pytest.fixture
def units():
    return current_units(3)


def page(client, query="?giai-doan=2026-2030"):
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_lists_the_programmes_units_with_their_group_basis_and_who_set_it(
    units, office_client, office_user
):
    grouping.set_groups({units[0]: (3, BASIS)}, period_2026(), office_user)

    response = office_client.get(URL + "?giai-doan=2026-2030")

    rows = {row.pk: row for row in response.context["table"].data}
    assert len(rows) == grouping.programme_communes(period_2026()).count()
    html = response.content.decode()
    assert "Nhóm 3" in html and BASIS in html
    assert (office_user.get_full_name() or office_user.username) in html
    assert "Chưa xếp nhóm" in html


@pytest.mark.parametrize("query, expected", [("nhom=3", [0]), ("nhom=chua", [1, 2])])
def test_the_group_filter_and_no_group_yet(units, office_client, query, expected):
    grouping.set_groups({units[0]: (3, BASIS)}, period_2026())

    response = office_client.get(f"{URL}?giai-doan=2026-2030&{query}")

    shown = {row.pk for row in response.context["table"].data}
    assert shown & {unit.pk for unit in units} == {units[i].pk for i in expected}


def test_search_finds_a_unit_without_accents(units, office_client):
    response = office_client.get(f"{URL}?q={units[0].search_name}")

    assert [row.pk for row in response.context["table"].data] == [units[0].pk]


def test_the_office_sets_a_group_for_the_rows_it_chose_in_one_step(units, office_client):
    indicators = small_2026_set()
    record(units[0], indicators.indicators, i2_1=80, i2_2=True, i3_1=55)
    grouping.set_groups({units[0]: (3, BASIS)}, period_2026())

    response = office_client.post(
        URL + "?giai-doan=2026-2030",
        {
            "period": "2026-2030",
            "communes": [units[0].pk, units[1].pk],
            "number": "2",
            "basis": "khu vực II",
        },
        follow=True,
    )

    assert set(
        CommuneGroup.objects.filter(commune__in=units[:2]).values_list("number", "basis")
    ) == {(2, "khu vực II")}
    messages = [str(m) for m in response.context["messages"]]
    assert messages[0] == "Nhóm xã giai đoạn 2026–2030: 1 xếp mới, 1 thay đổi, 0 không đổi."
    assert (
        f"Xã {units[0].name}: nhóm 3 → nhóm 2. "
        "Năm 2026 – Tiêu chí 2 Hạ tầng kinh tế – xã hội: đạt → chưa đạt; "
        "Năm 2026 – Tiêu chí 3 Phát triển kinh tế nông thôn: đạt → chưa đạt."
    ) in messages


def test_a_bulk_change_with_a_ceased_unit_writes_nothing(units, office_client):
    ban_vuoc = Commune.objects.in_programme(Map.OLD).get(name="Bản Vược")

    response = office_client.post(
        URL,
        {"period": "2026-2030", "communes": [units[0].pk, ban_vuoc.pk], "number": "1"},
        follow=True,
    )

    assert not CommuneGroup.objects.filter(commune__in=[units[0], ban_vuoc]).exists()
    assert "Hãy xếp nhóm cho Xã Bát Xát." in response.content.decode()


def test_choosing_no_row_says_so(office_client):
    response = office_client.post(URL, {"period": "2026-2030", "number": "1"}, follow=True)

    assert "Hãy chọn ít nhất một xã trong danh sách." in response.content.decode()


def test_a_reader_sees_the_groups_but_no_form_and_may_not_post(units, reader_client):
    html = page(reader_client)

    assert 'id="group-bulk"' not in html and 'name="communes"' not in html
    response = reader_client.post(
        URL, {"period": "2026-2030", "communes": [units[0].pk], "number": "1"}
    )
    assert response.status_code == 403
    assert not CommuneGroup.objects.filter(commune=units[0]).exists()


def test_the_office_sees_the_bulk_form_and_a_box_per_row(units, office_client):
    html = page(office_client)

    assert 'id="group-bulk"' in html
    assert f'name="communes" value="{units[0].pk}"' in html


def test_the_dossier_form_sets_one_communes_group(units, office_client):
    response = office_client.post(
        reverse("reports:commune_group_set", args=[units[0].pk]),
        {"period": "2026-2030", "number": "1", "basis": "giáp phường"},
    )

    assert response.status_code == 302
    assert response.url == reverse("reports:commune_detail", args=[units[0].pk]) + "#nhom-xa"
    group = CommuneGroup.objects.get(commune=units[0])
    assert (group.number, group.basis) == (1, "giáp phường")


def test_a_reader_may_not_set_a_communes_group(units, reader_client):
    response = reader_client.post(
        reverse("reports:commune_group_set", args=[units[0].pk]),
        {"period": "2026-2030", "number": "1"},
    )

    assert response.status_code == 403
    assert not CommuneGroup.objects.filter(commune=units[0]).exists()


def test_the_dossier_says_why_a_unit_without_a_group_cannot_be_assessed(units):
    html = render_to_string(
        "reports/_commune_group.html",
        {"commune": units[0], "period": period_2026(), "commune_group": None, "can_edit": True},
    )

    assert (
        "Xã chưa được xếp nhóm cho giai đoạn 2026–2030 nên chưa đánh giá được kết quả từ năm 2026"
    ) in html
    assert reverse("reports:commune_group_set", args=[units[0].pk]) in html


def test_the_dossier_shows_the_group_and_its_basis_and_no_form_for_a_reader(units):
    grouping.set_groups({units[0]: (2, BASIS)}, period_2026())
    group = CommuneGroup.objects.get(commune=units[0])

    html = render_to_string(
        "reports/_commune_group.html",
        {"commune": units[0], "period": period_2026(), "commune_group": group, "can_edit": False},
    )

    assert f"Nhóm 2</strong> – căn cứ {BASIS}" in html
    assert "<form" not in html


def test_the_page_costs_the_same_queries_however_many_groups_are_set(
    units, office_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        page(office_client)
    grouping.set_groups({unit: (2, BASIS) for unit in units}, period_2026())

    with django_assert_max_num_queries(len(before)):
        page(office_client)
