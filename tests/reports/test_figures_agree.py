"""The same figure agrees on every page and export that shows it, and says what it counts.

Official figures count confirmed visits only (FieldVisit.objects.counted()); the visit log
lists the others apart, with their own total. Workbooks are read back with openpyxl.
"""

import io

import pytest
from django.db.models import Max, Sum
from django.urls import reverse
from openpyxl import load_workbook

from assignments.models import Assignment, FieldVisit, Support
from assignments.models.visits import LAST_VISIT_HELP
from communes.models import Commune, Era, Recognition
from tests.factories import make_support, make_visit

pytestmark = pytest.mark.django_db

LOG = reverse("reports:export_visits")
ASSIGNMENTS = reverse("assignments:assignment_list")
DASHBOARD = reverse("reports:dashboard")
CONFIRMED_PART = "I. CHUYẾN CÔNG TÁC ĐÃ XÁC NHẬN (TÍNH VÀO SỐ LIỆU CHÍNH THỨC)"
UNCONFIRMED_PART = "II. CHUYẾN CÔNG TÁC CHƯA XÁC NHẬN (KHÔNG TÍNH VÀO SỐ LIỆU CHÍNH THỨC)"


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_below_header(ws):
    first = int(ws.print_title_rows.split(":")[-1].strip("$")) + 1
    return list(ws.iter_rows(min_row=first, values_only=True))


def parts(ws):
    """{part heading: [rows]} of a visit-log sheet (rows between its heading and the next)."""
    found, current = {}, None
    for row in rows_below_header(ws):
        if row[0] in (CONFIRMED_PART, UNCONFIRMED_PART):
            current = found.setdefault(row[0], [])
        elif current is not None:
            current.append(row)
    return found


def numbered(rows):
    return [r for r in rows if isinstance(r[0], int) and not isinstance(r[0], bool)]


def labelled(rows, start):
    """(label, amount) of the total rows whose label (column C) starts with `start`."""
    return [(r[2], r[11]) for r in rows if isinstance(r[2], str) and r[2].startswith(start)]


def support_sum(supports):
    return supports.aggregate(total=Sum("amount_vnd"))["total"] or 0


def test_visit_log_totals_count_confirmed_visits_and_total_the_others_apart(office_client):
    ban_vuoc = Assignment.objects.filter(commune__name="Bản Vược").latest("started_on", "pk")
    draft = make_visit(assignment=ban_vuoc, status=FieldVisit.Status.DRAFT, purpose="Nháp lớn")
    make_support(visit=draft, amount_vnd=9_000_000_000)

    sheet = workbook(office_client.get(LOG, {"map": "old"}))["Chuyến công tác"]

    found = parts(sheet)
    confirmed, unconfirmed = found[CONFIRMED_PART], found[UNCONFIRMED_PART]
    assert {r[7] for r in numbered(confirmed)} == {"Đã xác nhận"}
    assert "Đã xác nhận" not in {r[7] for r in numbered(unconfirmed)}
    assert "Nháp lớn" in {r[8] for r in numbered(unconfirmed)}
    official = support_sum(Support.objects.counted())
    n = FieldVisit.objects.counted().count()
    assert labelled(confirmed, "Tổng cộng") == [(f"Tổng cộng ({n} chuyến đã xác nhận)", official)]
    assert sum(amount for _label, amount in labelled(confirmed, "Cộng ")) == official
    others = FieldVisit.objects.uncounted()
    assert labelled(unconfirmed, "Cộng chưa xác nhận (") == [
        (
            f"Cộng chưa xác nhận ({others.count()} chuyến, không tính vào tổng cộng)",
            support_sum(Support.objects.filter(visit__in=others)),
        )
    ]
    assert labelled(unconfirmed, "Cộng chưa xác nhận (")[0][1] >= 9_000_000_000
    assert not labelled(unconfirmed, "Tổng cộng")


