"""`manage.py import_excel indicators|groups`: the criteria set's indicators and the period's
commune groups from the command line, through the same service as the pages (preview, then one
transaction; a row error or --dry-run writes nothing), and a file of another kind refused with
one sentence naming what it is (kinds.py)."""

import contextlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assignments.models import Decision
from communes import grouping
from communes.models import CommuneGroup, CriteriaSet, Indicator
from reports import exporters
from reports.imports import service
from reports.imports.files import ImportFileError
from reports.models import ImportBatch
from tests.support.grouping import current_units, period_2026, record, small_2026_set

from .criteria_set_workbooks import book, good_rows, grouped_set, lock, requirements, row
from .import_workbooks import downloaded, upload, workbook_bytes

pytestmark = pytest.mark.django_db
GROUPS_HEADER = ["STT", "Mã xã", "Tên xã", "Nhóm", "Căn cứ"]
BASIS = "khu vực III theo Quyết định 2752/QĐ-UBND ngày 31/12/2025"
NOT_GROUPS = "không phải danh sách xếp nhóm xã: cần các cột Tên xã (hoặc Mã xã), Nhóm và Căn cứ."
NOT_ANNEX = "không phải phụ lục phân công: cần các cột Họ và tên, Chức vụ, Cơ quan, Xã."


def command(*args, path):
    """The command's output; CommandError (exit status 1) when it refuses."""
    out = io.StringIO()
    call_command("import_excel", *args[:1], str(path), *args[1:], stdout=out)
    return out.getvalue()


def refused(*args, path):
    with pytest.raises(CommandError) as error:
        command(*args, path=path)
    assert error.value.returncode == 1  # what the shell sees
    return str(error.value)


def written(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def groups_file(*rows):
    return workbook_bytes(
        [["DANH SÁCH XẾP NHÓM XÃ GIAI ĐOẠN 2026–2030"], [], GROUPS_HEADER, *rows], title="Nhom xa"
    )


def groups_of(units):
    return dict(
        CommuneGroup.objects.filter(commune__in=units).values_list("commune__code", "number")
    )


def indicator_codes(criteria_set):
    return sorted(
        Indicator.objects.filter(criterion__criteria_set=criteria_set).values_list(
            "code", flat=True
        )
    )


# --- indicators ------------------------------------------------------------------------


@pytest.fixture
def criteria_set(db):
    return grouped_set()


def test_indicators_dry_run_prints_the_preview_and_writes_nothing(criteria_set, tmp_path):
    path = written(tmp_path, book(good_rows()), "chi-tieu.xlsx")

    out = command("indicators", "--set", criteria_set.code, "--dry-run", path=path)

    assert f"Chỉ tiêu của bộ tiêu chí – {criteria_set}" in out
    assert f"Tệp thay toàn bộ chỉ tiêu của “{criteria_set}”." in out
    assert "Thêm mới 4, cập nhật 0, không đổi 0, lỗi 0." in out
    assert (
        "Dòng    7  THÊM MỚI    Chỉ tiêu 2.1 Tỷ lệ km đường xã được cứng hóa (%): "
        "nhóm 1: 100% (≥ 100); nhóm 2: ≥ 90% (≥ 90); nhóm 3: ≥ 70% (≥ 70)"
    ) in out
    assert "Chạy thử (--dry-run): không ghi gì." in out
    assert indicator_codes(criteria_set) == []
    assert ImportBatch.objects.get().status == ImportBatch.Status.CANCELLED


def test_indicators_good_file_replaces_the_sets_indicators(criteria_set, tmp_path, office_user):
    path = written(tmp_path, book(good_rows()), "chi-tieu.xlsx")
    out = command("indicators", "--set", criteria_set.code, "--user", "vanphong", path=path)
    assert "Đã nhập (lần #" in out and "4 thêm mới, 0 cập nhật, 0 không đổi." in out
    assert indicator_codes(criteria_set) == ["1.1", "2.1", "2.2", "3.1"]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.criteria_set, batch.applied_by) == (
        ImportBatch.Status.APPLIED,
        criteria_set,
        office_user,
    )

    # Again without 2.2 and with 2.1 changed for group 2: the preview says what goes.
    changed = row(2, "2.1", "Tỷ lệ km đường xã được cứng hóa", "%",
                  ("100%", "≥", 100), ("≥ 95%", "≥", 95), ("≥ 70%", "≥", 70))  # fmt: skip
    rows = good_rows(replace={2: changed})
    del rows[-2]
    path = written(tmp_path, book(rows), "chi-tieu-2.xlsx")
    out = command("indicators", "--set", criteria_set.code, path=path)
    assert "1 chỉ tiêu của bộ không có trong tệp sẽ bị xoá (2.2)." in out
    assert "Thêm mới 0, cập nhật 2 (gồm 1 chỉ tiêu bị xoá), không đổi 2, lỗi 0." in out
    assert "[thay đổi: yêu cầu nhóm 2]" in out
    assert "Dòng    –  XOÁ         Chỉ tiêu 2.2 Tỷ lệ hộ sử dụng điện an toàn" in out
    assert indicator_codes(criteria_set) == ["1.1", "2.1", "3.1"]


