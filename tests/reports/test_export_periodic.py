"""The periodic report: periods, per-assignment figures over confirmed visits, district summary."""

import datetime
import io

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from assignments.models import Assignment, FieldVisit, Recommendation, Support
from communes.models import Assessment, District
from communes.reference import NTM_SET
from reports.excel.periodic import parse_period
from tests.factories import make_recommendation, make_support, make_visit

pytestmark = pytest.mark.django_db

URL = reverse("reports:export_periodic")
DETAIL, SUMMARY = "Chi tiết theo xã", "Tổng hợp theo huyện"
D = datetime.date
FIRST_ROW = 10  # below the title block (its last title says which map) and the header
OLD = {"map": "old"}


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2025-H1", D(2025, 1, 1), D(2025, 6, 30)),
        ("2025-h2", D(2025, 7, 1), D(2025, 12, 31)),
        ("2024-Q1", D(2024, 1, 1), D(2024, 3, 31)),
        ("2024-Q2", D(2024, 4, 1), D(2024, 6, 30)),
        ("2025-Q3", D(2025, 7, 1), D(2025, 9, 30)),
        ("2025-Q4", D(2025, 10, 1), D(2025, 12, 31)),
    ],
)
def test_periods_cover_their_year_half_or_quarter(code, start, end):
    period = parse_period(code)

    assert (period.start, period.end, period.year) == (start, end, start.year)


@pytest.mark.parametrize("code", ["", "2025-Q5", "2025-H3", "25", "2025-", "abc", "1900"])
def test_other_period_codes_are_refused(code):
    with pytest.raises(ValueError):
        parse_period(code)


