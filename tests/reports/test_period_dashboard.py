"""The dashboard reads a year against its period's set and levels, and can count approved
results only (issue 15): 2026 against the 10 criteria of Decision 51/2025/QĐ-TTg, never
mixed with the 19 of 2021–2025."""

import datetime

import pytest
from django.db.models import Max

from communes.models import (
    Assessment,
    CommuneYear,
    CriteriaScore,
    Criterion,
    Map,
    Recognition,
)
from tests.support.period_figures import (
    DASHBOARD,
    approve,
    cards,
    free_units,
    give_results,
    met_by_commune,
    one_decimal,
    page_text,
    programme_ids,
    set_of,
)

pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def year_2026():
    """Three of today's units with 2026 results of their own (5, 8 and 2 of the 10 met), on
    top of whatever the demo has."""
    units = free_units(3)
    for unit, met in zip(units, ([1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6, 7, 8], [9, 10]), strict=True):
        give_results(unit, 2026, met)
    return units


def test_a_2026_year_is_read_against_the_ten_criteria_of_its_set(office_client, year_2026):
    response = office_client.get(DASHBOARD, {"map": "current", "year": 2026})

    expected = met_by_commune(2026, programme_ids())
    shown = cards(response)
    figure, label, _params = shown["average"]
    assert figure == one_decimal(expected)
    assert label == "tiêu chí đạt bình quân/xã trên 10 tiêu chí (bộ 2026–2030)"
    assert f"{len(expected)} xã được đánh giá năm 2026" in page_text(response)
    text = page_text(response)
    assert "Giai đoạn 2026–2030 – Bộ tiêu chí theo Quyết định 51/2025/QĐ-TTg" in text
    # The criteria chart: the ten criteria, each counting the units that met it.
    criteria = next(c for c in response.context["charts"] if c.chart_id == "chart-criteria")
    assert len(criteria.rows) == set_of(2026).criteria.count() == 10
    met_first = Assessment.objects.filter(
        year=2026, criterion__criteria_set=set_of(2026), criterion__number=1, met=True
    ).filter(commune__in=programme_ids())
    assert criteria.rows[0][1][0] == str(met_first.count())
    # The years chart: the years of 2026–2030 only, on a scale of 10.
    years = next(c for c in response.context["charts"] if c.chart_id == "chart-years")
    assert [row[0][0] for row in years.rows] == ["2026"]
    assert "giai đoạn 2026–2030" in years.title


def test_2021_2025_stays_on_its_19_criteria(office_client):
    year = CriteriaScore.objects.programme().aggregate(year=Max("year"))["year"]

    response = office_client.get(DASHBOARD, {"map": "old", "year": year})

    _figure, label, _params = cards(response)["average"]
    assert label == "tiêu chí đạt bình quân/xã trên 19 tiêu chí (bộ 2021–2025)"
    criteria = next(c for c in response.context["charts"] if c.chart_id == "chart-criteria")
    assert len(criteria.rows) == 19
    years = next(c for c in response.context["charts"] if c.chart_id == "chart-years")
    assert [row[0][0] for row in years.rows] == [str(y) for y in range(2021, year + 1)]
    assert set(cards(response)) == {"ntm", "nang_cao", "kieu_mau", "average", "approved"}


def test_results_against_another_periods_set_never_count(office_client, year_2026):
    before = cards(office_client.get(DASHBOARD, {"map": "current", "year": 2026}))
    unit = year_2026[0]
    # A 2026 result against a criterion of 2021–2025, and a 2025 one against the new set.
    old_criterion = Criterion.objects.get(criteria_set=set_of(2025), number=19)
    Assessment.objects.create(commune=unit, criterion=old_criterion, year=2026, met=True)
    new_criterion = Criterion.objects.get(criteria_set=set_of(2026), number=1)
    Assessment.objects.create(commune=unit, criterion=new_criterion, year=2025, met=True)

    after = office_client.get(DASHBOARD, {"map": "current", "year": 2026})

    assert cards(after) == before
    options = after.context["form"].fields["year"].choices
    assert [year for year, _label in options].count(2025) == 1


