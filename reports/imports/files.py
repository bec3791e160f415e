"""Opening an uploaded workbook safely, and reading it row by row or as a grid of values.

Every check of container.py runs before openpyxl sees the bytes (size, content
type, encryption, zip bombs, a DTD in any part, links to other workbooks).
openpyxl then parses sheets and shared strings through
defusedxml (:func:`check_defusedxml` makes sure it does), and the other parts
(workbook.xml, rels, docProps, styles) through lxml or the standard library,
which the DTD check has already made safe; it never reads external-link parts.

:class:`Workbook` streams a sheet row by row (the criteria matrix, up to a
whole country's communes); :func:`load_grids` keeps small files (the annex)
whole, as a :class:`Grid` per sheet.
"""

import contextlib
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

import openpyxl
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from openpyxl.utils.cell import range_boundaries

from . import unsized
from .container import (
    ImportFileError,
    check_container,
    check_defusedxml,
    unsafe_xml,
)

# A national criteria matrix: 10,000 communes plus district, subtotal and signature rows.
MAX_ROWS = 20_000
MAX_COLUMNS = 200

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPACES = re.compile(r"\s+")


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
    # (row, column) -> the first column of the merged range that filled the cell, for
    # cells right of that column: "Chức vụ" and "Cơ quan" merged into one cell.
    merged_from: dict = field(default_factory=dict)
    # Formula cells with no cached value: their value is unknown.
    formulas_without_value: set = field(default_factory=set)

    def value(self, row, column):
        return self.values.get((row, column))

    def row(self, row):
        return [self.values.get((row, column)) for column in range(1, self.max_column + 1)]


def load_grids(data):
    """Every sheet of the checked workbook as a Grid, or ImportFileError.

    Parsed in openpyxl's read-only mode; a Grid holds every value of its sheet
    (small files: the annex). Merged ranges are read from each sheet's XML,
    which read-only mode does not expose.
    """
    with open_workbook(data) as book:
        return [_grid(title, book.rows(title)) for title in book.titles]


@contextlib.contextmanager
def open_workbook(data):
    """The checked workbook, to be read sheet by sheet and row by row (see Workbook)."""
    check_defusedxml()
    check_container(data)
    with _readable():
        book = Workbook(data)
    try:
        yield book
    finally:
        book.close()


class Row(NamedTuple):
    """One row of a sheet, as Workbook.rows() gives it; columns are 1-based."""

    number: int
    values: list  # values[column - 1]; may be shorter than the sheet is wide
    # Columns filled from a merged range that starts in an earlier row.
    continued: frozenset
    # Columns holding a formula with no cached value: their value is unknown.
    formulas_without_value: frozenset
    # {column: the first column of its merged range} for columns right of that column.
    merged_from: dict | None = None

    def value(self, column):
        return self.values[column - 1] if column <= len(self.values) else None


_NONE = frozenset()


class Workbook:
    """A checked workbook read row by row: memory stays flat whatever the sheet holds.

    Values are the ones Excel cached (a formula's last result), cleaned by
    :func:`clean_value`; a merged range holds its top-left value in every cell.
    A damaged file raises ImportFileError, while opening it or while reading.
    """

    def __init__(self, data):
        self._data = data
        self._archive = zipfile.ZipFile(io.BytesIO(data))
        self._book = unsized.load(data, data_only=True)

    @property
    def titles(self):
        return [sheet.title for sheet in self._book.worksheets]  # not chart sheets

    def close(self):
        self._book.close()
        self._archive.close()

    def rows(self, title):
        """Each Row of sheet `title`, from row 1; ImportFileError after MAX_ROWS rows."""
        sheet = self._book[title]
        with _readable():
            xml = self._archive.read(sheet._worksheet_path)
            merged = _merged_ranges(xml)
            formulas = self._formula_cells(title) if _FORMULA_TAG.search(xml) else {}
        # The declared dimension may be stale (some programs never update it): read every row.
        sheet.reset_dimensions()
        return _rows(title, _guarded(sheet.iter_rows(values_only=True)), merged, formulas)

    def _formula_cells(self, title):
        """{row: {column}} of the sheet's formula cells (most imported files have none).

        Read-only mode gives a cell's cached value or its formula, never both:
        the formulas come from a second pass over this one sheet.
        """
        book = unsized.load(self._data, data_only=False)
        try:
            sheet = book[title]
            sheet.reset_dimensions()
            found = defaultdict(set)
            for row in sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS):
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        found[cell.row].add(cell.column)
            return found
        finally:
            book.close()