def test_indicators_bad_rows_exit_non_zero_with_each_error_and_nothing_written(
    criteria_set, tmp_path
):
    good = book(good_rows())
    command("indicators", "--set", criteria_set.code, path=written(tmp_path, good, "a.xlsx"))
    before = requirements(criteria_set)
    bad = good_rows(
        replace={3: row(2, "2.1", "Tỷ lệ hộ sử dụng điện an toàn", "%")},  # 2.1 twice
        extra=[row(3, "2.5", "Chỉ tiêu ghi nhầm tiêu chí", None)],
    )
    path = written(tmp_path, book(bad), "b.xlsx")
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"Không ghi gì: còn 2 lỗi \(dòng 8, 10\)") as error:
        call_command("import_excel", "indicators", str(path), "--set", criteria_set.code,
                     stdout=out)  # fmt: skip
    assert error.value.returncode == 1
    assert "Dòng 8: số chỉ tiêu 2.1 đã có ở dòng 7." in out.getvalue()
    assert "Dòng 10: số chỉ tiêu 2.5 không bắt đầu bằng số tiêu chí 3 của dòng." in out.getvalue()
    assert requirements(criteria_set) == before
    assert ImportBatch.objects.latest("pk").status == ImportBatch.Status.CANCELLED


def test_indicators_of_a_locked_set_are_refused_with_the_way_out(criteria_set, tmp_path):
    lock(criteria_set)
    path = written(tmp_path, book(good_rows()), "chi-tieu.xlsx")
    message = refused("indicators", "--set", criteria_set.code, path=path)
    assert "đã có kết quả được duyệt" in message and "Tạo phiên bản mới" in message
    assert message.endswith("Không ghi gì.")
    assert indicator_codes(criteria_set) == []


def test_indicators_go_to_the_set_of_this_year_by_default(tmp_path, today):
    path = written(tmp_path, book(good_rows()), "chi-tieu.xlsx")
    # The demo has approved results against that set: refused, but its batch names the set.
    with contextlib.suppress(CommandError):
        command("indicators", "--dry-run", path=path)
    assert ImportBatch.objects.get().criteria_set == CriteriaSet.objects.for_year(today.year)


def test_an_unknown_set_code_names_the_codes_there_are(criteria_set, tmp_path):
    path = written(tmp_path, book(good_rows()), "chi-tieu.xlsx")
    message = refused("indicators", "--set", "khong-co", path=path)
    assert message.startswith("Không có bộ tiêu chí mã “khong-co” (các mã: ")
    assert criteria_set.code in message
    assert not ImportBatch.objects.exists()


# --- groups ----------------------------------------------------------------------------


@pytest.fixture
def units():
    return current_units(3)


