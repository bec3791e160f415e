"""The toolkit every Excel file of NTM Portal is written with (exports and import templates).

A ``Sheet`` writes one worksheet of a write-only workbook from top to bottom:
title block, header rows, data rows, signature block. Through it every file
keeps the office's rules without each report having to remember them:

* Text is always a string cell. openpyxl stores any str starting with "=" as a
  formula and Excel would run "+cmd" or "@SUM(A1)"; a note typed by a user
  must come back as that very text, so text cells get data_type "s" (plus
  Excel's quote prefix when they start with = + - @, so that editing the cell
  in Excel keeps it text).
* Characters XML cannot hold (control characters pasted from Word) are
  removed instead of failing the download; Word's manual line break becomes a
  line break.
* Dates are date cells shown dd/mm/yyyy; whole numbers (money in VND, counts)
  are numbers shown "#,##0", which Excel displays with the reader's own
  thousands separator (1.500.000 in Vietnamese).
* A4 landscape, fit to one page wide, header rows repeated on every page,
  page numbers in the footer.

No cell is ever a formula: totals are computed in Python, so a file reads the
same in every program and an importer never meets a formula without a value.

Usage::

    workbook = new_workbook()
    sheet = Sheet(workbook, "Phu luc", widths=[6, 26, 20], freeze_columns=0)
    sheet.title_block(["UBND TỈNH LÀO CAI"], ["PHỤ LỤC"], ["(Kèm theo …)"])
    sheet.header(["STT", "Họ và tên", "Chức vụ"])
    sheet.append([1, "Nguyễn Văn A", "Giám đốc"])
    sheet.signature(today)
    return download.workbook_download(workbook, download.dated_filename("phan-cong-1599", today))

Files of any size: rows go to disk as they are written (write-only
worksheets) and the saved file is streamed from a temporary file
(workbook_download, in core/excel/download.py), so the whole country's export
needs little more memory than a district's. Cells are cheap to write: each
named style is resolved once per sheet and shared by the cells written in it,
and Sheet hands openpyxl ready cells (see core/excel/styles.py).
"""

import datetime
import math
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from .styles import (
    AVERAGE_FORMAT,
    CELL,
    DATE_FORMAT,
    DATETIME_FORMAT,
    DECIMAL_FORMAT,
    GROUP,
    HEADER,
    INTEGER_FORMAT,
    ISSUER,
    ISSUER_BOLD,
    NOTE,
    SIGN,
    SUBTITLE,
    TITLE,
    ReadyCell,
    ReadyWorkbook,
    SharedStyle,
    named_styles,
)

# The styles a report passes to Sheet, as writer.CENTER like the ones Sheet uses itself.
from .styles import CENTER as CENTER
from .styles import MET as MET
from .styles import TOTAL as TOTAL

MAX_TEXT = 32767  # Excel's limit for one cell
FORMULA_STARTS = ("=", "+", "-", "@")

PROVINCE = "UBND TỈNH LÀO CAI"
OFFICE = "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI"
PLACE = "Lào Cai"
# The group of a commune without a district, in every report.
NO_DISTRICT = "Chưa xác định huyện"


# In a header row: the cell to the left spans this column too.
SPAN = object()


def new_workbook():
    """A write-only workbook with NTM Portal's named styles."""
    workbook = ReadyWorkbook(write_only=True)
    workbook.properties.creator = "NTM Portal"
    for style in named_styles():
        workbook.add_named_style(style)
    return workbook


def clean_text(value):
    """The text of a value without characters an .xlsx file cannot hold."""
    text = str(value).replace("\x0b", "\n").replace("\r\n", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_TEXT]


def place_and_date(day):
    """ "Lào Cai, ngày 05 tháng 02 năm 2025" (leading zeros as official documents write them)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{PLACE}, ngày {day.day:02d} tháng {month} năm {day.year}"


# What Sheet._new types itself; anything else is written as its text.
_TYPED = (str, bool, int, float, Decimal, datetime.date)


def _lines(text, width, factor):
    """Rough number of lines `text` needs in a merged cell `width` characters wide."""
    return max(1, math.ceil(len(text) * factor / max(width, 1)))


class Sheet:
    """One worksheet, written row by row; `row` is the number of the last row written.

    `widths` fixes the columns. Panes are frozen at the cell `freeze` (e.g.
    "D8"), or, with `freeze_columns` (0 or more), below the header and right
    of that many columns. A write-only sheet writes its panes before its first
    row, so with `freeze_columns` the rows above the header are held back
    until header() is called (call it).
    """

    def __init__(self, workbook, title, widths, *, freeze=None, freeze_columns=None):
        self.ws = workbook.create_sheet(title=title[:31])
        self.widths = list(widths)
        self.columns = len(self.widths)
        self.row = 0
        self.freeze_columns = freeze_columns
        self._held = [] if freeze_columns is not None else None
        self._styles = {}
        self._blanks = {}
        self._booleans = None
        for index, width in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            self.ws.freeze_panes = freeze
        self._print_setup()

    def _print_setup(self):
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as needed
        ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = "Trang &P/&N"

    # --- cells -------------------------------------------------------------------

    def cell(self, value, style=CELL, number_format=None):
        """A cell holding `value` typed the way the office reads it (see the module doc).

        The cell has its own copy of its style, to change as needed (a rotated
        header) without changing any other cell.
        """
        cell = self._new(value, style, number_format)
        cell._style = StyleArray(cell._style)
        return cell

    def _new(self, value, style, number_format=None):
        """A new cell holding `value`, sharing its style with the sheet's cells of that style.

        The cell is typed here rather than by openpyxl, which would check the
        text again and take "=…" for a formula.
        """
        data_type = "n"
        default_format = None
        formula_like = False
        if value is not None and not isinstance(value, _TYPED):
            value = str(value)  # a lazy translation or any other object: its text
        if value is None or value == "":
            value = None
        elif isinstance(value, str):  # most cells: tested first, a str is none of the below
            value = clean_text(value)
            data_type = "s"  # never a formula, whatever the text starts with
            formula_like = value.startswith(FORMULA_STARTS)
        elif isinstance(value, bool):
            value = self._yes_no()[value]
            data_type = "s"
        elif isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)
            data_type, default_format = "d", DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            data_type, default_format = "d", DATE_FORMAT
        elif isinstance(value, Decimal):
            whole = value == value.to_integral_value()
            value = int(value) if whole else float(value)
            default_format = INTEGER_FORMAT if whole else DECIMAL_FORMAT
        elif isinstance(value, int):
            default_format = INTEGER_FORMAT
        elif isinstance(value, float):
            default_format = AVERAGE_FORMAT
        # A text that looks like a formula gets Excel's quote prefix, so that editing the
        # cell in Excel keeps it text.
        style = self._style(style, number_format or default_format, formula_like)
        return ReadyCell(self.ws, value, data_type, style)

    def _style(self, name, number_format=None, quote_prefix=False):
        """The attributes of a named style with a number format, resolved once for the sheet."""
        key = (name, number_format, quote_prefix)
        style = self._styles.get(key)
        if style is None:
            template = WriteOnlyCell(self.ws)
            template.style = name
            if number_format:
                template.number_format = number_format
            if quote_prefix:
                template.quotePrefix = True
            style = self._styles[key] = SharedStyle(template._style)
        return style

    def _row_cell(self, value, style):
        """A cell of a row being written: a blank is the sheet's one blank cell of its style."""
        if value is None or value == "":
            blank = self._blanks.get(style)
            if blank is None:
                blank = self._blanks[style] = self._new(None, style)
            return blank
        return self._new(value, style)

    def _yes_no(self):
        """("Không", "Có") in the language of the file, looked up once."""
        if self._booleans is None:
            self._booleans = (_("Không"), _("Có"))
        return self._booleans

    # --- rows --------------------------------------------------------------------

    def append(self, values, style=CELL, *, styles=None, height=None):
        """Write one row; each value is a Cell or a plain value in `style`.

        `styles` (same length as `values`, None for the default) overrides the
        style per column. One Cell may be given in several places (e.g. a
        constant made once with cell()). Returns the row's number.
        """
        cell = self._row_cell
        if styles is None:
            cells = [v if isinstance(v, Cell) else cell(v, style) for v in values]
        else:
            cells = [
                v if isinstance(v, Cell) else cell(v, column_style or style)
                for v, column_style in zip(values, styles, strict=True)
            ]
        return self._write(cells, height)

    def _write(self, cells, height=None):
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height
        if self._held is None:
            self.ws.append(cells)
        else:
            self._held.append(cells)
        return self.row

    def _release(self):
        """Freeze below the header, then write the rows held until now."""
        if self._held is None:
            return
        column = get_column_letter(self.freeze_columns + 1)
        self.ws.freeze_panes = f"{column}{self.row + 1}"
        held, self._held = self._held, None
        for cells in held:
            self.ws.append(cells)

    def blank(self):
        return self._write([])

    def line(self, *segments, height=None):
        """One row of merged segments: (first column, last column, value, style)."""
        cells = [None] * max(last for _first, last, _value, _style in segments)
        for first, _last, value, style in segments:
            cells[first - 1] = self.cell(value, style)
        row = self._write(cells, height)
        for first, last, _value, _style in segments:
            if last > first:
                self.merge(row, first, row, last)
        return row

    def merge(self, first_row, first_column, last_row, last_column):
        # Straight into the set of merged ranges: openpyxl's add() first compares the new
        # range with every one there (quadratic: seconds for a log of 700 districts), and
        # a Sheet merges each range once, never overlapping another.
        self.ws.merged_cells.ranges.add(
            CellRange(
                min_col=first_column, min_row=first_row, max_col=last_column, max_row=last_row
            )
        )

    # --- blocks ------------------------------------------------------------------

    def title_block(self, issuer, titles, notes=()):
        """Issuing body (top left, the last line bold), bold titles, italic notes, a blank row."""
        span = self._issuer_span()
        for index, text in enumerate(issuer):
            style = ISSUER_BOLD if index == len(issuer) - 1 else ISSUER
            self.line((1, span, text, style))
        width = sum(self.widths)
        for text in titles:
            self.line((1, self.columns, text, TITLE), height=19 * _lines(text, width, 1.3))
        for text in notes:
            self.line((1, self.columns, text, SUBTITLE), height=16 * _lines(text, width, 1.05))
        self.blank()

    def _issuer_span(self):
        """Enough leading columns for "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI" on one line."""
        total = 0
        for index, width in enumerate(self.widths, 1):
            total += width
            if total >= 36:
                return index
        return self.columns

    def header(self, *rows, heights=()):
        """Header rows (all of the sheet's width), repeated on every printed page.

        In a row, SPAN extends the cell to its left; a column whose text is in
        the first row only is merged down through the other header rows. A
        value may be a ready Cell (e.g. with rotated text). `heights` are the
        rows' heights in points. Returns the number of the last header row.
        """
        first = self.row + 1
        for index, values in enumerate(rows):
            cells = [
                v if isinstance(v, Cell) else self.cell(None if v is SPAN else v, HEADER)
                for v in values
            ]
            self._write(cells, heights[index] if index < len(heights) else None)
        last = self.row
        for offset, values in enumerate(rows):
            row = first + offset
            for column, value in enumerate(values, 1):
                if value is None or value is SPAN:
                    continue
                span = column
                while span < len(values) and values[span] is SPAN:
                    span += 1
                bottom = row
                if offset == 0 and all(below[column - 1] is None for below in rows[1:]):
                    bottom = last
                if span > column or bottom > row:
                    self.merge(row, column, bottom, span)
        self.ws.print_title_rows = f"{first}:{last}"
        self._release()
        return last

    def group(self, label, *, at=1, merge=True):
        """A group row (a district): `label` in column `at`, bold."""
        values = [None] * self.columns
        values[at - 1] = label
        row = self.append(values, GROUP)
        if merge and at < self.columns:
            self.merge(row, at, row, self.columns)
        return row

    def signature(self, day, *, left="NGƯỜI LẬP BIỂU", right="THỦ TRƯỞNG ĐƠN VỊ"):
        """Place and date, then who prepared the report and who signs it."""
        half = max(1, self.columns // 2)
        self.blank()
        self.line((half + 1, self.columns, place_and_date(day), NOTE))
        self.line((1, half, left, SIGN), (half + 1, self.columns, right, SIGN))
        self.line(
            (1, half, "(Ký, ghi rõ họ tên)", NOTE),
            (half + 1, self.columns, "(Ký tên, đóng dấu)", NOTE),
        )