@contextlib.contextmanager
def _readable():
    """openpyxl raises many kinds of errors on a damaged file: each becomes ImportFileError."""
    try:
        yield
    except ImportFileError:
        raise
    except Exception as error:
        if _caused_by(error, DefusedXmlException):
            raise unsafe_xml() from error
        raise ImportFileError(
            _("Không đọc được tệp Excel (tệp hỏng hoặc không đúng định dạng): %(error)s")
            % {"error": str(error)[:200] or error.__class__.__name__}
        ) from error


def _guarded(iterator):
    """`iterator`, with the errors of a damaged file as ImportFileError."""
    while True:
        with _readable():
            item = next(iterator, None)
        if item is None:
            return
        yield item


def _rows(title, raw_rows, merged, formulas):
    starting = defaultdict(list)  # first row -> merged ranges
    for merge in merged:
        starting[merge[0]].append(merge)
    active = []  # (range, top-left value) of the ranges covering this row
    for number, raw in enumerate(raw_rows, start=1):
        if number > MAX_ROWS:
            raise ImportFileError(
                _("Trang “%(sheet)s” có quá nhiều dòng; chỉ nhận đến %(max)s dòng.")
                % {"sheet": title, "max": MAX_ROWS}
            )
        values = [clean_value(value) for value in raw[:MAX_COLUMNS]]
        continued, merged_from = _NONE, None
        if starting or active:
            for merge in starting.pop(number, ()):
                min_col = merge[1]
                active.append((merge, values[min_col - 1] if min_col <= len(values) else None))
            active = [(merge, top) for merge, top in active if merge[2] >= number]
            continued, merged_from = _fill(number, values, active)
        missing = _NONE
        if number in formulas:
            missing = frozenset(
                column
                for column in formulas[number]
                if column > len(values) or values[column - 1] is None
            )
        yield Row(number, values, continued, missing, merged_from)


def _fill(number, values, active):
    """Copy each merged range's top-left value into its other cells of this row.

    Returns the columns continued from an earlier row, and {column: first column}
    of the columns right of their range's first column.
    """
    continued, merged_from = set(), {}
    for (min_row, min_col, _max_row, max_col), top in active:
        last = min(max_col, MAX_COLUMNS)
        if top is not None and len(values) < last:
            values.extend([None] * (last - len(values)))
        for column in range(min_col, last + 1):
            if (number, column) == (min_row, min_col):
                continue
            if top is not None:
                values[column - 1] = top
            if number > min_row:
                continued.add(column)
            if column > min_col:
                merged_from[column] = min_col
    return (frozenset(continued) if continued else _NONE), (merged_from or None)


def _caused_by(error, kind):
    """Whether `error` or an exception it was raised from is a `kind` (openpyxl wraps them)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE_SECTION = re.compile(rb"<(?:\w+:)?mergeCells\b[^>]*>.*?</(?:\w+:)?mergeCells>", re.S)
_MERGE_REF = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})\""
)


def _merged_ranges(xml):
    """The sheet's merged ranges as (min_row, min_col, max_row, max_col).

    Read-only mode does not expose them; the <mergeCells> section is read from
    the sheet's XML, which openpyxl parses through defusedxml.
    """
    section = _MERGE_SECTION.search(xml)
    ranges = []
    for ref in _MERGE_REF.findall(section.group(0)) if section else ():
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        ranges.append((min_row, min_col, max_row, max_col))
    return ranges


def _grid(title, rows):
    grid = Grid(title=title)
    for row in rows:
        for column, value in enumerate(row.values, start=1):
            if value is not None:
                grid.values[(row.number, column)] = value
                grid.max_column = max(grid.max_column, column)
        grid.continued.update((row.number, column) for column in row.continued)
        for column, first in (row.merged_from or {}).items():
            grid.merged_from[(row.number, column)] = first
        for column in row.formulas_without_value:
            grid.formulas_without_value.add((row.number, column))
            grid.max_column = max(grid.max_column, column)
        grid.max_row = row.number
    return grid


def clean_value(value):
    """Text in NFC, single-spaced, without control characters; empty text is None."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", _ILLEGAL.sub("", value))
        return _SPACES.sub(" ", value).strip() or None
    return value


def cell_name(row, column):
    return f"{openpyxl.utils.get_column_letter(column)}{row}"