def test_groups_dry_run_prints_before_and_after_and_writes_nothing(units, tmp_path, today):
    a, b, c = units
    grouping.set_groups({c: (2, "cũ")}, period_2026())
    path = written(
        tmp_path,
        groups_file(
            [1, a.code, a.name, 3, BASIS],
            [2, b.code, b.name, None, None],
            [3, c.code, c.name, "Nhóm 3", "khu vực III"],
        ),  # fmt: skip
        "nhom-xa.xlsx",
    )

    out = command("groups", "--dry-run", path=path)  # today's period: 2026–2030

    assert "Lần nhập #" in out and "Nhóm xã – giai đoạn 2026–2030" in out
    assert "1 dòng để trống Nhóm: giữ nguyên nhóm đang có." in out
    assert "Thêm mới 1, cập nhật 1, không đổi 0, lỗi 0." in out
    assert f"(mã {a.code}): chưa xếp nhóm → Nhóm 3 – căn cứ {BASIS}" in out
    assert f"(mã {c.code}): Nhóm 2 – căn cứ cũ → Nhóm 3 – căn cứ khu vực III" in out
    assert "Chạy thử (--dry-run): không ghi gì." in out
    assert groups_of(units) == {c.code: 2}
    assert ImportBatch.objects.get().year == 2026


def test_groups_good_file_sets_the_groups_and_prints_the_re_evaluation(units, tmp_path):
    a, b, _c = units
    small = small_2026_set()
    record(a, small.indicators, i2_1=80)  # met in group 3 (≥ 70), not in group 1 (≥ 100)
    grouping.set_groups({a: (3, "cũ")}, period_2026())
    path = written(
        tmp_path,
        groups_file([1, a.code, a.name, 1, BASIS], [2, b.code, b.name, 2, BASIS]),
        "nhom-xa.xlsx",
    )

    out = command("groups", "--period", "2026-2030", "--user", "vanphong", path=path)

    assert "1 thêm mới, 1 cập nhật, 0 không đổi." in out
    assert "Nhóm xã giai đoạn 2026–2030: 1 xếp mới, 1 thay đổi, 0 không đổi." in out
    assert groups_of([a, b]) == {a.code: 1, b.code: 2}
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.APPLIED and batch.message in out


def test_groups_bad_rows_exit_non_zero_with_each_error_and_nothing_written(units, tmp_path):
    a, b, c = units
    path = written(
        tmp_path,
        groups_file([1, a.code, a.name, 2, BASIS], [2, b.code, b.name, 4, BASIS],
                    [3, None, "Không Có Xã Này", 1, BASIS], [4, a.code, a.name, 1, ""]),
        "nhom-xa.xlsx",
    )  # fmt: skip
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"Không ghi gì: còn 3 lỗi \(dòng 5, 6, 7\)") as error:
        call_command("import_excel", "groups", str(path), stdout=out)
    assert error.value.returncode == 1
    assert "Dòng 5: nhóm “4” không có: chỉ có nhóm 1, 2, 3." in out.getvalue()
    assert "Dòng 6: không có đơn vị tên “Không Có Xã Này”" in out.getvalue()
    assert "Dòng 7: " in out.getvalue() and "đã có ở dòng 4." in out.getvalue()
    assert groups_of(units) == {}
    assert ImportBatch.objects.get().status == ImportBatch.Status.CANCELLED


@pytest.mark.parametrize(
    "code, message",
    [
        ("2021-2025", "Giai đoạn 2021–2025 không chia nhóm xã; chỉ nhập nhóm xã cho giai đoạn "
                      "2026-2030."),
        ("2031-2035", "Không có giai đoạn mã “2031-2035” (giai đoạn chia nhóm xã: 2026-2030)."),
    ],
)  # fmt: skip
def test_groups_of_a_period_without_groups_are_refused(units, tmp_path, code, message):
    a = units[0]
    path = written(tmp_path, groups_file([1, a.code, a.name, 1, BASIS]), "nhom-xa.xlsx")
    assert refused("groups", "--period", code, path=path) == message
    assert groups_of(units) == {} and not ImportBatch.objects.exists()


