"""A workbook of another kind uploaded as an annex is refused at its header with one sentence
naming what it is and what an annex needs; nothing is written. Files are made by the portal's
own exporters, as the office downloads them."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from assignments.models import Agency, Assignment, Leader
from reports import exporters
from reports.imports import service, terms
from reports.imports.files import ImportFileError
from reports.models import ImportBatch

from .import_workbooks import downloaded, save, upload, workbook_bytes

pytestmark = pytest.mark.django_db

EXPECTED = "không phải phụ lục phân công: cần các cột Họ và tên, Chức vụ, Cơ quan, Xã."
# (how to download it, what the sentence calls it, the sheet and columns it names)
OTHER_FILES = {
    "visit log": (
        lambda: (exporters.get("visits").download_url(), {}),
        "Tệp này là nhật ký chuyến công tác (trang “Chuyến công tác”: cột Ngày, "
        "Lãnh đạo trực tiếp đi, Trạng thái, Mục đích …), ",
    ),
    "criteria matrix": (
        lambda: (exporters.get("matrix").download_url(), {"year": 2025}),
        "Tệp này là bảng kết quả thực hiện bộ tiêu chí (trang “Tieu chi 2025”: cột Mã xã, "
        "TC1, TC2, TC3 …), ",
    ),
    "blank criteria matrix": (
        lambda: (reverse("reports:import_template", args=["tieu-chi"]), {"year": 2025}),
        "Tệp này là bảng kết quả thực hiện bộ tiêu chí",
    ),
    "periodic report": (
        lambda: (exporters.get("periodic").download_url(), {"period": "2025"}),
        "Tệp này là báo cáo định kỳ kết quả giúp đỡ các xã (trang “Chi tiết theo xã”: cột "
        "Chuyến công tác, Hỗ trợ quy ra tiền (đồng), Kiến nghị, Tổng số …), ",
    ),
    "communes list": (
        lambda: (reverse("reports:commune_list"), {"export": "xlsx"}),
        "Tệp này là danh sách xã tải từ trang Danh sách xã (trang “Danh sách xã”: cột Loại, "
        # (the latest year with results: 2026 in the demo)
        "Mức cao nhất (đơn vị và xã cũ), Số tiêu chí đạt (2026), Lần đi cơ sở gần nhất), ",
    ),
    "assignments list": (
        lambda: (reverse("assignments:assignment_list"), {"export": "xlsx"}),
        "Tệp này là danh sách phân công tải từ trang Phân công (trang “Phân công lãnh đạo "
        "giúp đỡ xã”: cột Quyết định, Trạng thái, Chuyến năm nay, Lần đi gần nhất …), ",
    ),
    "visits list": (
        lambda: (reverse("assignments:visit_list"), {"export": "xlsx"}),
        "Tệp này là danh sách chuyến công tác tải từ trang Chuyến công tác (trang “Chuyến "
        "công tác”: cột Ngày, Lãnh đạo đi, Trạng thái, Khoản hỗ trợ …), ",
    ),
}


def counts():
    return (Assignment.objects.count(), Leader.objects.count(), Agency.objects.count())


@pytest.mark.parametrize("case", OTHER_FILES, ids=list(OTHER_FILES))
def test_a_file_of_another_kind_is_refused_with_one_sentence_and_nothing_written(
    case, decision, office_client, office_user, today
):
    where, found = OTHER_FILES[case]
    data = downloaded(office_client, *where())
    before = counts()
    with pytest.raises(ImportFileError) as refused:
        service.preview("annex", upload(data, "phu-luc-1599.xlsx"), decision, office_user)
    message = str(refused.value)
    assert message.startswith(found) and message.endswith(EXPECTED), message
    assert message.count(".") == 1  # one sentence, not a row error each
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.message, batch.stored_file.name) == ("failed", message, "")
    assert counts() == before


def test_the_upload_page_shows_the_sentence_and_keeps_nothing(decision, office_client, today):
    data = downloaded(office_client, exporters.get("visits").download_url())
    response = office_client.post(
        reverse("reports:import_annex"),
        {"decision": decision.pk, "file": upload(data, "phu-luc.xlsx")},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tệp này là nhật ký chuyến công tác" in page and "Dòng " not in page
    assert not ImportBatch.objects.exclude(status="failed").exists()


def test_the_portals_own_annex_and_an_annex_with_extra_columns_are_not_refused(
    decision, office_client, office_user, pairs_before_the_reform
):
    url = exporters.get("annex").download_url()
    data = downloaded(office_client, url, {"decision": decision.pk, "map": "old"})
    # Read as the 2021–2025 annex it is: its pairs (and a new one) before 01/07/2025.
    agreed = terms.resolve(decision, effective_on=datetime.date(2025, 5, 5))
    _batch, plan = service.preview("annex", upload(data), decision, office_user, annex_terms=agreed)
    assert [row.errors for row in plan.rows if row.errors] == []
    assert (plan.errors, plan.unchanged) == (0, 126)
    extra = workbook_bytes(
        [
            [
                "STT",
                "Họ và tên",
                "Ngày sinh",
                "Chức vụ",
                "Cơ quan",
                "Xã",
                "Số điện thoại",
                "Ngày nhận nhiệm vụ",
                "Ghi chú",
            ],
            [
                1,
                "Nguyễn Văn An",
                "01/01/1970",
                "Giám đốc",
                "Sở Tài chính",
                "Bản Vược",
                "0912000000",
                "01/01/2021",
                "Tổ trưởng",
            ],
        ]  # fmt: skip
    )
    _batch, plan = service.preview(
        "annex", upload(extra), decision, office_user, annex_terms=agreed
    )
    assert (plan.errors, len(plan.rows)) == (0, 1)


def test_an_annex_sheet_after_a_sheet_of_another_kind_is_read(decision, office_client, office_user):
    book = openpyxl.load_workbook(
        io.BytesIO(downloaded(office_client, exporters.get("visits").download_url()))
    )
    sheet = book.create_sheet("Phụ lục")
    for values in [
        ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"],
        ["I. HUYỆN BÁT XÁT"],
        [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Vược"],
    ]:
        sheet.append(values)
    _batch, plan = service.preview("annex", upload(save(book)), decision, office_user)
    assert [(row.commune, row.leader) for row in plan.rows] == [("Bản Vược", "Nguyễn Văn An")]


def test_a_workbook_with_no_recognisable_header_keeps_the_header_message(decision, office_user):
    data = workbook_bytes([["Danh sách"], ["Tên", "Tuổi"], ["Nguyễn Văn An", 50]])
    with pytest.raises(ImportFileError) as refused:
        service.preview("annex", upload(data), decision, office_user)
    assert str(refused.value) == (
        "Không tìm thấy dòng tiêu đề: cần các cột Họ và tên, Chức vụ, Cơ quan, Xã."
    )


def test_an_office_typed_visit_log_is_recognised_by_its_columns(decision, office_user):
    data = workbook_bytes(
        [
            ["SỔ THEO DÕI ĐI CƠ SỞ"],
            ["STT", "Ngày đi", "Xã", "Lãnh đạo", "Cơ quan", "Nội dung làm việc", "Kết quả"],
            [1, "12/03/2025", "Bản Vược", "Nguyễn Văn An", "Sở Tài chính", "Khảo sát", "Tốt"],
        ]
    )
    with pytest.raises(ImportFileError, match="^Tệp này là nhật ký chuyến công tác .*Ngày đi"):
        service.preview("annex", upload(data), decision, office_user)


@pytest.mark.usefixtures("before_the_reform")
def test_an_annex_with_two_columns_a_list_also_has_is_still_an_annex(decision, office_user):
    # An amending decision's annex: which decision and what happens to the pair.
    data = workbook_bytes(
        [
            ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã", "Quyết định", "Trạng thái"],
            [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Vược", "1599", "Thay thế"],
        ]
    )
    _batch, plan = service.preview("annex", upload(data), decision, office_user)
    assert [(row.commune, row.errors) for row in plan.rows] == [("Bản Vược", [])]
