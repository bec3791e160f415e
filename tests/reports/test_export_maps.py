"""The Excel reports read on a map (map=old|current): groups, labels, headings, equal totals."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assignments.models import Assignment, Decision
from communes.models import Commune, Era
from reports import exporters
from reports.imports import service
from sampledata.laocai import new_period
from tests.support.clock import DEMO_DAY

from .import_workbooks import upload

pytestmark = pytest.mark.django_db

OLD, CURRENT = {"map": "old"}, {"map": "current"}
HEADINGS = {"old": "THEO ĐỊA GIỚI TRƯỚC 01/07/2025", "current": "THEO ĐƠN VỊ HÀNH CHÍNH HIỆN NAY"}


def workbook(client, identifier, params):
    response = client.get(exporters.get(identifier).download_url(), params)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows(ws):
    return list(ws.iter_rows(values_only=True))


def numbered(ws):
    return [r for r in rows(ws) if type(r[0]) is int]


def labelled(ws, column, pattern):
    """The rows whose text in `column` (0-based) matches `pattern` from its start."""
    return [r for r in rows(ws) if isinstance(r[column], str) and re.match(pattern, r[column])]


def bac_ha():
    return Commune.objects.get(name="Bắc Hà", era=Era.FROM_2025)


# --- the visit log -------------------------------------------------------------------------


def test_the_visit_log_has_the_same_grand_totals_on_both_maps(office_client):
    old = workbook(office_client, "visits", OLD)
    current = workbook(office_client, "visits", CURRENT)

    for sheet, value in (("Chuyến công tác", 11), ("Hỗ trợ", 10)):
        [old_total] = labelled(old[sheet], 2, "Tổng cộng")
        [current_total] = labelled(current[sheet], 2, "Tổng cộng")
        assert old_total[2] == current_total[2]  # "Tổng cộng (n chuyến đã xác nhận)"
        assert old_total[value] == current_total[value] > 0
        # The visits not confirmed, totalled apart: the same on both maps too.
        [old_apart] = labelled(old[sheet], 2, r"Cộng chưa xác nhận \(")
        [current_apart] = labelled(current[sheet], 2, r"Cộng chưa xác nhận \(")
        assert old_apart[2] == current_apart[2] and old_apart[value] == current_apart[value]
        # Each map's groups add up to it.
        for wb in (old, current):
            subtotals = labelled(wb[sheet], 2, "Cộng (?!chưa xác nhận)")
            assert sum(r[value] for r in subtotals) == old_total[value]
    assert len(numbered(old["Chuyến công tác"])) == len(numbered(current["Chuyến công tác"]))
    assert len(numbered(old["Kiến nghị"])) == len(numbered(current["Kiến nghị"]))


def test_the_visit_log_on_the_current_map_groups_by_unit_of_today_labelling_the_old_units(
    office_client,
):
    unit = bac_ha()

    ws = workbook(office_client, "visits", {"unit": unit.pk})["Chuyến công tác"]

    assert ws["A4"].value == HEADINGS["current"]
    header = int(ws.print_title_rows.split(":")[-1].strip("$"))
    assert [c.value for c in ws[header]][2:4] == [
        "Xã, phường hiện nay",
        "Xã trước 01/07/2025 (huyện cũ)",
    ]
    # The part of the confirmed visits, then the group row.
    assert rows(ws)[header][0].startswith("I. CHUYẾN CÔNG TÁC ĐÃ XÁC NHẬN")
    assert rows(ws)[header + 1][0] == "Xã Bắc Hà"
    visits = numbered(ws)
    assert {r[2] for r in visits} == {"Bắc Hà"}
    # A visit made for Bản Phố before it went into Xã Bắc Hà; one made for Xã Bắc Hà itself
    # (after the carry-over) has nothing to add.
    assert "Bản Phố (h. Bắc Hà)" in {r[3] for r in visits}
    assert {r[3] for r in visits} <= {None} | {
        f"{c.name} (h. Bắc Hà)" for c in Commune.objects.rolled_up_to(unit)
    }
    [subtotal] = labelled(ws, 2, "Cộng Xã Bắc Hà")
    [total] = labelled(ws, 2, "Tổng cộng")
    assert subtotal[11] == total[11]
    unconfirmed = labelled(ws, 2, "Cộng chưa xác nhận")
    assert not unconfirmed or unconfirmed[0][2].startswith("Cộng chưa xác nhận – Xã Bắc Hà")


def test_the_visit_log_on_the_old_map_groups_by_old_district(office_client):
    ws = workbook(office_client, "visits", OLD)["Chuyến công tác"]

    assert ws["A4"].value == HEADINGS["old"]
    assert "Cộng Huyện Bắc Hà" in {r[2].split(" (")[0] for r in labelled(ws, 2, "Cộng ")}


# --- the periodic report -------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2025", "2025-H2", "2026"])
def test_the_periodic_report_has_the_same_grand_totals_on_both_maps(office_client, period):
    old = workbook(office_client, "periodic", {"period": period, **OLD})
    current = workbook(office_client, "periodic", {"period": period, **CURRENT})

    [old_total] = labelled(old["Chi tiết theo xã"], 1, "Toàn tỉnh")
    [current_total] = labelled(current["Chi tiết theo xã"], 1, "Toàn tỉnh")
    assert old_total == current_total
    assert len(numbered(old["Chi tiết theo xã"])) == len(numbered(current["Chi tiết theo xã"]))
    [old_summary] = labelled(old["Tổng hợp theo huyện"], 1, "Toàn tỉnh")
    [current_summary] = labelled(current["Tổng hợp theo xã, phường"], 1, "Toàn tỉnh")
    assert old_summary == current_summary


def test_the_periodic_report_on_the_current_map_sums_each_unit_of_today(office_client):
    wb = workbook(office_client, "periodic", {"period": "2025", **CURRENT})
    detail, summary = wb["Chi tiết theo xã"], wb["Tổng hợp theo xã, phường"]

    assert detail["A5"].value == HEADINGS["current"]
    # Bản Phố's pair under Xã Bắc Hà, the old district as its label.
    group = next(i for i, r in enumerate(rows(detail)) if r[0] == "Xã Bắc Hà")
    members = []
    for row in rows(detail)[group + 1 :]:
        if type(row[0]) is not int:
            break
        members.append(row[1])
    assert "Bản Phố (h. Bắc Hà)" in members
    subtotals = {r[1].removeprefix("Cộng "): r for r in labelled(detail, 1, "Cộng ")}
    units = numbered(summary)
    assert [r[1] for r in units] == list(subtotals)
    for row in units:
        assert (row[3], row[5]) == (subtotals[row[1]][4], subtotals[row[1]][11])
    refs = [s.val.numRef.f for chart in summary._charts for s in chart.series]
    assert refs and all(ref.startswith("'Tổng hợp theo xã, phường'!") for ref in refs)


# --- the annex -----------------------------------------------------------------------------


def test_the_annex_on_the_current_map_is_the_decisions_list_in_force_with_the_unit_of_today(
    office_client, today
):
    # The decision in force today, the default: the demo's of 2026–2030, on today's units.
    decision = Decision.objects.get(number=new_period.DECISION_NUMBER)
    in_force = Assignment.objects.filter(decision=decision).active(on=DEMO_DAY)

    ws = workbook(office_client, "annex", CURRENT)["Phu luc"]

    assert [c.value for c in ws[6]] == [
        "STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Xã được phân công",
        "Xã, phường hiện nay",
    ]  # fmt: skip
    data = numbered(ws)
    assert len(data) == in_force.count() > 0
    expected = {
        (a.leader.full_name, a.commune.name, f"{a.commune.current_unit.get_kind_display()} "
         f"{a.commune.current_unit.name}")
        for a in in_force.select_related("leader", "commune__current_unit")
    }  # fmt: skip
    assert {(r[1], r[4], r[5]) for r in data} == expected
    # No district level any more: one list, no group rows.
    assert not [r for r in rows(ws)[6:] if isinstance(r[0], str) and re.match(r"^[IVX]+\. ", r[0])]


def test_the_annex_on_the_old_map_is_the_decisions_list_of_30_06_2025_by_district(
    office_client, today
):
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    ws = workbook(office_client, "annex", {**OLD, "decision": decision.pk})["Phu luc"]

    assert len(numbered(ws)) == 126  # the 127 pairs of Decision 1599 but Tà Chải's (2024)
    assert [c.value for c in ws[6]][-1] == "Xã được phân công"
    assert "danh sách đến ngày 30/06/2025, theo địa giới trước 01/07/2025" in ws["A4"].value


# --- the criteria matrix -------------------------------------------------------------------


def test_the_matrix_on_the_current_map_keeps_each_old_unit_under_its_unit_of_today(office_client):
    old = workbook(office_client, "matrix", {"year": 2025, **OLD})["Tieu chi 2025"]
    current = workbook(office_client, "matrix", {"year": 2025, **CURRENT})["Tieu chi 2025"]

    assert current["A4"].value.endswith("; theo đơn vị hành chính hiện nay)")
    assert current.cell(6, 24).value == "Huyện (trước 01/07/2025)"
    # The same units, each on its own row (results are never merged), the same totals.
    assert sorted(r[1] for r in numbered(old)) == sorted(r[1] for r in numbered(current))
    assert len({r[1] for r in numbered(current)}) == len(numbered(current))
    [old_total] = labelled(old, 2, "Toàn tỉnh")
    [current_total] = labelled(current, 2, "Toàn tỉnh")
    assert old_total[3:23] == current_total[3:23]
    # Xã Bắc Hà's group: its old units, their old district in the last column, their sum.
    table = rows(current)
    start = next(i for i, r in enumerate(table) if r[2] == "Xã Bắc Hà")
    end = next(i for i, r in enumerate(table) if str(r[2]).startswith("Cộng Xã Bắc Hà ("))
    members = table[start + 1 : end]
    expected = Commune.objects.in_programme().filter(current_unit=bac_ha()).exclude(name="Tà Chải")
    assert {r[2] for r in members} == set(expected.values_list("name", flat=True))
    assert {r[23] for r in members} == {"Huyện Bắc Hà"}
    # The group's row: its communes, those meeting each criterion, the average criteria met.
    assert table[end][2] == f"Cộng Xã Bắc Hà ({len(members)} xã)"
    met = [sum(r[c] == "Đạt" for r in members) for c in range(3, 22)]
    assert list(table[end][3:22]) == met
    assert table[end][22] == round(sum(r[22] for r in members) / len(members), 1)


def test_the_matrix_of_the_current_map_imports_back_unchanged(office_client, office_user):
    response = office_client.get(exporters.get("matrix").download_url(), {"year": 2025, **CURRENT})
    data = b"".join(response.streaming_content)

    _batch, plan = service.preview("matrix", upload(data, "tieu-chi-2025.xlsx"), 2025, office_user)

    assert (plan.created, plan.updated, plan.errors) == (0, 0, 0)
    assert plan.unchanged > 0


# --- the forms -----------------------------------------------------------------------------


def test_every_report_form_offers_the_map_the_current_one_first(reader_client):
    html = reader_client.get(reverse("reports:report_index")).content.decode()

    forms = re.findall(r'<form method="get".*?</form>', html, re.S)
    assert len(forms) == len(exporters.registered())
    for form in forms:
        select = re.search(r'<select name="map".*?</select>', form, re.S).group(0)
        assert re.search(r'<option value="current" selected>Bản đồ hiện nay', select)
        assert '<option value="old">Bản đồ cũ' in select
