"""Communes spelled as people spell them: picked once in the preview, then matched by alias."""

import pytest
from django.utils import timezone

from assignments.models import Assignment, Leader
from communes import text
from communes.models import Commune
from reports.imports import service
from reports.models import CommuneAlias, ImportBatch

from .import_workbooks import annex_rows_for, upload, workbook_bytes

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

BY_ALIAS = "khớp theo tên gọi khác đã chọn trước"


def commune(name, district=None):
    found = Commune.objects.in_programme().filter(name=name)
    return found.get(district__name=district) if district else found.get()


def current(*names):
    return [
        Assignment.objects.active()
        .select_related("leader__agency", "commune__district")
        .get(commune=commune(name))
        for name in names
    ]


def annex(spellings, names=("Sàng Ma Sáo", "Y Tý", "Dền Sáng", "Dền Thàng")):
    """An annex of the current pairs of Bát Xát's `names`, with {name: typed} spelt another way."""
    pairs = current(*names)
    typed = {a.commune_id: spellings[a.commune.name] for a in pairs if a.commune.name in spellings}
    return workbook_bytes(annex_rows_for(pairs, typed))


def rows(plan):
    return {row.commune if row.action != "error" else row.choice.typed: row for row in plan.rows}


def remembered(spelling, commune, district):
    """An alias as an earlier pick left it."""
    return CommuneAlias.objects.create(
        spelling=spelling,
        key=text.match_key(spelling),
        district=district,
        commune=commune,
        created_at=timezone.now(),
    )


def domain():
    return (Assignment.objects.count(), Assignment.history.count(), Leader.objects.count())


MISSPELT = {"Sàng Ma Sáo": "Xàng Ma Sáo", "Dền Sáng": "Rền Sáng"}


def test_a_misspelt_row_lists_its_district_candidates_closest_first(decision, office_user):
    _batch, plan = service.preview("annex", upload(annex(MISSPELT)), decision, office_user)
    assert (plan.errors, plan.unchanged, plan.rows_to_pick) == (2, 2, [6, 8])
    assert plan.only_picks_missing
    rden = rows(plan)["Rền Sáng"]
    assert [c.name for c in rden.choice.candidates][:2] == ["Dền Sáng", "Dền Thàng"]
    assert rden.choice.district.name == "Huyện Bát Xát"
    assert "không có xã “Rền Sáng” ở Huyện Bát Xát; gần giống: Dền Sáng" in rden.errors[0]
    assert [c.name for c in rows(plan)["Xàng Ma Sáo"].choice.candidates] == ["Sàng Ma Sáo"]


def test_a_confirm_leaving_a_row_unpicked_is_refused_and_writes_nothing(decision, office_user):
    batch, _plan = service.preview("annex", upload(annex(MISSPELT)), decision, office_user)
    before = domain()
    one = {6: commune("Sàng Ma Sáo").pk}
    with pytest.raises(service.ImportRefused, match=r"Chưa ghi gì: dòng 8 chưa chọn xã\."):
        service.apply(batch, office_user, picks=one)
    assert domain() == before
    assert not CommuneAlias.objects.exists()
    batch.refresh_from_db()
    assert batch.status == "previewed"


@pytest.mark.parametrize(
    "pick, message",
    [
        (
            ("Sa Pa", "Trung Chải"),
            "xã đã chọn (Trung Chải (Thị xã Sa Pa)) không thuộc Huyện Bát Xát",
        ),
        (("ward", None), "xã đã chọn không có trong danh sách xã của chương trình"),
        (("row 99", "Dền Sáng"), "Không có dòng phân công số 99 trong tệp"),
        (("row 7", "Dền Sáng"), "Dòng 7: tên “Y Tý” đã khớp đúng tên xã Y Tý (Huyện Bát Xát)"),
    ],
)
def test_a_pick_outside_the_rows_district_or_the_programme_is_refused(
    decision, office_user, pick, message
):
    batch, _plan = service.preview("annex", upload(annex(MISSPELT)), decision, office_user)
    picks = {6: commune("Sàng Ma Sáo").pk, 8: commune("Dền Sáng").pk}
    what, name = pick
    if what == "Sa Pa":
        picks[8] = commune(name).pk
    elif what == "ward":
        picks[8] = Commune.objects.filter(kind=Commune.Kind.WARD).first().pk
    else:
        picks[int(what.split()[1])] = commune(name).pk
    before = domain()
    with pytest.raises(
        service.ImportRefused, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        service.apply(batch, office_user, picks=picks)
    assert domain() == before
    assert not CommuneAlias.objects.exists()


def test_picks_are_applied_remembered_and_used_by_the_next_file(decision, office_user):
    data = annex(MISSPELT)
    batch, _plan = service.preview("annex", upload(data), decision, office_user)
    picks = {6: commune("Sàng Ma Sáo").pk, 8: commune("Dền Sáng").pk}
    plan = service.plan_for(batch, picks)
    assert (plan.errors, plan.unchanged) == (0, 4)
    assert rows(plan)["Sàng Ma Sáo"].matched_by == "pick"

    batch, done = service.apply(batch, office_user, picks=picks)
    assert done and batch.status == "applied"
    aliases = {a.spelling: a for a in CommuneAlias.objects.select_related("commune", "district")}
    assert set(aliases) == {"Xàng Ma Sáo", "Rền Sáng"}
    alias = aliases["Rền Sáng"]
    assert (alias.commune.name, alias.district.name, alias.key) == (
        "Dền Sáng",
        "Huyện Bát Xát",
        text.match_key("rền sáng"),
    )
    assert (alias.created_by, alias.batch) == (office_user, batch)
    assert batch.uploaded_at < alias.created_at <= batch.applied_at

    again, plan = service.preview("annex", upload(data), decision, office_user)
    assert (plan.errors, plan.unchanged, plan.rows_to_pick) == (0, 4, [])
    row = rows(plan)["Dền Sáng"]
    assert row.matched_by == "alias"
    assert f"{BY_ALIAS}: “Rền Sáng” là xã Dền Sáng" in row.notes
    assert service.apply(again, office_user)[1]
    assert CommuneAlias.objects.count() == 2  # nothing picked, nothing new remembered


def test_an_alias_applies_only_in_the_district_it_was_typed_under(decision, office_user):
    sang = commune("Sàng Ma Sáo")
    remembered("Xàng Ma Sáo", sang, sang.district)
    header = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]
    row = [1, "Nguyễn Văn Thử", "Giám đốc", "Sở Tài chính", "Xàng Ma Sáo"]
    elsewhere = workbook_bytes([header, ["HUYỆN VĂN BÀN"], row])
    _batch, plan = service.preview("annex", upload(elsewhere), decision, office_user)
    assert plan.rows_to_pick == [3]
    # A row without a district uses it: the spelling was picked for one commune only.
    _batch, plan = service.preview("annex", upload(workbook_bytes([header, row])), decision, None)
    assert (plan.rows[0].commune, plan.rows[0].matched_by) == ("Sàng Ma Sáo", "alias")


