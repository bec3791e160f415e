"""The commune × criteria matrix export: the layout the matrix importer reads back."""

import io
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Assessment, Commune, District
from communes.reference import NTM_SET

pytestmark = pytest.mark.django_db

URL = reverse("reports:export_matrix")
OLD = {"map": "old"}
CODE = re.compile(r"^\d{5}$")
TC_COLUMNS = range(4, 23)  # D … V: TC1 … TC19


def sheet_of(response, year=2025):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))[f"Tieu chi {year}"]


def rows_of(ws):
    return list(ws.iter_rows(min_row=8, max_col=23, values_only=True))


def commune_rows(ws):
    return [row for row in rows_of(ws) if isinstance(row[1], str) and CODE.match(row[1])]


def labelled(ws, label):
    """The row titled `label`: "Cộng Huyện Bắc Hà (13 xã)" is labelled "Cộng Huyện Bắc Hà"."""
    return next(row for row in rows_of(ws) if str(row[2]).split(" (")[0] == label)


def average(met, communes):
    """As the dashboard rounds it: one decimal, half up."""
    if not communes:
        return None
    return float((Decimal(met) / communes).quantize(Decimal("0.1"), ROUND_HALF_UP))


def assessments(year=2025):
    return Assessment.objects.filter(year=year, criterion__criteria_set__code=NTM_SET)


def test_matrix_layout_follows_the_import_contract(office_client):
    ws = sheet_of(office_client.get(URL, {"year": 2025, **OLD}))

    assert [ws[f"A{n}"].value for n in range(1, 5)] == [
        "UBND TỈNH LÀO CAI",
        "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI",
        "KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM 2025",
        "(Bộ tiêu chí theo Quyết định 318/QĐ-TTg ngày 08/03/2022; theo địa giới trước 01/07/2025)",
    ]
    assert all(c.value is None for c in ws[5])
    header = [c.value for c in ws[6]]
    assert header == ["STT", "Mã xã", "Tên xã", *(f"TC{n}" for n in range(1, 20)),
                      "Số tiêu chí đạt"]  # fmt: skip
    assert [ws.cell(7, c).value for c in (1, 2, 3)] == [None, None, None]
    assert ws.cell(7, 4).value == "Quy hoạch"
    assert ws.cell(7, 22).value == "Quốc phòng và An ninh"
    assert ws.freeze_panes == "D8"
    assert ws.print_title_rows == "$6:$7"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["C8"].value == "Thành phố Lào Cai" and ws["A8"].value is None


def test_matrix_lists_every_programme_commune_with_its_code_as_text(office_client):
    ws = sheet_of(office_client.get(URL, {"year": 2025, **OLD}))

    rows = commune_rows(ws)
    # The old map's programme: 127 xã of the old Lào Cai, 146 of the old Yên Bái. Tà Chải
    # merged into Thị trấn Bắc Hà on 01/11/2024: in 2024's matrix, not in 2025's.
    assert len(rows) == Commune.objects.in_programme().count() - 1 == 272
    assert [row[0] for row in rows] == list(range(1, 273))
    assert "Tà Chải" not in [row[2] for row in rows]
    earlier = commune_rows(sheet_of(office_client.get(URL, {"year": 2024, **OLD}), 2024))
    assert "Tà Chải" in [row[2] for row in earlier]
    ban_vuoc = Commune.objects.in_programme().get(name="Bản Vược")
    row_number = next(r for r in range(8, ws.max_row + 1) if ws.cell(r, 3).value == "Bản Vược")
    assert ws.cell(row_number, 2).value == ban_vuoc.code == "02710"
    assert ws.cell(row_number, 2).data_type == "s"


def test_per_commune_and_per_criterion_counts_equal_the_database(office_client):
    ws = sheet_of(office_client.get(URL, {"year": 2025}))

    rows = commune_rows(ws)
    met = assessments().filter(met=True)
    per_commune = Counter(met.values_list("commune__code", flat=True))
    for row in rows:
        marks = row[3:22]
        assert set(marks) <= {"Đạt", None}
        assert marks.count("Đạt") == row[22] == per_commune.get(row[1], 0)
    per_criterion = Counter(met.values_list("criterion__number", flat=True))
    for number in range(1, 20):
        assert sum(row[2 + number] == "Đạt" for row in rows) == per_criterion[number]
    total = labelled(ws, "Toàn tỉnh")
    assessed = assessments().values("commune").distinct().count()
    assert total[2] == f"Toàn tỉnh ({len(rows)} xã, {assessed} xã có kết quả)"
    assert list(total[3:22]) == [per_criterion[n] for n in range(1, 20)]
    assert total[22] == average(met.count(), assessed)


