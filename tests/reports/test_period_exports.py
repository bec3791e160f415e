"""The periodic report and the scorecards count criteria within one period's set: a 2026
figure is never compared with a 2025 one (10 criteria against 19)."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assignments.models import Assignment
from assignments.queries import scorecards
from reports.excel.periodic import parse_period, period_rows
from tests import factories
from tests.support.period_figures import give_results, set_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


@pytest.fixture
def assignment():
    """A pair on a new xã with results in 2024 and 2025 (of the 19) and 2026 (of the 10)."""
    commune = factories.make_commune(name="Xã Hai Bộ")
    give_results(commune, 2024, range(1, 11))  # 10 of 19
    give_results(commune, 2025, range(1, 15))  # 14 of 19
    give_results(commune, 2026, [1, 2, 3])  # 3 of 10
    return factories.make_assignment(commune=commune, started_on=datetime.date(2024, 1, 1))


def rows_of(assignment, code):
    [row] = period_rows(Assignment.objects.filter(pk=assignment.pk), parse_period(code))
    return row


def test_a_2025_report_compares_2025_with_2024_on_the_19_criteria(assignment):
    row = rows_of(assignment, "2025")

    assert (row.criteria_start, row.criteria_end, row.criteria_change) == (10, 14, 4)


def test_a_2026_report_has_no_start_figure_from_the_other_set(assignment):
    row = rows_of(assignment, "2026-Q3")

    assert (row.criteria_start, row.criteria_end, row.criteria_change) == (None, 3, None)


def test_the_reports_note_names_the_years_set(office_client, assignment):
    response = office_client.get(
        reverse("reports:export_periodic"), {"period": "2026", "map": "old"}
    )

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    texts = [str(cell.value) for row in sheet.iter_rows(max_row=8) for cell in row]
    note = next(text for text in texts if "Số tiêu chí đạt đầu kỳ" in text)
    assert "Quyết định 51/2025/QĐ-TTg (10 tiêu chí)" in note
    assert "đầu kỳ chỉ tính các năm của giai đoạn 2026–2030" in note


def test_a_scorecard_counts_the_criteria_gained_within_the_latest_period(assignment):
    card = scorecards([assignment], today=datetime.date(2026, 11, 18))[assignment.pk]

    assert (card.criteria_start_year, card.criteria_latest_year) == (2026, 2026)
    assert (card.criteria_start, card.criteria_latest, card.criteria_gained) == (3, 3, 0)
    assert card.criteria_total == set_of(2026).criteria.count() == 10
    ended = factories.make_assignment(
        commune=assignment.commune,
        started_on=datetime.date(2024, 1, 1),
        ended_on=datetime.date(2025, 12, 31),
        end_reason=Assignment.EndReason.OTHER,
    )
    card = scorecards([ended], today=datetime.date(2026, 11, 18))[ended.pk]
    assert (card.criteria_start, card.criteria_latest, card.criteria_gained) == (10, 14, 4)
    assert card.criteria_total == 19