def test_an_alias_never_overrides_an_exact_name_and_two_aliases_apply_to_neither(
    decision, office_user
):
    y_ty, sang, den = commune("Y Tý"), commune("Sàng Ma Sáo"), commune("Dền Sáng")
    for spelling, target, district in (
        ("Y Tý", sang, sang.district),  # the exact name of another commune
        ("Dền Xáng", den, None),  # typed with no district, for Dền Sáng …
        ("Dền Xáng", sang, sang.district),  # … and under Bát Xát for Sàng Ma Sáo
    ):
        remembered(spelling, target, district)
    header = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]
    rows_ = [header, ["HUYỆN BÁT XÁT"], [1, "A B", "Giám đốc", "Sở Tài chính", "Y Tý"]]
    rows_.append([2, "C D", "Giám đốc", "Sở Tài chính", "Dền Xáng"])
    _batch, plan = service.preview("annex", upload(workbook_bytes(rows_)), decision, office_user)
    first, second = plan.rows
    assert (first.commune, first.matched_by) == (y_ty.name, "")
    assert second.action == "error" and second.choice.picked is None
    assert {c.name for c in second.choice.candidates[:2]} == {"Dền Sáng", "Sàng Ma Sáo"}
    assert "tên gọi khác của 2 xã" in second.errors[0]


def test_an_ambiguous_name_without_a_district_is_picked_and_remembered(decision, office_user):
    header = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]
    muong_khuong = commune("Thanh Bình", "Huyện Mường Khương")
    leader = Assignment.objects.active().get(commune=muong_khuong).leader
    row = [1, leader.full_name, leader.position, leader.agency.name, "Thanh Bình"]
    data = workbook_bytes([header, row])
    batch, plan = service.preview("annex", upload(data), decision, office_user)
    (only,) = plan.rows
    assert only.choice.district is None
    assert {c.district.name for c in only.choice.candidates[:2]} == {
        "Huyện Mường Khương",
        "Thị xã Sa Pa",
    }
    service.apply(batch, office_user, picks={2: muong_khuong.pk})
    alias = CommuneAlias.objects.get()
    assert (alias.district, alias.commune) == (None, muong_khuong)

    _again, plan = service.preview("annex", upload(data), decision, office_user)
    assert [(r.action, r.matched_by, r.district) for r in plan.rows] == [
        ("unchanged", "alias", "Huyện Mường Khương")
    ]
    # Under Sa Pa the name is exact: the alias of the other Thanh Bình stays out of it.
    sapa = workbook_bytes([header, ["THỊ XÃ SA PA"], row])
    _again, plan = service.preview("annex", upload(sapa), decision, office_user)
    assert (plan.rows[0].district, plan.rows[0].matched_by) == ("Thị xã Sa Pa", "")


def test_two_rows_picking_the_same_commune_are_still_one_row_too_many(decision, office_user):
    batch, _plan = service.preview("annex", upload(annex(MISSPELT)), decision, office_user)
    same = commune("Dền Thàng").pk
    plan = service.plan_for(batch, {6: commune("Sàng Ma Sáo").pk, 8: same})
    assert plan.error_rows == [9]
    assert "xã Dền Thàng đã có ở dòng 8" in plan.rows[-1].errors[0]
    with pytest.raises(service.ImportRefused, match="dòng 9"):
        service.apply(batch, office_user, picks={6: commune("Sàng Ma Sáo").pk, 8: same})
    assert ImportBatch.objects.get(pk=batch.pk).status == "previewed"