def test_an_option_of_another_kind_is_refused(criteria_set, tmp_path):
    path = written(tmp_path, groups_file(), "nhom-xa.xlsx")
    assert refused("groups", "--set", criteria_set.code, path=path) == (
        "Tuỳ chọn --set chỉ dùng khi nhập indicators (Chỉ tiêu của bộ tiêu chí)."
    )
    assert refused("indicators", "--period", "2026-2030", path=path) == (
        "Tuỳ chọn --period chỉ dùng khi nhập groups (Nhóm xã)."
    )
    assert refused("groups", "--year", "2026", path=path) == (
        "Tuỳ chọn --year chỉ dùng khi nhập matrix (Bảng tiêu chí)."
    )


# --- a file of another kind (kinds.py) --------------------------------------------------


def test_a_groups_workbook_given_as_an_annex_is_named_for_what_it_is(office_client, tmp_path):
    data = downloaded(office_client, reverse("reports:import_template", args=["nhom-xa"]))
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    path = written(tmp_path, data, "phu-luc.xlsx")
    message = refused("annex", "--decision", str(decision.pk), path=path)
    assert message == (
        "Tệp này là danh sách xếp nhóm xã (trang “Nhom xa”: cột Tên xã, Nhóm, Căn cứ), "
        f"{NOT_ANNEX} Không ghi gì."
    )


def test_an_indicators_workbook_given_as_an_annex_or_as_groups_is_named(
    criteria_set, office_user, tmp_path
):
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    named = (
        "Tệp này là bảng chỉ tiêu của bộ tiêu chí (trang “Chi tieu”: cột Số chỉ tiêu, Nội dung "
        "chỉ tiêu, Yêu cầu nhóm 1, So sánh nhóm 1 …), "
    )
    with pytest.raises(ImportFileError) as error:
        service.preview("annex", upload(book(good_rows())), decision, office_user)
    assert str(error.value) == named + NOT_ANNEX
    path = written(tmp_path, book(good_rows()), "nhom-xa.xlsx")
    assert refused("groups", path=path) == named + NOT_GROUPS + " Không ghi gì."


def test_an_annex_given_as_groups_is_named(units, tmp_path):
    annex = workbook_bytes(
        [["PHỤ LỤC"], ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"],
         [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", units[0].name]]
    )  # fmt: skip
    message = refused("groups", path=written(tmp_path, annex, "nhom-xa.xlsx"))
    assert message.startswith(
        "Tệp này là phụ lục phân công lãnh đạo giúp đỡ xã (trang “Phu luc”: cột Họ và tên, "
        "Chức vụ, Cơ quan, Xã), "
    )
    assert message.endswith(NOT_GROUPS + " Không ghi gì.")


def test_the_2026_criteria_matrix_given_as_groups_is_refused_not_read_as_groups(
    office_client, office_user, today
):
    data = downloaded(office_client, exporters.get("matrix").download_url(), {"year": 2026})
    groups_before = CommuneGroup.objects.count()
    with pytest.raises(ImportFileError) as error:
        service.preview("groups", upload(data, "nhom-xa.xlsx"), 2026, office_user)
    message = str(error.value)
    assert message.startswith("Tệp này là bảng kết quả thực hiện bộ tiêu chí (trang “Tieu chi")
    assert message.endswith(NOT_GROUPS)
    assert CommuneGroup.objects.count() == groups_before


def test_a_groups_file_with_a_few_more_columns_is_still_read(units, office_user):
    a = units[0]
    data = workbook_bytes(
        [["STT", "Mã xã", "Tên xã", "Nhóm", "Căn cứ", "Ghi chú", "Số điện thoại"],
         [1, a.code, a.name, 2, BASIS, "đã họp", "0912000000"]],
        title="Nhom",
    )  # fmt: skip
    _batch, plan = service.preview("groups", upload(data), 2026, office_user)
    assert (plan.created, plan.errors) == (1, 0)
