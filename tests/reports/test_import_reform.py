"""Imports in the province of today: the old Lào Cai's and the old Yên Bái's xã before
01/07/2025, the 99 units after it. An annex names the units of its day and of its decision's
province, never guesses between two, and refuses a unit that has ceased, naming its successor."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from assignments.models import Assignment
from communes.models import Commune, District, Map, Province
from reports.imports import annex, service, spelling, terms
from reports.imports.files import load_grids
from reports.imports.reference import Reference
from reports.models import ImportBatch
from tests.factories import make_decision

from .import_workbooks import upload, workbook_bytes

pytestmark = pytest.mark.django_db
# After 01/07/2025 and before the demo's 2026–2030 decision: Decision 1599's pairs carried
# over to today's units are those in force (tests/conftest.py).
in_late_2025 = pytest.mark.usefixtures("pairs_before_the_new_period")

D = datetime.date
HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]
BEFORE = D(2025, 5, 5)
AMENDING = {"number": "2468/QĐ-UBND", "issued_on": D(2025, 9, 15), "title": "Sửa đổi Phụ lục"}


def plan(rows, decision, **kw):
    return annex.plan(load_grids(workbook_bytes([HEADER, *rows])), decision, **kw)


def old(name, district=None):
    found = Commune.objects.in_programme(Map.OLD).filter(name=name)
    return found.get(district__name=district) if district else found.get()


def current(name):
    return Commune.objects.in_programme(Map.CURRENT).get(name=name)


@pytest.fixture
def y_ty_of_yen_bai():
    """A xã of the old Yên Bái named as one of the old Lào Cai (none is, in the fixture)."""
    district = District.objects.get(name="Huyện Trạm Tấu")
    return Commune.objects.create(
        code="99901",
        name="Y Tý",
        province=district.province,
        district=district,
        valid_to=D(2025, 6, 30),
    )


def test_a_name_in_both_old_provinces_is_asked_not_guessed(y_ty_of_yen_bai):
    # The Steering Committee's decision is of no one old province: both are its scope.
    decision = make_decision(issuer="Ban Chỉ đạo các chương trình mục tiêu quốc gia")
    agreed = terms.resolve(decision, effective_on=BEFORE)
    row = [1, "Nguyễn Văn Thử", "Giám đốc", "Sở Tài chính", "Y Tý"]
    (found,) = plan([row], decision, terms=agreed).rows
    assert found.action == "error" and found.choice.picked is None
    assert {c.pk for c in found.choice.candidates} == {old("Y Tý", "Huyện Bát Xát").pk,
                                                       y_ty_of_yen_bai.pk}  # fmt: skip
    assert "Y Tý (Huyện Bát Xát, Lào Cai (cũ))" in found.errors[0]
    assert "Y Tý (Huyện Trạm Tấu, Yên Bái (cũ))" in found.errors[0]
    # The office picks; or a heading names the old province.
    picked = plan([row], decision, terms=agreed, picks={2: y_ty_of_yen_bai.pk}).rows[0]
    assert (picked.action, picked.target["commune"]) == ("create", y_ty_of_yen_bai)
    for heading in ("B. TỈNH YÊN BÁI", "Yên Bái (cũ)"):
        (under,) = plan([[heading], row], decision, terms=agreed).rows
        assert (under.errors, under.target["commune"]) == ([], y_ty_of_yen_bai), heading


def test_a_decision_of_one_old_province_matches_its_xa_only(y_ty_of_yen_bai):
    row = [1, "Nguyễn Văn Thử", "Giám đốc", "Sở Tài chính", "Y Tý"]
    for issuer, meant in (
        ("UBND tỉnh Yên Bái", y_ty_of_yen_bai),
        ("UBND tỉnh Lào Cai", old("Y Tý", "Huyện Bát Xát")),
    ):
        decision = make_decision(issuer=issuer)
        result = plan([row], decision, terms=terms.resolve(decision, effective_on=BEFORE))
        assert (result.rows[0].errors, result.rows[0].target["commune"]) == ([], meant)
    # A district of the other old province is outside the decision: fixed in the file.
    (outside,) = plan([["HUYỆN TRẠM TẤU"], row], decision, terms=terms.resolve(
        decision, effective_on=BEFORE)).rows  # fmt: skip
    assert outside.choice is None
    assert "Huyện Trạm Tấu không thuộc Lào Cai (cũ), tỉnh của quyết định" in outside.errors[0]


def test_an_old_xa_of_the_other_province_is_named_where_it_is():
    decision = make_decision()  # UBND tỉnh Lào Cai, 2021–2025
    row = [1, "Nguyễn Văn Thử", "Giám đốc", "Sở Tài chính", "Tân Thịnh"]
    (found,) = plan([row], decision, terms=terms.resolve(decision, effective_on=BEFORE)).rows
    assert "Tân Thịnh" in found.errors[0]
    assert "Thành phố Yên Bái, Yên Bái (cũ)" in found.errors[0]
    assert "ngoài Lào Cai (cũ), tỉnh của quyết định" in found.errors[0]


def test_a_name_one_slip_from_two_communes_offers_both_first():
    reference = Reference()
    tran_yen = reference.scope(District.objects.get(name="Huyện Trấn Yên"))
    found = spelling.closest("Minh Quan", tran_yen)
    assert {c.name for c in found[:2]} == {"Minh Quán", "Minh Quân"}
    assert spelling.distance("Minh Quan", "Minh Quán") == spelling.distance(
        "Minh Quan", "Minh Quân"
    )


@in_late_2025
def test_the_decisions_own_annex_from_today_names_todays_units(decision, today):
    # The demo carried Decision 1599's pairs over to today's units on 01/07/2025.
    ended = Assignment.objects.get(decision=decision, commune=old("Bản Vược"))
    assert (ended.ended_on, ended.end_reason) == (D(2025, 6, 30), "reorganised")
    rows = [
        ["HUYỆN BÁT XÁT"],
        [1, "Người Mới Thử", "Giám đốc", "Sở Tài chính", "Y Tý"],
        [2, ended.leader.full_name, ended.leader.position, ended.leader.agency.name, "Bản Vược"],
    ]
    result = plan(rows, decision)  # effective today
    assert result.reference.map == Map.CURRENT
    y_ty, ban_vuoc = result.rows
    carried = Assignment.objects.active().get(commune=current("Y Tý"))
    assert (y_ty.action, y_ty.target["commune"], y_ty.target["current"]) == (
        "update", current("Y Tý"), carried,
    )  # fmt: skip
    assert ban_vuoc.errors == [
        "Dòng 4: Xã Bản Vược không còn từ 01/07/2025 (đã sáp nhập vào Xã Bát Xát). Phụ lục "
        "từ ngày này ghi đơn vị hiện nay: Xã Bát Xát."
    ]
    # The same file effective before 01/07/2025 is read on the old map.
    before = plan(rows, decision, terms=terms.resolve(decision, effective_on=BEFORE))
    assert before.reference.map == Map.OLD
    assert before.rows[0].target["commune"] == old("Y Tý")


def annex_after_the_reform():
    """An amending decision's annex of 15/09/2025, as offices type it: old district headings
    for orientation; a pair kept, a new one, an old xã's name, a misspelt unit."""
    kept = Assignment.objects.active().get(commune=current("Bát Xát"))
    free = (
        Commune.objects.in_programme(Map.CURRENT)
        .rural()
        .exclude(pk__in=Assignment.objects.active().values("commune"))
        .order_by("code")
        .first()
    )
    leader = kept.leader
    rows = [
        ["HUYỆN BÁT XÁT"],
        [1, leader.full_name, leader.position, leader.agency.name, "Xã Bát Xát"],
        [2, "Người Mới Thử", "Giám đốc", "Sở Tài chính", free.name],
        ["HUYỆN BẮC HÀ"],
        [3, "Người Khác Thử", "Giám đốc", "Sở Tài chính", "Bản Phố"],
        [4, "Người Thứ Ba", "Giám đốc", "Sở Tài chính", "Y Tí"],
    ]
    return workbook_bytes([HEADER, *rows]), free