def test_bad_period_leads_to_the_periodic_report_page_saying_why(office_client):
    response = office_client.get(URL, {"period": "2025-Q9"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("reports:report_periodic") + "?period=2025-Q9"
    assert response.status_code == 200
    assert "Kỳ báo cáo “2025-Q9” không hợp lệ" in response.content.decode()


def workbook_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def row_of(ws, commune):
    return next(
        row for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True) if row[1] == commune
    )


def ban_vuoc():
    """Bản Vược's latest pair (on the old unit: ended 30/06/2025 once carried over)."""
    return Assignment.objects.filter(commune__name="Bản Vược").latest("started_on", "pk")


def active_during(period):
    return Assignment.objects.filter(started_on__lte=period.end).exclude(ended_on__lt=period.start)


def met(commune, year):
    return Assessment.objects.filter(
        commune=commune, year=year, met=True, criterion__criteria_set__code=NTM_SET
    ).count()


@pytest.fixture
def visits_2025():
    """Bản Vược's 2025: two confirmed visits with support, one draft, one visit after June."""
    assignment = ban_vuoc()
    # Only these: whether the demo data has Bản Vược visits in 2025 depends on its random draw.
    FieldVisit.objects.filter(assignment=assignment, visited_on__year=2025).delete()
    confirmed = FieldVisit.Status.CONFIRMED
    first = make_visit(assignment=assignment, visited_on=D(2025, 3, 2), status=confirmed,
                       leader_present=True)  # fmt: skip
    make_support(visit=first, kind=Support.Kind.MONEY, amount_vnd=120_000_000)
    make_support(visit=first, kind=Support.Kind.IN_KIND, amount_vnd=35_500_000)
    make_recommendation(visit=first, status="resolved", resolved_on=D(2025, 5, 1))
    make_recommendation(visit=first, status="resolved", resolved_on=D(2025, 8, 1))
    second = make_visit(assignment=assignment, visited_on=D(2025, 5, 20), status=confirmed)
    make_support(visit=second, kind=Support.Kind.WORK_DAYS, amount_vnd=4_000_000)
    make_recommendation(visit=second)
    draft = make_visit(assignment=assignment, visited_on=D(2025, 4, 1), leader_present=True)
    make_support(visit=draft, amount_vnd=999_000_000)
    make_recommendation(visit=draft)
    later = make_visit(assignment=assignment, visited_on=D(2025, 7, 9), status=confirmed)
    make_support(visit=later, kind=Support.Kind.OTHER, amount_vnd=7_000_000)
    return assignment


@pytest.mark.parametrize("code", ["2025", "2025-H1"])
def test_ban_vuoc_figures_equal_the_database_over_confirmed_visits(
    office_client, visits_2025, code
):
    period = parse_period(code)

    row = row_of(workbook_of(office_client.get(URL, {"period": code, **OLD}))[DETAIL], "Bản Vược")

    visits = FieldVisit.objects.counted().filter(
        assignment=visits_2025, visited_on__range=(period.start, period.end)
    )
    assert row[2] == visits_2025.leader.full_name
    assert row[4] == visits.count() == (3 if code == "2025" else 2)
    assert row[5] == visits.filter(leader_present=True).count() == 1
    supports = Support.objects.filter(visit__in=visits)
    for column, kind in enumerate(Support.Kind.values, start=6):
        expected = supports.filter(kind=kind).aggregate(t=Sum("amount_vnd"))["t"] or 0
        assert row[column] == expected
    assert row[11] == supports.aggregate(t=Sum("amount_vnd"))["t"]
    recommendations = Recommendation.objects.filter(visit__in=visits)
    closed = recommendations.filter(status="resolved", resolved_on__lte=period.end).count()
    assert (row[12], row[13]) == (recommendations.count() - closed, closed)
    commune = visits_2025.commune
    assert (row[14], row[15]) == (met(commune, 2024), met(commune, 2025))
    assert row[16] == met(commune, 2025) - met(commune, 2024)


def test_detail_sheet_is_grouped_by_district_with_subtotals_and_prints_landscape(
    office_client, visits_2025
):
    ws = workbook_of(office_client.get(URL, {"period": "2025", **OLD}))[DETAIL]

    rows = list(ws.iter_rows(min_row=FIRST_ROW, values_only=True))
    numbered = [r for r in rows if isinstance(r[0], int)]
    assert [r[0] for r in numbered] == list(range(1, len(numbered) + 1))
    # Decision 1599's 126 pairs of 01/01/2025, and those that carried them over on 01/07.
    assert Assignment.objects.active(on=D(2025, 1, 1)).count() == 126
    assert len(numbered) == active_during(parse_period("2025")).count()
    assert rows[0][0] == "Thành phố Lào Cai"
    subtotal = next(r for r in rows if r[1] == "Cộng Huyện Bát Xát")
    total = next(r for r in rows if r[1] == "Toàn tỉnh")
    counted = FieldVisit.objects.counted().filter(visited_on__year=2025)
    support = Support.objects.counted().filter(visit__visited_on__year=2025)
    assert total[4] == counted.count()
    assert total[11] == support.aggregate(t=Sum("amount_vnd"))["t"]
    bat_xat = counted.filter(assignment__commune__district__name="Huyện Bát Xát")
    assert subtotal[4] == bat_xat.count()
    assert ws.print_title_rows == "$8:$9"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    money = ws.cell(ws.max_row - 4, 12)
    assert money.number_format == "#,##0"
    assert {"NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ"} <= {c for r in rows for c in r}


def test_summary_sheet_sums_each_district_and_charts_it(office_client, visits_2025):
    wb = workbook_of(office_client.get(URL, {"period": "2025", **OLD}))
    detail, ws = wb[DETAIL], wb[SUMMARY]

    subtotals = {
        r[1].removeprefix("Cộng "): r
        for r in detail.iter_rows(min_row=FIRST_ROW, values_only=True)
        if isinstance(r[1], str) and r[1].startswith("Cộng ")
    }
    header = int(ws.print_title_rows.split(":")[-1].strip("$"))
    rows = [r for r in ws.iter_rows(min_row=header, values_only=True) if isinstance(r[0], int)]
    # The old Lào Cai's 9 districts, and the units of today those carried over went to.
    assert [r[1] for r in rows[:9]] == [
        d.name for d in District.objects.filter(province__code="10").order_by("code")
    ]
    assert len(rows) == len(subtotals) >= 9
    for row in rows:
        subtotal = subtotals[row[1]]
        assert (row[3], row[4], row[5]) == (subtotal[4], subtotal[5], subtotal[11])
    charts = ws._charts
    assert len(charts) == 2
    references = [s.val.numRef.f for chart in charts for s in chart.series]
    assert references[0] == f"'Tổng hợp theo huyện'!$D${header + 1}:$D${header + len(rows)}"
    assert all(ref.startswith("'Tổng hợp theo huyện'!") for ref in references)


def test_periodic_file_is_named_after_the_period_and_today(office_client, today):
    response = office_client.get(URL, {"period": "2025-q3"})

    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-2025-Q3-2026-11-18.xlsx"'
    )
    assert workbook_of(response)[DETAIL]["A4"].value == "QUÝ III NĂM 2025"


def test_leader_report_holds_only_their_assignment(leader_client, visits_2025):
    wb = workbook_of(leader_client.get(URL, {"period": "2025", **OLD}))

    numbered = [r for r in wb[DETAIL].iter_rows(values_only=True) if isinstance(r[0], int)]
    # Bản Vược's pair, and the one that carried it over from 01/07/2025 if there is one.
    theirs = active_during(parse_period("2025")).filter(leader=visits_2025.leader)
    assert sorted(r[1] for r in numbered) == sorted(a.commune.name for a in theirs)
    assert "Bản Vược" in [r[1] for r in numbered]
    assert any(r[1] == "Tổng cộng" for r in wb[DETAIL].iter_rows(values_only=True))
