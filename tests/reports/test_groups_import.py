"""Commune groups from Excel: upload → preview (group before → after, an error per bad row)
→ confirm (one transaction, the re-evaluation report kept on the batch), and the template."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from communes import grouping
from communes.models import Commune, CommuneGroup, Map
from reports.imports import service
from reports.imports.files import ImportFileError
from reports.imports.groups import group_number
from reports.models import ImportBatch
from tests.support.grouping import current_units, period_2026, record, small_2026_set

from .import_workbooks import upload, workbook_bytes

pytestmark = pytest.mark.django_db
HEADER = ["STT", "Mã xã", "Tên xã", "Nhóm", "Căn cứ"]
BASIS = "khu vực III theo Quyết định 2752/QĐ-UBND ngày 31/12/2025"


def groups_file(*rows):
    return workbook_bytes(
        [["DANH SÁCH XẾP NHÓM XÃ GIAI ĐOẠN 2026–2030"], [], HEADER, *rows], title="Nhom xa"
    )


def preview(data, user):
    return service.preview(ImportBatch.Kind.GROUPS, upload(data, "nhom-xa.xlsx"), 2026, user)


@pytest.fixture
def units():
    return current_units(4)


@pytest.mark.parametrize(
    "value, number",
    [(2, 2), (2.0, 2), ("2", 2), ("Nhóm 2", 2), ("nhóm 3", 3), ("NHÓM 1", 1), ("II", None)],
)
def test_a_group_is_read_as_the_office_types_it(value, number):
    assert group_number(value) == number


def test_good_rows_preview_then_confirm_and_write_every_group(units, office_user):
    a, b, c, d = units
    grouping.set_groups({c: (2, "cũ"), d: (1, BASIS)}, period_2026())
    data = groups_file(
        [1, a.code, a.name, 3, BASIS],  # code and name
        [2, None, f"xã {b.name.upper()}", "Nhóm 2", ""],  # name only, any case and prefix
        [3, c.code, None, "nhóm 3", "khu vực III"],  # code only: 2 → 3
        [4, d.code, d.name, 1, BASIS],  # as it is
    )

    batch, plan = preview(data, office_user)

    assert (plan.created, plan.updated, plan.unchanged, plan.errors) == (2, 1, 1, 0)
    rows = {row.row: row for row in plan.rows}
    assert (rows[6].previous, rows[6].target["after"]) == (
        "Nhóm 2 – căn cứ cũ",
        "Nhóm 3 – căn cứ khu vực III",
    )
    assert not CommuneGroup.objects.filter(commune__in=[a, b]).exists()  # preview writes nothing

    batch, written = service.apply(batch, office_user)

    assert written and batch.status == ImportBatch.Status.APPLIED
    groups = dict(
        CommuneGroup.objects.filter(commune__in=units).values_list("commune__code", "number")
    )
    assert groups == {a.code: 3, b.code: 2, c.code: 3, d.code: 1}
    group = CommuneGroup.objects.get(commune=a)
    record_ = group.history.get()
    assert record_.history_user == office_user
    assert f"#{batch.pk}" in record_.history_change_reason
    assert batch.message.splitlines()[0] == (
        "Nhóm xã giai đoạn 2026–2030: 2 xếp mới, 1 thay đổi, 1 không đổi."
    )


def test_bad_rows_are_each_an_error_and_nothing_is_written(units, office_user):
    a, b, c, _d = units
    ban_vuoc = Commune.objects.in_programme(Map.OLD).get(name="Bản Vược")
    data = groups_file(
        [1, a.code, a.name, 2, ""],
        [2, None, "Xã Không Có Thật", 1, ""],  # unknown
        [3, b.code, b.name, 4, ""],  # group not 1–3
        [4, None, a.name, 3, ""],  # the same commune again
        [5, ban_vuoc.code, "Bản Vược", 3, ""],  # ceased
        [6, "99999", c.name, 1, ""],  # unknown code
        [7, c.code, "Tên Khác", 1, ""],  # code and name disagree
        [8, None, c.name, None, "có căn cứ mà chưa ghi nhóm"],
    )

    batch, plan = preview(data, office_user)

    errors = {row.row: row.errors for row in plan.rows if row.errors}
    assert errors == {
        5: ["Dòng 5: không có đơn vị tên “Xã Không Có Thật” trong danh sách giai đoạn 2026–2030."],
        6: ["Dòng 6: nhóm “4” không có: chỉ có nhóm 1, 2, 3."],
        7: [f"Dòng 7: Xã {a.name} đã có ở dòng 4."],
        8: [
            "Dòng 8: Xã Bản Vược không còn từ 01/07/2025 (đã sáp nhập vào Xã Bát Xát). "
            "Hãy xếp nhóm cho Xã Bát Xát."
        ],
        9: ["Dòng 9: không có đơn vị mã 99999 trong danh sách giai đoạn 2026–2030."],
        10: [f"Dòng 10: mã {c.code} là Xã {c.name}, nhưng dòng ghi “Tên Khác”."],
        11: ["Dòng 11: chưa ghi nhóm."],
    }
    with pytest.raises(service.ImportRefused, match="Chưa ghi gì: còn 7 dòng lỗi"):
        service.apply(batch, office_user)
    assert not CommuneGroup.objects.filter(commune__in=units).exists()


def test_a_name_of_two_units_is_never_guessed(units, office_user):
    twin = Commune.objects.get(pk=units[1].pk)
    twin.name = units[0].name  # two units of today named alike
    twin.save()

    _batch, plan = preview(groups_file([1, None, units[0].name, 2, ""]), office_user)

    (row,) = plan.rows
    assert row.errors == [
        f"Dòng 4: có 2 đơn vị tên “{units[0].name}”: Xã {units[0].name} (mã {units[0].code}), "
        f"Xã {twin.name} (mã {twin.code}); hãy ghi mã xã để chọn một."
    ]


def test_rows_left_without_a_group_change_nothing(units, office_user):
    _batch, plan = preview(
        groups_file([1, units[0].code, units[0].name, None, None], [2, None, units[1].name, 1, ""]),
        office_user,
    )

    assert (plan.created, plan.errors, plan.extra["blank"]) == (1, 0, 1)


def test_a_file_without_the_columns_is_refused(office_user):
    with pytest.raises(ImportFileError, match="cần cột Tên xã"):
        preview(workbook_bytes([["Tên xã", "Ghi chú"], ["Bát Xát", "x"]]), office_user)


def test_confirming_reports_the_re_evaluated_criteria(units, office_user):
    indicators = small_2026_set()
    record(units[0], indicators.indicators, i2_1=80, i2_2=True, i3_1=55)
    grouping.set_groups({units[0]: (3, BASIS)}, period_2026())
    batch, _plan = preview(
        groups_file([1, units[0].code, units[0].name, 2, "khu vực II"]), office_user
    )

    service.apply(batch, office_user)

    assert batch.__class__.objects.get(pk=batch.pk).message.splitlines()[1:] == [
        f"Xã {units[0].name}: nhóm 3 → nhóm 2",
        "Năm 2026 – Tiêu chí 2 Hạ tầng kinh tế – xã hội: đạt → chưa đạt",
        "Năm 2026 – Tiêu chí 3 Phát triển kinh tế nông thôn: đạt → chưa đạt",
    ]


def test_the_pages_upload_preview_confirm_and_show_the_report(units, office_client):
    data = groups_file([1, units[0].code, units[0].name, 3, BASIS])

    response = office_client.post(
        reverse("reports:import_groups"),
        {"period": "2026-2030", "file": upload(data, "nhom-xa.xlsx")},
    )
    batch = ImportBatch.objects.get(kind=ImportBatch.Kind.GROUPS)
    assert response.status_code == 302
    page = office_client.get(reverse("reports:import_preview", args=[batch.pk])).content.decode()
    assert "Chưa xếp nhóm" in page and f"Nhóm 3 – căn cứ {BASIS}" in page

    office_client.post(reverse("reports:import_preview", args=[batch.pk]), {"action": "confirm"})

    page = office_client.get(reverse("reports:import_preview", args=[batch.pk])).content.decode()
    assert "Nhóm xã giai đoạn 2026–2030: 1 xếp mới, 0 thay đổi, 0 không đổi." in page
    assert f"Xã {units[0].name}: xếp Nhóm 3 – căn cứ {BASIS}" in page
    assert CommuneGroup.objects.get(commune=units[0]).number == 3


def test_the_template_lists_the_periods_units_and_reads_back_unchanged(
    office_client, office_user, today
):
    # Without ?giai-doan=: the period of today (18/11/2026), 2026–2030.
    response = office_client.get(reverse("reports:import_template", args=["nhom-xa"]))

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    codes = {row[1] for row in sheet.iter_rows(values_only=True) if row[1] and row[1].isdigit()}
    assert codes == set(grouping.programme_communes(period_2026()).values_list("code", flat=True))
    with pytest.raises(ImportFileError, match="không có dòng nào ghi nhóm"):
        preview(response.content, office_user)


def test_the_template_of_a_period_without_groups_is_not_found(office_client):
    url = reverse("reports:import_template", args=["nhom-xa"]) + "?giai-doan=2021-2025"

    assert office_client.get(url).status_code == 404


def test_a_template_downloaded_in_english_goes_back_in_as_it_came_out(
    office_client, office_user, today
):
    # The importers read Vietnamese headers and unit names, whatever the interface's language.
    office_client.cookies["django_language"] = "en"
    response = office_client.get(reverse("reports:import_template", args=["nhom-xa"]))

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    header = next(row for row in rows if "Mã xã" in row)
    assert {"Tên xã", "Nhóm", "Căn cứ"} <= set(header)
    assert not any("Commune" in str(cell) for row in rows for cell in row if cell)
    with translation.override("vi"), pytest.raises(ImportFileError, match="không có dòng nào"):
        preview(response.content, office_user)


def test_the_upload_page_speaks_the_language_of_the_request(office_client):
    # The file field's help is worded per request: it was once worded when the module loaded.
    office_client.cookies["django_language"] = "en"
    english = office_client.get(reverse("reports:import_groups")).content.decode()
    office_client.cookies["django_language"] = "vi"
    vietnamese = office_client.get(reverse("reports:import_groups")).content.decode()

    assert "Nothing is saved until you confirm." in english
    assert "Chưa có gì được ghi cho đến khi bạn xác nhận." not in english
    assert "Chưa có gì được ghi cho đến khi bạn xác nhận." in vietnamese
