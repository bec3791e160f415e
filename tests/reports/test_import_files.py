"""Bad files get a clear Vietnamese message and nothing is written; only the office imports."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from assignments.models import Assignment, Decision, Leader
from communes.models import Assessment
from reports.imports import container, files, service
from reports.imports.files import ImportFileError
from reports.models import ImportBatch

from .import_workbooks import upload, workbook_bytes

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]
ROW = [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Vược"]


def rewrite(data, entry, change):
    """The ZIP `data` with `entry`'s bytes replaced by change(bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item, change(content) if item.filename == entry else content)
    return out.getvalue()


def with_entries(data, entries, level=9):
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, size in entries:
            with archive.open(name, "w") as handle:
                for _ in range(size // (1 << 20)):
                    handle.write(b"A" * (1 << 20))
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def billion_laughs(content):
    content = re.sub(rb"^<\?xml[^>]*\?>", b"", content)
    content = content.replace("<t>Bản Vược</t>".encode(), b"<t>&lol9;</t>")
    return LAUGHS + content


def encrypted():
    return container.OLE_MAGIC + b"\xa1\xb1\x1a\xe1" + b"\x00" * 2000


BAD_FILES = {
    "csv renamed": (lambda: "STT,Họ và tên\n1,Nguyễn Văn An\n".encode(), "không phải là tệp Excel"),
    "html renamed": (lambda: b"<html><table><tr><td>1</td></tr></table></html>", "không phải"),
    "11 MB": (lambda: b"PK\x03\x04" + b"\x00" * (11 * 1024 * 1024), "Tệp quá lớn"),
    "encrypted": (encrypted, "bảo vệ bằng mật khẩu"),
    "zip bomb by total size": (
        lambda: with_entries(workbook_bytes([HEADER, ROW]), [("xl/media/a.bin", 101 << 20)], 1),
        "cấu trúc bất thường",
    ),
    "zip bomb by ratio": (
        lambda: with_entries(workbook_bytes([HEADER, ROW]), [("xl/media/a.bin", 4 << 20)]),
        "cấu trúc bất thường",
    ),
    "zip bomb by entry count": (
        lambda: with_entries(workbook_bytes([HEADER, ROW]), [(f"x/{i}", 0) for i in range(1001)]),
        "cấu trúc bất thường",
    ),
    "billion laughs": (
        lambda: rewrite(workbook_bytes([HEADER, ROW]), SHEET, billion_laughs),
        "XML không an toàn",
    ),
    "no header": (
        lambda: workbook_bytes([["Danh sách"], ["Nguyễn Văn An", "Bản Vược"]]),
        "Không tìm thấy dòng tiêu đề: cần các cột Họ và tên, Chức vụ, Cơ quan, Xã",
    ),
    "header but no rows": (lambda: workbook_bytes([HEADER]), "không có dòng phân công"),
    "zip but not a workbook": (lambda: with_entries(b"", [("a.txt", 0)]), "không phải"),
}


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_no_file_is_opened_without_defusedxml(monkeypatch):
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(ImproperlyConfigured):
        files.load_grids(workbook_bytes([HEADER, ROW]))


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_written(case, decision, office_user):
    build, message = BAD_FILES[case]
    before = (Assignment.objects.count(), Leader.objects.count(), Assessment.objects.count())
    with pytest.raises(ImportFileError, match=message):
        service.preview("annex", upload(build()), decision, office_user)
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.stored_file.name) == ("failed", "")
    assert message in batch.message
    assert (Assignment.objects.count(), Leader.objects.count(), Assessment.objects.count()) == (
        before
    )


def test_every_merged_range_holds_its_top_left_value_in_every_cell():
    rows = [["a", None, None], ["b", "c", None], [None, None, None], ["d", None, None]]
    data = workbook_bytes(rows, ["A1:C1", "B2:C3", "A4:A5"])
    (grid,) = files.load_grids(data)
    assert [grid.row(r) for r in (1, 2, 3, 4)] == [
        ["a", "a", "a"], ["b", "c", "c"], [None, "c", "c"], ["d", None, None],
    ]  # fmt: skip
    assert grid.continued >= {(3, 2), (3, 3)}
    assert (1, 2) not in grid.continued


def test_the_upload_page_shows_the_message(decision, office_client):
    response = office_client.post(
        reverse("reports:import_annex"), {"decision": decision.pk, "file": upload(encrypted())}
    )
    assert response.status_code == 400
    assert "Tệp được bảo vệ bằng mật khẩu" in response.content.decode()
    assert not ImportBatch.objects.exclude(status="failed").exists()


def with_formula(cached):
    """Bản Vược's commune cell as a formula, with or without the value Excel cached."""
    data = workbook_bytes([HEADER, [*ROW[:-1], '="Bản Vược"']])
    if not cached:
        return data
    return rewrite(
        data,
        SHEET,
        # An empty value is <v /> or <v></v> depending on whether lxml is installed.
        lambda xml: re.sub(
            rb'<c r="E2"><f>[^<]*</f><v(?: ?/>|></v>)</c>',
            '<c r="E2" t="str"><f>"Bản Vược"</f><v>Bản Vược</v></c>'.encode(),
            xml,
        ),
    )


def test_a_formula_uses_its_cached_value(decision, office_user):
    _batch, plan = service.preview("annex", upload(with_formula(True)), decision, office_user)
    assert [(row.action, row.commune) for row in plan.rows] == [("update", "Bản Vược")]


def test_a_formula_without_cached_value_is_a_row_error_and_nothing_is_written(
    decision, office_user
):
    batch, plan = service.preview("annex", upload(with_formula(False)), decision, office_user)
    (row,) = plan.rows
    assert row.action == "error" and "ô E2 là công thức chưa có giá trị" in row.errors[0]
    history = Assignment.history.count()
    with pytest.raises(service.ImportRefused):
        service.apply(batch, office_user)
    assert Assignment.history.count() == history


def test_preview_page_disables_confirm_and_names_the_rows_to_fix(decision, office_client):
    office_client.post(
        reverse("reports:import_annex"),
        {"decision": decision.pk, "file": upload(with_formula(False))},
    )
    batch = ImportBatch.objects.get()
    page = office_client.get(reverse("reports:import_preview", args=[batch.pk])).content.decode()
    assert "Chưa thể nhập: sửa dòng 2 trong tệp" in page
    assert re.search(r'value="confirm"[^>]*disabled', page)


def test_the_stored_file_must_not_change_before_confirm(decision, office_user):
    batch, _plan = service.preview("annex", upload(workbook_bytes([HEADER, ROW])), decision, None)
    with open(batch.stored_file.path, "ab") as stored:
        stored.write(b"\x00")
    with pytest.raises(service.ImportRefused, match="đã bị thay đổi"):
        service.apply(batch, office_user)


def test_annex_template_has_a_title_block_and_the_header(office_client):
    url = reverse("reports:import_template", args=["phu-luc"])
    response = office_client.get(url, {"map": "old"})  # by district: before 01/07/2025
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert values[0][0] == "UBND TỈNH LÀO CAI"
    assert list(values[-1]) == [
        "STT",
        "Họ và tên",
        "Chức vụ",
        "Cơ quan, đơn vị",
        "Huyện",
        "Xã được phân công",
    ]
    assert sheet.page_setup.orientation == "landscape"
    with pytest.raises(ImportFileError, match="không có dòng phân công"):
        service.preview("annex", upload(response.content), Decision.objects.first(), None)


PAGES = [
    ("reports:import_index", ()),
    ("reports:import_annex", ()),
    ("reports:import_matrix", ()),
    ("reports:import_template", ("phu-luc",)),
    ("reports:import_template", ("tieu-chi",)),
]


@pytest.mark.parametrize("name, args", PAGES)
@pytest.mark.parametrize(
    "persona, status",
    [("office_client", 200), ("member_a_client", 403), ("member_b_client", 403),
     ("leader_client", 403), ("reader_client", 403), ("anonymous_client", 302)],
)  # fmt: skip
def test_only_the_office_opens_the_import_pages(request, persona, status, name, args):
    response = request.getfixturevalue(persona).get(reverse(name, args=args))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["member_a_client", "leader_client", "reader_client"])
def test_others_cannot_see_or_confirm_a_batch(request, persona, decision, office_user):
    batch, _plan = service.preview("annex", upload(workbook_bytes([HEADER, ROW])), decision, None)
    client = request.getfixturevalue(persona)
    url = reverse("reports:import_preview", args=[batch.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "confirm"}).status_code == 403
    batch.refresh_from_db()
    assert batch.status == "previewed"
