"""Opening an uploaded workbook safely, and reading it as a plain grid of values.

Every check runs before openpyxl sees the bytes: the size, the content type (by
its first bytes, never by the file name), an encrypted workbook (an OLE
container, not a ZIP), and the ZIP directory's declared sizes and entry count
(a zip bomb is refused before anything is decompressed). openpyxl parses the
XML through defusedxml, which refuses entity declarations (billion laughs,
external entities); :func:`check_defusedxml` makes sure it really does.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import openpyxl
from defusedxml import DefusedXmlException
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from openpyxl.utils.cell import range_boundaries

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 1000
# Spreadsheet XML compresses ~10–50×; deflate cannot exceed ~1030×, bombs come close to it.
MAX_ENTRY_RATIO = 300
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 200

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPACES = re.compile(r"\s+")


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is a Vietnamese sentence."""


def check_defusedxml():
    """openpyxl falls back to the standard library's XML parser without defusedxml."""
    if not openpyxl.DEFUSEDXML:
        raise ImproperlyConfigured(
            "openpyxl is not using defusedxml (install it and leave OPENPYXL_DEFUSEDXML unset)."
        )


def read_limited(file, limit=MAX_FILE_BYTES):
    """The file's bytes, refusing more than `limit` without reading them all."""
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise too_large(size)
    chunks, total = [], 0
    read = file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b"")
    for chunk in read:
        total += len(chunk)
        if total > limit:
            raise too_large(total)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(size):
    return ImportFileError(
        _("Tệp quá lớn (%(size)s MB); chỉ nhận tệp Excel đến %(limit)s MB.")
        % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_FILE_BYTES // 1024 // 1024}
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


@dataclass
class Grid:
    """One sheet's values; merged ranges hold their top-left value in every cell.

    Rows and columns are 1-based, as Excel shows them.
    """

    title: str
    values: dict = field(default_factory=dict)  # (row, column) -> value
    max_row: int = 0
    max_column: int = 0
    # Cells filled from a merged range that starts in an earlier row.
    continued: set = field(default_factory=set)
    # Formula cells with no cached value: their value is unknown.
    formulas_without_value: set = field(default_factory=set)

    def value(self, row, column):
        return self.values.get((row, column))

    def row(self, row):
        return [self.values.get((row, column)) for column in range(1, self.max_column + 1)]


def load_grids(data):
    """Every sheet of the checked workbook as a Grid, or ImportFileError.

    Streamed (openpyxl's read-only mode): memory stays flat whatever the file
    holds. Merged ranges are read from each sheet's XML, which read-only mode
    does not expose.
    """
    check_defusedxml()
    check_container(data)
    try:
        return _read(data)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        if _caused_by(error, DefusedXmlException):
            raise ImportFileError(
                _("Tệp chứa khai báo XML không an toàn (entity) nên không được mở.")
            ) from error
        raise ImportFileError(
            _("Không đọc được tệp Excel (tệp hỏng hoặc không đúng định dạng): %(error)s")
            % {"error": str(error)[:200] or error.__class__.__name__}
        ) from error


def _read(data):
    formula_cells = _formula_cells(data)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [
                _grid(sheet, _merged_ranges(archive, sheet), formula_cells.get(sheet.title, set()))
                for sheet in book.worksheets
            ]
    finally:
        book.close()


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(data):
    """Whether any worksheet holds a formula element (most imported files hold none)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(
            _FORMULA_TAG.search(archive.read(entry))
            for entry in archive.namelist()
            if entry.startswith("xl/worksheets/") and entry.endswith(".xml")
        )


def _caused_by(error, kind):
    """Whether `error` or an exception it was raised from is a `kind` (openpyxl wraps them)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _formula_cells(data):
    """{sheet title: {(row, column)}} of the cells that hold a formula."""
    if not _has_formulas(data):
        return {}
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        found = {}
        for sheet in book.worksheets:
            sheet.reset_dimensions()
            cells = set()
            for row in sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS):
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        cells.add((cell.row, cell.column))
            found[sheet.title] = cells
        return found
    finally:
        book.close()


_MERGE_SECTION = re.compile(rb"<(?:\w+:)?mergeCells\b[^>]*>.*?</(?:\w+:)?mergeCells>", re.S)
_MERGE_REF = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})\""
)


def _merged_ranges(archive, sheet):
    """The sheet's merged ranges as (min_row, min_col, max_row, max_col).

    Read-only mode does not expose them; the <mergeCells> section is read from
    the sheet's XML, which openpyxl has already parsed through defusedxml.
    """
    section = _MERGE_SECTION.search(archive.read(sheet._worksheet_path))
    ranges = []
    for ref in _MERGE_REF.findall(section.group(0)) if section else ():
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        ranges.append((min_row, min_col, max_row, max_col))
    return ranges


def _grid(sheet, merged, formula_cells):
    # The declared dimension may be stale (some programs never update it): read every row.
    sheet.reset_dimensions()
    grid = Grid(title=sheet.title)
    for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if row_number > MAX_ROWS:
            raise ImportFileError(
                _("Trang “%(sheet)s” có quá nhiều dòng; chỉ nhận đến %(max)s dòng.")
                % {"sheet": sheet.title, "max": MAX_ROWS}
            )
        for column, raw in enumerate(row[:MAX_COLUMNS], start=1):
            value = clean_value(raw)
            position = (row_number, column)
            if position in formula_cells and value is None:
                grid.formulas_without_value.add(position)
            if value is not None:
                grid.values[position] = value
                grid.max_column = max(grid.max_column, column)
        grid.max_row = row_number
    grid.max_column = max([grid.max_column] + [c for _r, c in formula_cells])
    for min_row, min_col, max_row, max_col in merged:
        top_left = grid.values.get((min_row, min_col))
        for row in range(min_row, min(max_row, grid.max_row) + 1):
            for column in range(min_col, min(max_col, MAX_COLUMNS) + 1):
                if (row, column) == (min_row, min_col):
                    continue
                if top_left is not None:
                    grid.values[(row, column)] = top_left
                    grid.max_column = max(grid.max_column, column)
                if row > min_row:
                    grid.continued.add((row, column))
    return grid


def clean_value(value):
    """Text in NFC, single-spaced, without control characters; empty text is None."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", _ILLEGAL.sub("", value))
        return _SPACES.sub(" ", value).strip() or None
    return value


def cell_name(row, column):
    return f"{openpyxl.utils.get_column_letter(column)}{row}"
