"""The checks an uploaded workbook passes before any parser reads it.

The size (:func:`read_limited`: an upload's declared size, a disk file's, or what
was read, never more than the limit kept), the content type (by its first bytes,
never by the file name), an encrypted workbook (an OLE container, not a ZIP), the
ZIP directory's declared sizes and entry count (a zip bomb is refused before
anything is decompressed), a DTD in any part (read through defusedxml up to each
part's root element: entities, the billion laughs and external ones, can be
declared nowhere else), and links to other workbooks (their own sentence).
files.py then opens the checked bytes.
"""

import io
import math
import os
import zipfile
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.core.exceptions import ImproperlyConfigured
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 1000
# Spreadsheet XML compresses ~10–50×; deflate cannot exceed ~1030×, bombs come close to it.
MAX_ENTRY_RATIO = 300
RATIO_CHECK_FROM_BYTES = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is a Vietnamese sentence."""


def check_defusedxml():
    """openpyxl falls back to the standard library's XML parser without defusedxml."""
    if not openpyxl.DEFUSEDXML:
        raise ImproperlyConfigured(
            "openpyxl is not using defusedxml (install it and leave OPENPYXL_DEFUSEDXML unset)."
        )


def read_limited(file, limit=MAX_FILE_BYTES):
    """The file's bytes, refusing more than `limit` without keeping them all."""
    size = _declared_size(file)
    if size is not None and size > limit:
        raise too_large(size)
    chunks, total = [], 0
    read = file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b"")
    for chunk in read:
        total += len(chunk)
        if total > limit:
            # The true size, not the point where reading stopped ("10.1 MB" for 20 MB).
            raise too_large(total + sum(len(rest) for rest in read))
        chunks.append(chunk)
    return b"".join(chunks)


def _declared_size(file):
    """The size an upload declares, or a disk file's (manage.py import_excel), else None."""
    size = getattr(file, "size", None)
    if size is not None:
        return size
    try:
        return os.fstat(file.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None


def too_large(size):
    # Rounded up: a file just over the limit must not read as the limit itself.
    tenths = math.ceil(size * 10 / 1024 / 1024)
    return ImportFileError(
        _("Tệp quá lớn (%(size)s MB); chỉ nhận tệp Excel đến %(limit)s MB.")
        % {
            "size": number_format(tenths / 10, decimal_pos=1),
            "limit": MAX_FILE_BYTES // 1024 // 1024,
        }
    )


def check_container(data):
    """Refuse anything but a plain .xlsx ZIP of reasonable declared size."""
    if len(data) > MAX_FILE_BYTES:
        raise too_large(len(data))
    if data.startswith(OLE_MAGIC):
        # Excel saves a password-protected workbook (and an old .xls) as an OLE container.
        raise ImportFileError(
            _(
                "Tệp được bảo vệ bằng mật khẩu hoặc là tệp Excel cũ (.xls). Hãy mở tệp, bỏ mật "
                "khẩu rồi lưu lại dưới dạng Excel Workbook (.xlsx)."
            )
        )
    if not data.startswith(ZIP_MAGIC):
        raise not_xlsx()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise not_xlsx() from error
    if len(entries) > MAX_ENTRIES:
        raise suspicious()
    # Python's zipfile stops at the declared size and then fails the CRC check, so
    # the declared sizes bound what decompression can produce.
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise suspicious()
    for entry in entries:
        if entry.file_size > RATIO_CHECK_FROM_BYTES and (
            entry.file_size > MAX_ENTRY_RATIO * max(entry.compress_size, 1)
        ):
            raise suspicious()
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_xlsx()
    with archive:
        for entry in entries:
            _check_prolog(archive, entry)
        _check_external_links(archive, names)


class _RootReached(Exception):
    """The part's root element began: its prolog, where a DTD would stand, is behind."""


class _PrologOnly:
    """An XMLParser target that stops the parse at the root element."""

    def start(self, tag, attrib):
        raise _RootReached

    def close(self):
        return None


def _check_prolog(archive, entry):
    """Refuse a part that declares a DTD, read through defusedxml up to its root element.

    Entities (billion laughs, external entities) can only be declared in a DTD, and a
    DTD only in the prolog, so this covers every part openpyxl parses, whichever parser
    it uses for it: its sheets and shared strings go through defusedxml, but
    workbook.xml, the rels, docProps and styles through lxml or the standard library.
    Only the prolog is read, so a big sheet costs nothing more.
    """
    parser = DefusedXMLParser(target=_PrologOnly(), forbid_dtd=True)
    with archive.open(entry) as stream:
        for chunk in iter(lambda: stream.read(64 * 1024), b""):
            try:
                parser.feed(chunk)
            except _RootReached:
                return
            except DefusedXmlException as error:
                raise unsafe_xml() from error
            except ParseError as error:
                # Media (images, printer settings) are not XML; an XML part that is not
                # well-formed is a damaged file.
                if entry.filename.endswith((".xml", ".rels")):
                    raise not_xlsx() from error
                return


_EXTERNAL_LINK = "/relationships/externalLink"


def _check_external_links(archive, names):
    """Refuse a workbook whose formulas read another file: its values are that file's."""
    linked = any(name.startswith("xl/externalLinks/") for name in names)
    if not linked and "xl/_rels/workbook.xml.rels" in names:
        rels = defused_fromstring(archive.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
        linked = any(rel.get("Type", "").endswith(_EXTERNAL_LINK) for rel in rels)
    if linked:
        raise ImportFileError(
            _(
                "Tệp có liên kết đến tệp Excel khác (công thức lấy số liệu từ tệp khác) nên "
                "không được nhập. Trong Excel, chọn Dữ liệu → Sửa liên kết → Ngắt liên kết, "
                "lưu lại rồi tải lên."
            )
        )


def unsafe_xml():
    return ImportFileError(_("Tệp chứa khai báo XML không an toàn (entity) nên không được mở."))


def not_xlsx():
    return ImportFileError(
        _(
            "Tệp không phải là tệp Excel .xlsx (nội dung tệp không đúng định dạng, dù tên tệp "
            "có thể là .xlsx). Hãy mở bằng Excel và lưu lại dưới dạng Excel Workbook (.xlsx)."
        )
    )


def suspicious():
    return ImportFileError(
        _(
            "Tệp có cấu trúc bất thường (dung lượng giải nén hoặc số thành phần quá lớn) nên "
            "không được mở. Hãy lưu lại tệp bằng Excel rồi tải lên lại."
        )
    )