@in_late_2025
def test_an_annex_after_the_reform_names_todays_units(decision, today):
    data, free = annex_after_the_reform()
    agreed = terms.resolve(decision, amendment=AMENDING)
    _batch, result = service.preview("annex", upload(data), decision, None, annex_terms=agreed)
    assert result.reference.map == Map.CURRENT
    rows = {row.row: row for row in result.rows}
    assert (rows[3].action, rows[3].commune, rows[3].district) == (
        "unchanged", "Xã Bát Xát", "Huyện Bát Xát",
    )  # fmt: skip
    assert (rows[4].action, rows[4].target["commune"], rows[4].starts) == (
        "create", free, D(2025, 9, 15),
    )  # fmt: skip
    # An old xã's name is refused, naming the unit it went into; no pick is offered.
    assert rows[6].choice is None
    assert rows[6].errors == [
        "Dòng 6: Xã Bản Phố không còn từ 01/07/2025 (đã sáp nhập vào Xã Bắc Hà). Phụ lục từ "
        "ngày này ghi đơn vị hiện nay: Xã Bắc Hà."
    ]
    # A misspelt unit is picked among today's units, whatever the heading above it.
    assert rows[7].choice.candidates[0] == current("Y Tý")
    assert rows[7].choice.district is None


@in_late_2025
def test_the_preview_after_the_reform_offers_todays_units(decision, office_client, today):
    data, _free = annex_after_the_reform()
    office_client.post(
        reverse("reports:import_annex"),
        {
            "decision": decision.pk,
            "source": "sua_doi",
            "amendment_number": AMENDING["number"],
            "amendment_issued_on": "15/09/2025",
            "amendment_title": AMENDING["title"],
            "file": upload(data),
        },
    )
    (batch,) = ImportBatch.objects.all()
    page = office_client.get(reverse("reports:import_preview", args=[batch.pk])).content.decode()
    assert "đơn vị hành chính từ 01/07/2025 (không còn cấp huyện" in page
    assert "Xã Bản Phố không còn từ 01/07/2025 (đã sáp nhập vào Xã Bắc Hà)" in page
    assert f'<option value="{current("Y Tý").pk}">Xã Y Tý</option>' in page
    assert '<optgroup label="Các đơn vị khác">' in page


