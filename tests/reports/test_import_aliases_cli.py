"""`import_excel annex … --choose ROW=CODE`: the command line picks misspelt communes too."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assignments.models import Assignment, Decision
from communes.models import Commune
from reports.models import CommuneAlias, ImportBatch

from .import_workbooks import annex_rows_for, workbook_bytes

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

NAMES = ("Sàng Ma Sáo", "Y Tý", "Dền Sáng", "Dền Thàng")  # rows 6 to 9, under Bát Xát
MISSPELT = {"Sàng Ma Sáo": "Xàng Ma Sáo", "Dền Sáng": "Rền Sáng"}


def code(name):
    return Commune.objects.in_programme().get(name=name).code


@pytest.fixture
def annex_file(tmp_path):
    pairs = [
        Assignment.objects.active()
        .select_related("leader__agency", "commune")
        .get(commune__name=name, commune__district__name="Huyện Bát Xát")
        for name in NAMES
    ]
    typed = {a.commune_id: MISSPELT[a.commune.name] for a in pairs if a.commune.name in MISSPELT}
    path = tmp_path / "phu-luc.xlsx"
    path.write_bytes(workbook_bytes(annex_rows_for(pairs, typed)))
    return path, {a.commune.name: a for a in pairs}


def run(path, *options):
    out = io.StringIO()
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    call_command(
        "import_excel", "annex", str(path), "--decision", str(decision.pk), "--user", "vanphong",
        *options, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def state():
    return (
        ImportBatch.objects.count(),
        CommuneAlias.objects.count(),
        Assignment.objects.count(),
        Assignment.history.count(),
    )


def test_without_choices_the_command_names_the_rows_and_the_codes_to_choose(annex_file):
    path, _pairs = annex_file
    out = io.StringIO()
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    with pytest.raises(CommandError, match=r"còn 2 lỗi \(dòng 6, 8\)\. Chọn xã .* --choose"):
        call_command("import_excel", "annex", str(path), "--decision", str(decision.pk), stdout=out)
    printed = out.getvalue()
    assert "Dòng 6: không có xã “Xàng Ma Sáo” ở Huyện Bát Xát" in printed
    assert f"chọn xã bằng --choose 6=MÃ_XÃ; gần giống: 6={code('Sàng Ma Sáo')} (Sàng Ma Sáo, " in (
        printed
    )
    assert f"8={code('Dền Sáng')} (Dền Sáng, Huyện Bát Xát), 8={code('Dền Thàng')}" in printed
    assert not CommuneAlias.objects.exists()


def test_choose_picks_the_communes_prints_each_row_and_remembers_them(annex_file, office_user):
    path, pairs = annex_file
    printed = run(path, "--choose", f"6={code('Sàng Ma Sáo')}", "--choose", f"8={code('Dền Sáng')}")
    leader = pairs["Dền Sáng"].leader
    assert (
        f"Dòng    8  KHÔNG ĐỔI   Dền Sáng (Huyện Bát Xát): {leader.full_name}, {leader.position} "
        f"– {leader.agency.name}  (xã đã chọn: “Rền Sáng” là xã Dền Sáng (ghi nhớ cho các lần "
        "nhập sau))"
    ) in printed
    assert "Đã nhập (lần #" in printed
    batch = ImportBatch.objects.get()
    assert {
        (a.spelling, a.commune.name, a.created_by, a.batch) for a in CommuneAlias.objects.all()
    } == {
        ("Xàng Ma Sáo", "Sàng Ma Sáo", office_user, batch),
        ("Rền Sáng", "Dền Sáng", office_user, batch),
    }

    printed = run(path)
    assert printed.count("khớp theo tên gọi khác đã chọn trước") == 2
    assert "(khớp theo tên gọi khác đã chọn trước: “Xàng Ma Sáo” là xã Sàng Ma Sáo)" in printed
    assert "lỗi 0." in printed


@pytest.mark.parametrize(
    "choices, message",
    [
        (["6"], "--choose “6”: hãy ghi DÒNG=MÃ_XÃ, ví dụ --choose 12=02656."),
        (
            ["6=99999"],
            "--choose 6=99999: không có xã mã 99999 trong danh sách xã của chương trình.",
        ),
        (["99=SANG", "6=SANG", "8=DEN"], "Không có dòng phân công số 99 trong tệp."),
        (
            ["6=SANG", "8=TRUNG"],
            "Dòng 8: xã đã chọn (Trung Chải (Thị xã Sa Pa)) không thuộc Huyện Bát Xát, huyện "
            "ghi ở dòng này.",
        ),
        (["6=SANG", "8=DEN", "7=DEN"], "Dòng 7: tên “Y Tý” đã khớp đúng tên xã Y Tý"),
        (["6=SANG", "6=DEN"], "--choose: dòng 6 được chọn hai xã khác nhau."),
    ],
)
def test_bad_choices_are_refused_in_vietnamese_and_nothing_is_written(annex_file, choices, message):
    path, _pairs = annex_file
    codes = {"SANG": code("Sàng Ma Sáo"), "DEN": code("Dền Sáng"), "TRUNG": code("Trung Chải")}
    options = []
    for choice in choices:
        for name, value in codes.items():
            choice = choice.replace(name, value)
        options += ["--choose", choice]
    before = state()
    with pytest.raises(CommandError) as refused:
        run(path, *options)
    assert message in str(refused.value)
    assert str(refused.value).endswith("Không ghi gì.")
    assert state() == before


def test_choose_is_for_an_annex_only(tmp_path):
    path = tmp_path / "tieu-chi.xlsx"
    path.write_bytes(workbook_bytes([["x"]]))
    with pytest.raises(CommandError, match="--choose chỉ dùng khi nhập phụ lục"):
        call_command("import_excel", "matrix", str(path), "--year", "2025", "--choose", "6=1")