def test_visit_log_of_confirmed_visits_only_has_no_second_part(office_client):
    sheet = workbook(office_client.get(LOG, {"map": "old", "status": "confirmed"}))[
        "Chuyến công tác"
    ]

    assert list(parts(sheet)) == [CONFIRMED_PART]


def test_visit_log_total_agrees_with_the_dashboard_and_the_assignments_list(office_client, today):
    dashboard = office_client.get(DASHBOARD)
    figures = dashboard.context["figures"]
    recent = {"date_from": figures.recent_since.strftime("%d/%m/%Y"),
              "date_to": today.strftime("%d/%m/%Y")}  # fmt: skip

    recent_log = workbook(office_client.get(LOG, recent))["Chuyến công tác"]
    whole_log = workbook(office_client.get(LOG))["Chuyến công tác"]
    listed = workbook(office_client.get(ASSIGNMENTS, {"export": "xlsx"})).worksheets[0]

    assert figures.recent_visits > 0
    confirmed = parts(recent_log)[CONFIRMED_PART]
    assert labelled(confirmed, "Tổng cộng")[0][0] == (
        f"Tổng cộng ({figures.recent_visits} chuyến đã xác nhận)"
    )
    header_row = int(listed.print_title_rows.split(":")[-1].strip("$"))
    header = [c.value for c in listed[header_row]]
    column = header.index("Tổng hỗ trợ (đồng)")
    list_total = sum(r[column] or 0 for r in rows_below_header(listed) if r[0])
    log_total = labelled(parts(whole_log)[CONFIRMED_PART], "Tổng cộng")[0][1]
    assert log_total == list_total == support_sum(Support.objects.counted()) > 0


# --- recognition levels: a higher level is also NTM -------------------------------------------


def test_ntm_figure_counts_higher_levels_alike_on_dashboard_list_and_export(office_client):
    year = 2025
    old_xa = Commune.objects.filter(kind="xa", era=Era.PRE_2025)
    recognised = Recognition.objects.filter(commune__in=old_xa, decided_on__year__lte=year)
    advanced = recognised.filter(level__in=["nang_cao", "kieu_mau"]).values("commune").distinct()
    expected = recognised.values("commune").distinct().count()
    params = {"map": "old", "year": year}

    dashboard = office_client.get(DASHBOARD, params)
    [card] = [c for c in dashboard.context["figure_sections"][0]["cards"] if "level=ntm" in c.url]
    listed = office_client.get(reverse("reports:commune_list"), {**params, "level": "ntm"})
    exported = workbook(
        office_client.get(reverse("reports:commune_list"), {**params, "level": "ntm",
                                                           "export": "xlsx"})
    ).worksheets[0]  # fmt: skip

    assert advanced.count() > 0  # the demo has nâng cao communes: they must be in the 84
    assert card.figure == str(expected)
    assert card.note.startswith(f"trong đó {advanced.count()} xã nâng cao, 0 xã kiểu mẫu")
    assert listed.context["table"].paginator.count == expected
    rows = [r for r in rows_below_header(exported) if r[0]]
    assert len(rows) == expected
    assert "Xã nông thôn mới nâng cao" in {r[3] for r in rows}
    offered = dict(listed.context["filter"].form.fields["level"].choices)
    assert offered["ntm"] == "Xã nông thôn mới (kể cả mức cao hơn)"


# --- "Lần đi cơ sở gần nhất": one definition everywhere ---------------------------------------


def latest_confirmed(visits):
    return visits.filter(status="confirmed").aggregate(last=Max("visited_on"))["last"]