def test_a_new_pair_on_a_unit_whose_old_xa_keep_theirs_says_so(decision, pairs_before_the_reform):
    bac_ha = current("Bắc Hà")
    rows = [[1, "Người Mới Thử", "Giám đốc", "Sở Tài chính", "Bắc Hà"]]
    (row,) = plan(rows, decision, terms=terms.resolve(decision, amendment=AMENDING)).rows
    assert (row.action, row.target["commune"]) == ("create", bac_ha)
    (note,) = [n for n in row.notes if "còn phân công đang hiệu lực" in n]
    assert "Bản Phố: " in note and "hãy chuyển tiếp hoặc kết thúc" in note


@in_late_2025
def test_the_command_names_the_scope_and_picks_todays_units(decision, tmp_path, today):
    data, _free = annex_after_the_reform()
    path = tmp_path / "phu-luc.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    with pytest.raises(CommandError, match="dòng 6"):
        call_command(
            "import_excel", "annex", str(path), "--decision", str(decision.pk),
            "--amendment-number", AMENDING["number"], "--amendment-date", "15/09/2025",
            "--amendment-title", AMENDING["title"], "--choose", f"7={current('Y Tý').code}",
            "--dry-run", stdout=out,
        )  # fmt: skip
    printed = out.getvalue()
    assert "đơn vị hành chính từ 01/07/2025" in printed
    assert "Y Tý" in printed and "xã đã chọn: “Y Tí” là xã Y Tý" in printed


def test_an_old_province_is_named_as_it_was():
    yen_bai = Province.objects.get(name="Tỉnh Yên Bái")
    reference = Reference(Map.OLD, province=yen_bai)
    assert reference.describe_scope() == (
        "Tên xã được so với 146 xã trước 01/07/2025 của Yên Bái (cũ), theo huyện."
    )
