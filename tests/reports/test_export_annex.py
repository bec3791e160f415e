"""The assignment list in the layout of the decision's annex, and the reports page."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assignments.models import Assignment, Decision
from communes.models import District

pytestmark = pytest.mark.django_db

URL = reverse("reports:export_annex")
EXPORTS = ["export_annex", "export_matrix", "export_visits", "export_periodic"]


LAST_OLD_DAY = datetime.date(2025, 6, 30)


def sheet_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Phu luc"]


def body(ws):
    """Rows after the header (row 6) up to the signature block."""
    rows = []
    for row in ws.iter_rows(min_row=7, max_col=5, values_only=True):
        if all(value is None for value in row):
            break
        rows.append(row)
    return rows


def decision():
    return Decision.objects.get(number="1599/QĐ-UBND")


def old():
    """Decision 1599 (the demo's 2021–2025 decision; the default is the one of 2026–2030) on
    the old map."""
    return {"map": "old", "decision": decision().pk}


def test_annex_lists_the_active_assignments_numbered_under_one_row_per_district(office_client):
    # On the old map: the list as it stood on 30/06/2025, the old map's last day.
    rows = body(sheet_of(office_client.get(URL, old())))

    groups = [row[0] for row in rows if isinstance(row[0], str)]
    data = [row for row in rows if isinstance(row[0], int)]
    assert len(data) == 126  # 127 pairs, Tà Chải's assignment ended with the merger
    assert [row[0] for row in data] == list(range(1, 127))
    assert len(groups) == 9
    assert groups[:2] == ["I. THÀNH PHỐ LÀO CAI", "II. HUYỆN BÁT XÁT"]
    assert groups[-1] == "IX. HUYỆN VĂN BÀN"
    assert all(re.match(r"^[IVX]+\. [A-ZÀ-Ỹ ]+$", g) for g in groups)
    assert "Tà Chải" not in [row[4] for row in data]


def test_annex_rows_carry_the_database_names_grouped_by_their_district(office_client):
    rows = body(sheet_of(office_client.get(URL, old())))

    active = Assignment.objects.filter(decision=decision()).active(on=LAST_OLD_DAY)
    expected = {
        (a.leader.full_name, a.leader.position, a.leader.agency.name, a.commune.name)
        for a in active.select_related("leader__agency", "commune")
    }
    assert {row[1:] for row in rows if isinstance(row[0], int)} == expected
    district, seen = None, {}
    for row in rows:
        if isinstance(row[0], str):
            district = row[0].split(". ", 1)[1]
        else:
            seen[row[4]] = district
    ban_vuoc = active.get(commune__name="Bản Vược").commune.district
    assert seen["Bản Vược"] == ban_vuoc.name.upper()


def test_annex_title_block_names_the_issuer_the_decision_and_leaves_an_unknown_date_blank(
    office_client, today
):
    ws = sheet_of(office_client.get(URL, old()))

    assert ws["A1"].value == "UBND TỈNH LÀO CAI"
    assert ws["A2"].value == "PHỤ LỤC"
    assert ws["A3"].value.startswith("DANH SÁCH PHÂN CÔNG LÃNH ĐẠO CÁC CƠ QUAN, ĐƠN VỊ")
    assert ws["A3"].value.endswith("GIAI ĐOẠN 2021 – 2025")
    assert ws["A4"].value == (
        "(Kèm theo Quyết định số 1599/QĐ-UBND ngày …/…/…… của UBND tỉnh Lào Cai; "
        "danh sách đến ngày 30/06/2025, theo địa giới trước 01/07/2025)"
    )
    assert [c.value for c in ws[6]] == [
        "STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Xã được phân công",
    ]  # fmt: skip
    assert "A3:E3" in {str(r) for r in ws.merged_cells.ranges}


def test_annex_shows_the_decision_date_when_known(office_client):
    Decision.objects.filter(pk=decision().pk).update(issued_on=datetime.date(2021, 7, 20))

    ws = sheet_of(office_client.get(URL, {"decision": decision().pk}))

    assert "ngày 20/07/2021" in ws["A4"].value


def test_annex_prints_on_a4_landscape_one_page_wide_with_the_header_on_every_page(
    office_client,
):
    ws = sheet_of(office_client.get(URL))

    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$6:$6"
    assert ws.freeze_panes == "A7"


def test_annex_ends_with_the_place_date_and_signatures(office_client, today):
    ws = sheet_of(office_client.get(URL))

    texts = [c.value for row in ws.iter_rows(min_row=ws.max_row - 3) for c in row if c.value]
    assert "Lào Cai, ngày 18 tháng 11 năm 2026" in texts[0]
    assert "NGƯỜI LẬP BIỂU" in texts
    assert "THỦ TRƯỞNG ĐƠN VỊ" in texts


def test_annex_file_is_named_after_the_decision_number_and_today(office_client, today):
    response = office_client.get(URL, {"decision": decision().pk})

    assert response["Content-Disposition"] == (
        'attachment; filename="phan-cong-1599-2026-11-18.xlsx"'
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_leader_annex_holds_only_their_own_assignment(leader_client):
    rows = body(sheet_of(leader_client.get(URL, old())))

    data = [row for row in rows if isinstance(row[0], int)]
    assert [row[4] for row in data] == ["Bản Vược"]


def test_unknown_decision_leads_to_the_annex_page_saying_so(office_client):
    response = office_client.get(URL, {"decision": "999999"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("reports:report_annex") + "?decision=999999"
    assert response.status_code == 200
    assert "Không có quyết định “999999”." in response.content.decode()


@pytest.mark.parametrize("name", ["report_index", *EXPORTS])
def test_anonymous_users_are_sent_to_the_login_page(anonymous_client, name):
    response = anonymous_client.get(reverse(f"reports:{name}"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_reports_page_offers_each_report_as_a_plain_get_form(reader_client):
    response = reader_client.get(reverse("reports:report_index"))

    html = response.content.decode()
    assert response.status_code == 200
    for name in EXPORTS:
        assert f'<form method="get" action="{reverse(f"reports:{name}")}"' in html
    assert 'name="decision"' in html and 'name="year"' in html
    assert 'name="district"' in html and 'name="period"' in html
    assert 'value="2025-Q3"' in html
    assert "<script" not in html.split("<main", 1)[1]
    # The menu leads there.
    assert f'href="{reverse("reports:report_index")}"' in html


def test_exports_write_nothing_to_the_database(office_client):
    district = District.objects.get(name="Huyện Bắc Hà")
    with CaptureQueriesContext(connection) as queries:
        for name, params in [
            ("export_annex", {}),
            ("export_matrix", {"year": 2025, "district": district.pk}),
            ("export_visits", {"district": district.pk}),
            ("export_periodic", {"period": "2025-H2"}),
        ]:
            assert office_client.get(reverse(f"reports:{name}"), params).status_code == 200
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []
