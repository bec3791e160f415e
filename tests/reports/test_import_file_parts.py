"""Every part of an uploaded workbook is parsed safely, not only its sheets and shared
strings: a DTD (external entities, the billion laughs) in workbook.xml, the rels, the
document properties or the styles is refused like one in a sheet, and a workbook that
links to another file is refused in its own sentence (it failed with "list index out of
range")."""

import io
import re
import zipfile

import pytest

from reports.imports import files, service
from reports.imports.files import ImportFileError
from reports.models import ImportBatch

from .import_workbooks import upload, workbook_bytes

HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]
ROW = [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Vược"]
UNSAFE = "Tệp chứa khai báo XML không an toàn (entity) nên không được mở."
LINKED = "Tệp có liên kết đến tệp Excel khác"

XXE = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<!DOCTYPE x [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
    + b"]>"
).replace(b"&lol0;", b"&lol;")
PARTS = [
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "docProps/core.xml",
    "xl/styles.xml",
]
DECLARATION = re.compile(rb"^<\?xml[^>]*\?>\s*")


def good():
    return workbook_bytes([HEADER, ROW])


def rebuilt(data, change=None, extra=()):
    """The ZIP `data` with change(name, bytes) applied to each entry, then `extra` entries."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(data))
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item.filename, change(item.filename, content) if change else content)
        for name, content in extra:
            target.writestr(name, content)
    return out.getvalue()


def with_dtd(part, dtd):
    """`part` with `dtd` between its XML declaration and its root element."""

    def change(name, content):
        if name != part:
            return content
        declaration = DECLARATION.match(content)
        head = declaration.group(0) if declaration else b""
        return head + dtd + content[len(head) :]

    return rebuilt(good(), change)


def refused(data):
    with pytest.raises(ImportFileError) as error:
        files.load_grids(data)
    return str(error.value)


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("dtd", [XXE, LAUGHS], ids=["external entity", "billion laughs"])
def test_a_dtd_in_any_part_is_refused_as_unsafe(part, dtd):
    assert refused(with_dtd(part, dtd)) == UNSAFE


def test_a_dtd_in_a_part_encoded_in_utf16_is_refused():
    def change(name, content):
        if name != "xl/workbook.xml":
            return content
        text = DECLARATION.sub(b"", content).decode()
        xml = '<?xml version="1.0" encoding="UTF-16"?>' + XXE.decode() + text
        return xml.encode("utf-16")

    assert refused(rebuilt(good(), change)) == UNSAFE


def test_a_dtd_after_a_long_comment_is_still_found():
    comment = b"<!--" + b" " * 200_000 + b"-->"
    assert refused(with_dtd("xl/workbook.xml", comment + XXE)) == UNSAFE


@pytest.mark.django_db
@pytest.mark.usefixtures("before_the_reform")
def test_the_unsafe_file_is_refused_by_the_import_and_nothing_is_recorded(decision, office_user):
    with pytest.raises(ImportFileError, match=re.escape(UNSAFE)):
        service.preview("annex", upload(with_dtd("docProps/core.xml", XXE)), decision, office_user)

    batch = ImportBatch.objects.get()
    assert (batch.status, batch.message, batch.stored_file.name) == ("failed", UNSAFE, "")


def linked(with_rels):
    """The good workbook, its formulas reading [1] = another file (as Excel saves it)."""
    link = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
        b"</externalBook></externalLink>"
    )
    link_rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLinkPath" Target="file:///C:/khac.xlsx" TargetMode="External"/>'
        b"</Relationships>"
    )

    def change(name, content):
        if name == "xl/workbook.xml":
            return content.replace(
                b"</sheets>",
                b'</sheets><externalReferences><externalReference r:id="rId99"/>'
                b"</externalReferences>",
            )
        if name == "xl/_rels/workbook.xml.rels":
            return content.replace(
                b"</Relationships>",
                b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/externalLink" '
                b'Target="externalLinks/externalLink1.xml"/></Relationships>',
            )
        if name == "[Content_Types].xml":
            return content.replace(
                b"</Types>",
                b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="'
                b'application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
                b"</Types>",
            )
        return content

    extra = [("xl/externalLinks/externalLink1.xml", link)]
    if with_rels:
        extra.append(("xl/externalLinks/_rels/externalLink1.xml.rels", link_rels))
    return rebuilt(good(), change, extra)


@pytest.mark.parametrize("with_rels", [True, False], ids=["with its rels", "without its rels"])
def test_a_workbook_linked_to_another_file_is_refused_in_its_own_sentence(with_rels):
    message = refused(linked(with_rels))

    assert message.startswith(LINKED)
    assert "Ngắt liên kết" in message
    assert "list index" not in message


def test_a_workbook_with_a_picture_is_still_read():
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

    (grid,) = files.load_grids(good_with(("xl/media/image1.png", picture)))

    assert grid.row(2) == ROW


def good_with(*extra):
    return rebuilt(good(), extra=extra)
