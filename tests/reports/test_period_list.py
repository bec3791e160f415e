"""The communes list reads a year against its period's set, shows each row's review status
and filters the approved ones; its figures, the dashboard's and the export's agree."""

import io

import pytest
from openpyxl import load_workbook

from communes.models import CommuneYear, CriteriaScore, Map, Recognition
from tests.support.period_figures import (
    DASHBOARD,
    LIST,
    approve,
    cards,
    free_units,
    give_results,
    list_rows,
    met_by_commune,
    one_decimal,
    page_text,
    programme_ids,
)

pytestmark = pytest.mark.usefixtures("today")
CURRENT_2026 = {"map": "current", "year": 2026}


@pytest.fixture
def reviewed_2026():
    """Four of today's units with 2026 results: approved (4 and 7 met), submitted, draft;
    every other 2026 commune-year a draft."""
    units = free_units(4)
    for unit, met in zip(units, ([1, 2, 3, 4], [1, 2, 3, 4, 5, 6, 7], [1], [2]), strict=True):
        give_results(unit, 2026, met)
    CommuneYear.objects.filter(year=2026).delete()
    approve(units[0], 2026)
    approve(units[1], 2026)
    approve(units[2], 2026, status=CommuneYear.Status.SUBMITTED)
    return units


def exported_rows(client, params):
    response = client.get(LIST, {**params, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header_row = int(sheet.print_title_rows.split(":")[-1].strip("$"))
    header = [c.value for c in sheet[header_row]]
    return header, [[c.value for c in row] for row in sheet.iter_rows(min_row=header_row + 1)]


def test_a_2026_list_counts_the_ten_criteria_and_says_its_period(office_client, reviewed_2026):
    response, rows = list_rows(office_client, CURRENT_2026)

    by_pk = {row.pk: row for row in rows}
    text = page_text(response)
    assert "Giai đoạn 2026–2030 – Bộ tiêu chí theo Quyết định 51/2025/QĐ-TTg" in text
    assert "10 tiêu chí" in text
    for unit, met in zip(reviewed_2026, (4, 7, 1, 1), strict=True):
        assert by_pk[unit.pk].criteria_met == met
        assert f"{met}/10" in text
    statuses = {row.pk: row.year_status for row in rows}
    assert [statuses[u.pk] for u in reviewed_2026] == ["approved", "approved", "submitted", None]
    assert "Duyệt kết quả năm 2026" in text and "Đã trình duyệt" in text
    assert "Đang nhập" in text  # the draft, without a review yet


def test_the_level_filter_offers_the_years_period_levels(office_client, reviewed_2026):
    Recognition.objects.create(
        commune=reviewed_2026[0], level="kieu_mau", decision_number="KM", decided_on="2024-01-02"
    )
    response, rows = list_rows(office_client, {**CURRENT_2026, "level": "ntm"})

    offered = [value for value, _label in response.context["filter"].form["level"].field.choices]
    assert offered == ["", "none", "ntm", "hien_dai"]
    # Kiểu mẫu of 2024 counts as NTM in 2026.
    assert reviewed_2026[0].pk in {row.pk for row in rows}
    assert {row.ntm_level for row in rows} == {"ntm"}
    old_year, _rows = list_rows(office_client, {"map": "old", "year": 2025})
    offered = [value for value, _label in old_year.context["filter"].form["level"].field.choices]
    assert offered == ["", "none", "ntm", "nang_cao", "kieu_mau"]


def test_approved_only_keeps_the_approved_rows(office_client, reviewed_2026):
    response, rows = list_rows(office_client, {**CURRENT_2026, "da-duyet": "1"})

    assert {row.pk for row in rows} == {reviewed_2026[0].pk, reviewed_2026[1].pk}
    assert all(row.approved_units == 1 for row in rows)
    assert f"{len(rows)} dòng" in page_text(response)


def test_dashboard_list_and_export_agree_on_the_approved_figures(office_client, reviewed_2026):
    dashboard = cards(office_client.get(DASHBOARD, {**CURRENT_2026, "da-duyet": "1"}))
    approved_figure, _label, link = dashboard["approved"]
    _response, listed = list_rows(office_client, link)
    header, exported = exported_rows(office_client, link)

    approved = met_by_commune(2026, programme_ids(), approved_only=True)
    with_results = met_by_commune(2026, programme_ids())
    assert approved_figure == f"{len(approved)}/{len(with_results)}" == f"2/{len(with_results)}"
    # The list the card links to: those rows, their average the dashboard's.
    assert sorted(row.pk for row in listed) == sorted(approved)
    assert sum(row.approved_units for row in listed) == len(approved)
    listed_met = {row.pk: row.criteria_met for row in listed}
    assert one_decimal(listed_met) == dashboard["average"][0] == one_decimal(approved) == "5,5"
    # Its export: the same rows, each "Đã duyệt".
    assert len(exported) == len(listed)
    status = header.index("Duyệt kết quả năm 2026")
    assert {row[status] for row in exported} == {"Đã duyệt"}
    # Without the toggle: every commune-year with results, on the list as on the dashboard.
    everything = cards(office_client.get(DASHBOARD, CURRENT_2026))
    _response, all_rows = list_rows(office_client, CURRENT_2026)
    assessed = {row.pk: row.criteria_met for row in all_rows if row.criteria_met is not None}
    assert len(assessed) == len(with_results)
    assert everything["average"][0] == one_decimal(assessed) == one_decimal(with_results)
    assert everything["approved"][0] == approved_figure


def test_the_old_map_agrees_for_a_year_of_2021_2025(office_client):
    year = max(CriteriaScore.objects.programme().values_list("year", flat=True))
    units = [u for u in free_units(10, map=Map.OLD) if met_by_commune(year, [u])][:3]
    for unit in units:
        approve(unit, year)
    params = {"map": "old", "year": year, "da-duyet": "1"}

    figure, _label, link = cards(office_client.get(DASHBOARD, params))["approved"]
    _response, listed = list_rows(office_client, link)

    approved = met_by_commune(year, programme_ids(), approved_only=True)
    assert sorted(row.pk for row in listed) == sorted(approved)
    assert figure.startswith(f"{len(approved)}/")
    assert len(approved) >= 3
    header, exported = exported_rows(office_client, link)
    assert len(exported) == len(listed)
    assert f"Duyệt kết quả năm {year}" in header


def test_the_year_choices_are_the_dashboards(office_client, reviewed_2026):
    response, _rows = list_rows(office_client, {"map": "current"})
    dashboard = office_client.get(DASHBOARD, {"map": "current"})

    listed = [int(value) for value, _label in response.context["filter"].form["year"].field.choices]
    offered = [year for year, _label in dashboard.context["form"].fields["year"].choices]
    assert listed == offered
    assert 2026 in listed and 2021 in listed
    assert response.context["year"] == dashboard.context["year"] == max(listed)