def test_last_visit_is_the_latest_confirmed_one_on_every_page_and_export(
    member_a_client, office_client, today
):
    unit = Commune.objects.get(name="Bát Xát", era=Era.FROM_2025, kind="xa")
    active = Assignment.objects.get(commune=unit, ended_on__isnull=True)
    # Waiting for confirmation, or returned: listed, never the last visit.
    make_visit(assignment=active, visited_on=today, status=FieldVisit.Status.SUBMITTED)
    make_visit(assignment=active, visited_on=today, status=FieldVisit.Status.RETURNED)
    expected = latest_confirmed(FieldVisit.objects.filter(assignment__commune__current_unit=unit))
    shown = expected.strftime("%d/%m/%Y")
    communes = reverse("reports:commune_list")
    query = {"map": "current", "q": "Bat Xat"}

    my_work = member_a_client.get(reverse("assignments:my_work"))
    listed = office_client.get(communes, query)
    exported = workbook(office_client.get(communes, {**query, "export": "xlsx"})).worksheets[0]
    dossier = office_client.get(reverse("reports:commune_detail", args=[unit.pk]))

    assert expected is not None and expected < today
    [card] = [a for a in my_work.context["assignments"] if a.commune_id == unit.pk]
    assert card.last_visit_on == expected
    assert f"Lần đi cơ sở gần nhất: {shown}" in " ".join(my_work.content.decode().split())
    [row] = [r.record for r in listed.context["table"].page.object_list if r.record.pk == unit.pk]
    assert row.last_visit == expected
    header_row = int(exported.print_title_rows.split(":")[-1].strip("$"))
    header = [c.value for c in exported[header_row]]
    [cells] = [r for r in rows_below_header(exported) if r[0] == "Bát Xát"]
    assert cells[header.index("Lần đi cơ sở gần nhất")].date() == expected
    assert dossier.context["dossier"].last_visit.visited_on == expected
    # Each page and the export say which visits count.
    help_text = str(LAST_VISIT_HELP)
    assert "đã xác nhận" in help_text
    for page in (my_work, listed):
        assert help_text in page.content.decode()
    notes = [c.value for row in exported.iter_rows(max_row=header_row) for c in row]
    assert help_text in notes


def test_an_old_units_last_visit_is_its_own_on_the_list_and_its_dossier(office_client):
    old = Commune.objects.get(name="Bản Vược", era=Era.PRE_2025)
    expected = latest_confirmed(FieldVisit.objects.filter(assignment__commune=old))

    listed = office_client.get(
        reverse("reports:commune_list"), {"map": "old", "q": "Ban Vuoc", "year": 2025}
    )
    dossier = office_client.get(reverse("reports:commune_detail", args=[old.pk]))

    [row] = [r.record for r in listed.context["table"].page.object_list if r.record.pk == old.pk]
    assert row.last_visit == expected is not None
    assert dossier.context["dossier"].last_visit.visited_on == expected


def test_periodic_report_of_a_year_agrees_with_the_visit_log_of_that_year(office_client):
    year = {"date_from": "01/01/2025", "date_to": "31/12/2025", "map": "old"}

    log = workbook(office_client.get(LOG, year))["Chuyến công tác"]
    periodic = workbook(
        office_client.get(reverse("reports:export_periodic"), {"period": "2025", "map": "old"})
    )["Tổng hợp theo huyện"]

    [whole] = [r for r in periodic.iter_rows(values_only=True) if r[1] == "Toàn tỉnh"]
    [(label, amount)] = labelled(parts(log)[CONFIRMED_PART], "Tổng cộng")
    assert label == f"Tổng cộng ({whole[3]} chuyến đã xác nhận)"
    assert amount == whole[5] > 0


@pytest.mark.parametrize(
    "url, says",
    [
        (ASSIGNMENTS, "tổng hỗ trợ và kiến nghị của phân công chỉ tính các chuyến công tác đã xác"),
        (reverse("assignments:visit_list"), "số liệu chính thức (trang tổng quan, các báo cáo)"),
    ],
)
def test_lists_with_visit_figures_say_which_visits_count_on_page_and_export(
    office_client, url, says
):
    page = " ".join(office_client.get(url).content.decode().split())
    sheet = workbook(office_client.get(url, {"export": "xlsx"})).worksheets[0]

    header_row = int(sheet.print_title_rows.split(":")[-1].strip("$"))
    notes = " ".join(str(c.value) for row in sheet.iter_rows(max_row=header_row) for c in row)
    assert says in page and says in notes