def test_2026_levels_are_its_periods_with_earlier_advanced_levels_counted_as_ntm(
    office_client, year_2026
):
    unit = year_2026[1]
    Recognition.objects.create(
        commune=unit, level="nang_cao", decision_number="NC-1", decided_on="2024-05-05"
    )
    Recognition.objects.create(
        commune=year_2026[2], level="hien_dai", decision_number="HD-1", decided_on="2026-09-09"
    )

    response = office_client.get(DASHBOARD, {"map": "old", "year": 2026})

    shown = cards(response)
    assert set(shown) == {"ntm", "hien_dai", "average", "approved"}
    assert shown["hien_dai"][1] == "xã đạt chuẩn nông thôn mới hiện đại (thí điểm)"
    ids = programme_ids()
    best = {}
    for commune, level in Recognition.objects.filter(
        commune__in=ids, decided_on__lte=datetime.date(2026, 12, 31)
    ).values_list("commune", "level"):
        best[commune] = max(best.get(commune, 0), 2 if level == "hien_dai" else 1)
    # hiện đại is also NTM: the NTM card counts it.
    assert shown["ntm"][0] == str(len(best))
    assert shown["hien_dai"][0] == str(sum(1 for rank in best.values() if rank == 2)) == "1"
    assert "trong đó 1 xã hiện đại (thí điểm)" in page_text(response)
    assert "tính là đạt chuẩn nông thôn mới" in page_text(response)


def test_the_approval_card_counts_the_years_approved_commune_years(office_client, year_2026):
    CommuneYear.objects.filter(year=2026).delete()
    approve(year_2026[0], 2026)
    approve(year_2026[1], 2026, status=CommuneYear.Status.SUBMITTED)

    response = office_client.get(DASHBOARD, {"map": "current", "year": 2026})

    figure, _label, params = cards(response)["approved"]
    with_results = len(met_by_commune(2026, programme_ids()))
    assert figure == f"1/{with_results}"
    assert params == {"map": "current", "year": "2026", "da-duyet": "1"}
    assert f"Đã duyệt: 1 trên {with_results} xã-năm có kết quả năm 2026" in page_text(response)


def test_approved_only_restricts_every_results_figure(office_client, year_2026):
    CommuneYear.objects.filter(year=2026).delete()
    approve(year_2026[0], 2026)
    approve(year_2026[1], 2026)
    Recognition.objects.create(
        commune=year_2026[1], level="ntm", decision_number="NTM-26", decided_on="2026-10-10"
    )
    Recognition.objects.create(
        commune=year_2026[2], level="ntm", decision_number="NTM-27", decided_on="2026-10-10"
    )
    everything = office_client.get(DASHBOARD, {"map": "old", "year": 2026})

    response = office_client.get(DASHBOARD, {"map": "old", "year": 2026, "da-duyet": "1"})

    shown = cards(response)
    approved = met_by_commune(2026, programme_ids(), approved_only=True)
    assert len(approved) == 2
    assert shown["average"][0] == one_decimal(approved) == "6,5"  # (5 + 8) / 2
    assert shown["average"][0] != cards(everything)["average"][0]
    assert shown["average"][2]["da-duyet"] == "1"  # the list it links to counts the same
    # NTM: the approved units recognised (the third's recognition, not approved, is left out).
    recognised = Recognition.objects.filter(decided_on__year__lte=2026)
    expected = {r.commune_id for r in recognised if r.commune_id in approved}
    assert year_2026[1].pk in expected and year_2026[2].pk not in expected
    assert shown["ntm"][0] == str(len(expected))
    assert int(cards(everything)["ntm"][0]) > len(expected)
    criteria = next(c for c in response.context["charts"] if c.chart_id == "chart-criteria")
    counts = [int(row[1][0]) for row in criteria.rows]
    assert counts == [2, 2, 2, 2, 2, 1, 1, 1, 0, 0]
    assert response.context["form"][("da-duyet")].value() is True
    assert "chỉ các xã-năm đã duyệt" in page_text(response)


def test_the_year_picker_offers_the_periods_years_that_have_data(office_client, year_2026):
    unit = free_units(1, Map.OLD)[0]
    # A result of 2019 (before every period) is never offered; one of 2027 is.
    Assessment.objects.create(
        commune=unit, criterion=set_of(2025).criteria.first(), year=2019, met=True
    )
    give_results(year_2026[0], 2027, [1])

    response = office_client.get(DASHBOARD, {"map": "current"})

    offered = [year for year, _label in response.context["form"].fields["year"].choices]
    with_data = sorted(
        {y for y in CriteriaScore.objects.values_list("year", flat=True) if 2021 <= y <= 2030},
        reverse=True,
    )
    assert offered == with_data
    assert offered[0] == 2027 and 2026 in offered and 2021 in offered and 2019 not in offered
    assert response.context["year"] == 2027  # the latest year with results, by default


def test_approved_only_without_any_approval_shows_zero_and_draws_no_average(office_client):
    CommuneYear.objects.filter(status=CommuneYear.Status.APPROVED).delete()

    response = office_client.get(DASHBOARD, {"map": "old", "year": 2024, "da-duyet": "1"})

    assert response.status_code == 200
    shown = cards(response)
    assert shown["approved"][0].startswith("0/")
    assert shown["ntm"][0] == "0"
    assert not response.context["charts"]
    assert "Chưa có kết quả năm 2024 nào đã được duyệt." in page_text(response)