def test_a_district_subtotal_counts_communes_not_criteria(office_client):
    ws = sheet_of(office_client.get(URL, {"year": 2025, **OLD}))

    assessed = set(assessments().values_list("commune__code", flat=True))
    members, subtotals = [], 0
    for row in rows_of(ws):
        if isinstance(row[1], str) and CODE.match(row[1]):
            members.append(row)
        elif str(row[2]).startswith("Cộng "):
            subtotals += 1
            district = row[2].split(" (")[0].removeprefix("Cộng ")
            with_result = [r for r in members if r[1] in assessed]
            counted = f"{len(members)} xã"
            if len(with_result) != len(members):
                counted += f", {len(with_result)} xã có kết quả"
            assert row[2] == f"Cộng {district} ({counted})"
            # Under each criterion: the communes meeting it.
            assert list(row[3:22]) == [sum(r[c] == "Đạt" for r in members) for c in range(3, 22)]
            # Under "Số tiêu chí đạt": criteria met per commune with a result, not their sum.
            assert row[22] == average(sum(r[22] for r in with_result), len(with_result))
            members = []
    assert (
        subtotals
        == District.objects.filter(communes__in=Commune.objects.in_programme()).distinct().count()
    )  # noqa: E501


def test_met_cells_are_green_and_other_cells_empty(office_client):
    ws = sheet_of(office_client.get(URL, {"year": 2025}))

    fills = {
        cell.value: cell.fill.fgColor.rgb
        for row in ws.iter_rows(min_row=9, min_col=4, max_col=22)
        for cell in row
        if cell.value in ("Đạt", None) and ws.cell(cell.row, 2).value
    }
    assert fills["Đạt"].endswith("C6EFCE")
    assert not fills[None].endswith("C6EFCE")
    formulas = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_a_commune_without_results_that_year_keeps_an_empty_row(office_client):
    assessments().filter(commune__name="Bản Vược").delete()

    ws = sheet_of(office_client.get(URL, {"year": 2025}))

    row = next(row for row in commune_rows(ws) if row[2] == "Bản Vược")
    assert row[3:22] == (None,) * 19
    assert row[22] == 0


def test_district_filter_keeps_that_districts_communes(office_client):
    bac_ha = District.objects.get(name="Huyện Bắc Hà")

    ws = sheet_of(office_client.get(URL, {"year": 2024, "district": bac_ha.pk, **OLD}), 2024)

    rows = commune_rows(ws)
    assert {row[2] for row in rows} == set(
        Commune.objects.in_programme().filter(district=bac_ha).values_list("name", flat=True)
    )
    labels = [row[2].split(" (")[0] for row in rows_of(ws) if isinstance(row[2], str)]
    assert "Cộng Huyện Bắc Hà" in labels and "Tổng cộng" in labels
    assert "Toàn tỉnh" not in labels


def test_matrix_file_name_has_the_year_and_today(office_client, today):
    response = office_client.get(URL, {"year": 2023})

    assert response["Content-Disposition"] == 'attachment; filename="tieu-chi-2023-2026-11-18.xlsx"'


def test_matrix_defaults_to_the_latest_assessed_year(office_client):
    latest = Assessment.objects.order_by("-year").values_list("year", flat=True).first()

    response = office_client.get(URL)

    assert sheet_of(response, latest)["A3"].value.endswith(f"NĂM {latest}")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "1990"}, "Không lập được bảng tiêu chí năm “1990”."),
        ({"year": "abc"}, "Không lập được bảng tiêu chí năm “abc”."),
        ({"district": "999999"}, "Không có huyện “999999”."),
    ],
)
def test_bad_parameters_lead_to_the_matrix_page_saying_why(office_client, params, message):
    response = office_client.get(URL, params, follow=True)

    page, query = response.redirect_chain[-1][0].split("?")
    assert (page, query) == (reverse("reports:report_matrix"), urlencode(params))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_leader_matrix_holds_only_their_commune(leader_client):
    ws = sheet_of(leader_client.get(URL, {"year": 2025}))

    assert [row[2] for row in commune_rows(ws)] == ["Bản Vược"]
    assert labelled(ws, "Tổng cộng")


@pytest.mark.parametrize(("year", "map_"), [(2025, "old"), (2025, "current"), (2026, "current")])
def test_the_matrix_total_says_what_the_dashboard_says(office_client, year, map_):
    dashboard = office_client.get(reverse("reports:dashboard"), {"year": year, "map": map_})
    shown = dashboard.context["figures"].average

    rows = list(sheet_of(office_client.get(URL, {"year": year, "map": map_}), year).values)
    [total] = [row for row in rows if str(row[2]).startswith("Toàn tỉnh (")]
    met_column = next(row for row in rows if row[0] == "STT").index("Số tiêu chí đạt")

    assert total[met_column] == float(shown.value)
    listed, assessed = re.fullmatch(
        r"Toàn tỉnh \((\d+) xã(?:, (\d+) xã có kết quả)?\)", total[2]
    ).groups()
    assert int(assessed or listed) == shown.communes  # 2025: 272 xã, 126 with a result
    assert rows[rows.index(total) + 1][0].startswith("Dòng “Cộng”: cột tiêu chí ghi số xã đạt")
