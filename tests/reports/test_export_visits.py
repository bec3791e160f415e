"""The visit log export: visits with support and recommendations, filters, scope, safe text."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assignments.models import Assignment, FieldVisit, Recommendation, Support
from communes.models import District
from tests.factories import make_recommendation, make_support, make_visit

pytestmark = pytest.mark.django_db

URL = reverse("reports:export_visits")
MAIN, SUPPORT, RECOMMENDATIONS = "Chuyến công tác", "Hỗ trợ", "Kiến nghị"
OLD = {"map": "old"}


def downloaded(response):
    """The file of a download (it streams)."""
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def workbook_of(response):
    return load_workbook(io.BytesIO(downloaded(response)))


def numbered(ws):
    """The numbered rows (STT in column A) below the header."""
    first = int(ws.print_title_rows.split(":")[-1].strip("$")) + 1
    return [
        row
        for row in ws.iter_rows(min_row=first)
        if isinstance(row[0].value, int) and not isinstance(row[0].value, bool)
    ]


def values(row):
    return [cell.value for cell in row]


def ban_vuoc():
    """Bản Vược's latest pair (on the old unit: ended 30/06/2025 once carried over)."""
    return Assignment.objects.filter(commune__name="Bản Vược").latest("started_on", "pk")


def test_log_lists_every_visit_with_each_support_item_and_recommendation(office_client):
    wb = workbook_of(office_client.get(URL))

    assert wb.sheetnames == [MAIN, SUPPORT, RECOMMENDATIONS]
    assert len(numbered(wb[MAIN])) == FieldVisit.objects.count()
    assert len(numbered(wb[SUPPORT])) == Support.objects.count()
    assert len(numbered(wb[RECOMMENDATIONS])) == Recommendation.objects.count()
    assert [values(r)[0] for r in numbered(wb[MAIN])] == list(
        range(1, FieldVisit.objects.count() + 1)
    )


def test_dates_are_real_dates_and_money_is_a_number_with_thousands(office_client):
    visit = Support.objects.filter(quantity__isnull=False).first().visit
    day = visit.visited_on.strftime("%d/%m/%Y")

    wb = workbook_of(office_client.get(URL, {"date_from": day, "date_to": day}))

    row = numbered(wb[MAIN])[0]
    assert row[1].is_date and row[1].number_format == "dd/mm/yyyy"
    assert row[1].value.date() == visit.visited_on
    amounts = [r[11] for r in numbered(wb[MAIN])]
    assert all(c.number_format == "#,##0" and isinstance(c.value, int) for c in amounts)
    supports = numbered(wb[SUPPORT])
    assert sum(r[10].value for r in supports) == sum(
        s.amount_vnd for s in Support.objects.filter(visit__visited_on=visit.visited_on)
    )
    assert all(r[10].number_format == "#,##0" for r in supports)


def test_log_uses_the_visit_list_filters(office_client):
    bac_ha = District.objects.get(name="Huyện Bắc Hà")

    wb = workbook_of(
        office_client.get(URL, {"district": bac_ha.pk, "date_from": "01/01/2025",
                                "status": "confirmed"})
    )  # fmt: skip

    expected = FieldVisit.objects.filter(
        assignment__commune__district=bac_ha,
        visited_on__gte=datetime.date(2025, 1, 1),
        status=FieldVisit.Status.CONFIRMED,
    )
    rows = numbered(wb[MAIN])
    assert len(rows) == expected.count() > 0
    assert {r[3].value for r in rows} == {"Huyện Bắc Hà"}
    # A link with an old district and no map reads the old map, and the title says so.
    assert wb[MAIN]["A4"].value == "THEO ĐỊA GIỚI TRƯỚC 01/07/2025"
    assert wb[MAIN]["A5"].value == (
        "(Bộ lọc: Từ ngày: 01/01/2025; Huyện: Huyện Bắc Hà; Trạng thái: Đã xác nhận)"
    )
    district_total = next(
        r for r in wb[MAIN].iter_rows(values_only=True) if r[2] and r[2].startswith("Cộng ")
    )
    assert district_total[11] == sum(
        s.amount_vnd for s in Support.objects.filter(visit__in=expected)
    )


def test_leader_log_has_only_their_communes_visits_without_drafts(leader_client):
    make_visit(assignment=ban_vuoc(), status=FieldVisit.Status.DRAFT, purpose="Nháp")

    wb = workbook_of(leader_client.get(URL, OLD))

    rows = numbered(wb[MAIN])
    # The leader's own pairs: Bản Vược's, and the one it was carried over to if it was.
    expected = FieldVisit.objects.filter(assignment__leader=ban_vuoc().leader).exclude(
        status="draft"
    )
    communes = set(expected.values_list("assignment__commune__name", flat=True))
    assert len(rows) == expected.count() > 0
    assert {r[2].value for r in rows} == communes
    assert "Bản Vược" in communes
    assert "Nháp" not in {r[7].value for r in rows}
    assert {r[2].value for r in numbered(wb[SUPPORT])} <= communes


def test_reader_log_has_no_drafts(reader_client):
    wb = workbook_of(reader_client.get(URL, {"date_from": "01/01/2026"}))

    rows = numbered(wb[MAIN])
    expected = FieldVisit.objects.filter(visited_on__gte=datetime.date(2026, 1, 1))
    assert len(rows) == expected.exclude(status="draft").count()
    assert "Nháp" not in {r[7].value for r in rows}


def test_text_typed_like_a_formula_comes_back_as_that_text(office_client):
    visit = make_visit(
        assignment=ban_vuoc(),
        visited_on=datetime.date(2025, 2, 3),
        purpose="=1+2",
        findings="+cmd",
        status=FieldVisit.Status.CONFIRMED,
    )
    make_support(visit=visit, description="-x", unit="=A1")
    make_recommendation(visit=visit, text="@SUM(A1)", resolution_note='=HYPERLINK("x")')

    response = office_client.get(URL, {"date_from": "03/02/2025", "date_to": "03/02/2025", **OLD})

    data = downloaded(response)
    wb = load_workbook(io.BytesIO(data))
    main = next(r for r in numbered(wb[MAIN]) if r[2].value == "Bản Vược")
    assert (main[8].value, main[9].value) == ("=1+2", "+cmd")
    assert (main[8].data_type, main[9].data_type) == ("s", "s")
    support = next(r for r in numbered(wb[SUPPORT]) if r[7].value == "-x")
    assert support[7].data_type == "s" and support[9].value == "=A1"
    recommendation = next(r for r in numbered(wb[RECOMMENDATIONS]) if r[5].value == "@SUM(A1)")
    assert recommendation[5].data_type == "s"
    assert recommendation[10].value == '=HYPERLINK("x")'
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(name) for name in sheets)


def test_control_characters_pasted_from_word_are_removed(office_client):
    make_visit(
        assignment=ban_vuoc(),
        visited_on=datetime.date(2025, 2, 4),
        findings="Dòng một\x07\x0bdòng hai\x01",
        status=FieldVisit.Status.CONFIRMED,
    )

    wb = workbook_of(
        office_client.get(URL, {"date_from": "04/02/2025", "date_to": "04/02/2025", **OLD})
    )

    row = next(r for r in numbered(wb[MAIN]) if r[2].value == "Bản Vược")
    assert row[9].value == "Dòng một\ndòng hai"


def test_log_prints_landscape_with_header_rows_repeated_and_a_signature(office_client):
    wb = workbook_of(office_client.get(URL, {"date_from": "01/11/2026"}))

    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$8:$8"
        assert ws.freeze_panes == "C9"
    texts = {c.value for row in wb[MAIN].iter_rows() for c in row}
    assert {"NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ"} <= texts


def test_log_file_name_has_today(office_client, today):
    response = office_client.get(URL, {"date_from": "01/11/2026"})

    assert response["Content-Disposition"] == (
        'attachment; filename="chuyen-cong-tac-2026-11-18.xlsx"'
    )
