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
* Every row whose text wraps is as tall as its text (core/excel/fit.py):
  a program that does not measure rows again (LibreOffice) prints it whole.

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
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from . import fit
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

# (font size, bold) of the named styles whose text wraps; the others' stays on one line.
WRAPPING = {
    CELL: (11, False), GROUP: (11, True), TOTAL: (11, True), HEADER: (11, True),
    TITLE: (13, True), SUBTITLE: (11, False), ISSUER: (11, False), ISSUER_BOLD: (11, True),
    NOTE: (11, False), SIGN: (11, True),
}  # fmt: skip


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
        # Texts this long or shorter fit one line of their column in any style.
        self._short = [fit.capacity(width, bold=True, capitals=True) for width in self.widths]
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
        # The same scale for a program that ignores fitting to the page.
        ws.page_setup.scale = fit.scale(self.widths)
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

    def append(self, values, style=CELL, *, styles=None, height=None, spans=()):
        """Write one row; each value is a Cell or a plain value in `style`.

        `styles` (same length as `values`, None for the default) overrides the
        style per column. One Cell may be given in several places (e.g. a
        constant made once with cell()). `spans` are the (first, last) columns
        merged in the row. The row is as tall as its wrapped text unless
        `height` is given. Returns the row's number.
        """
        cell = self._row_cell
        if styles is None:
            styles = [None] * len(values)
        cells = [
            v if isinstance(v, Cell) else cell(v, column_style or style)
            for v, column_style in zip(values, styles, strict=True)
        ]
        if height is None:
            height = self._height(values, styles, style, spans)
        row = self._write(cells, height)
        for first, last in spans:
            self.merge(row, first, row, last)
        return row

    def _spanned(self, spans):
        """(widths, short) of a row's columns, a merged range's width all in its first column."""
        widths, short = list(self.widths), list(self._short)
        for first, last in spans:
            widths[first - 1] = sum(self.widths[first - 1 : last])
            short[first - 1] = fit.capacity(widths[first - 1], bold=True, capitals=True)
        return widths, short

    def _height(self, values, styles, default, spans=()):
        """The height of a row of wrapped text (as append's arguments); None for one line of
        the workbook's font. Most cells are short: they are passed over without counting."""
        widths, short = (self.widths, self._short) if not spans else self._spanned(spans)
        tallest = fit.ONE_LINE
        # A row may stop short of the last columns.
        for value, style, width, fits in zip(values, styles, widths, short, strict=False):
            text = value._value if isinstance(value, Cell) else value
            style = value if isinstance(value, Cell) else style or default
            if not isinstance(text, str):
                continue
            if len(text) <= fits and "\n" not in text and style != TITLE:  # a title: 13 pt
                continue
            metrics = self._metrics(style)
            if metrics is not None:
                size, bold = metrics
                tallest = max(tallest, fit.height(fit.line_count(text, width, bold=bold), size))
        return tallest if tallest > fit.ONE_LINE else None

    @staticmethod
    def _metrics(style):
        """(font size, bold) of a style name or a Cell whose text wraps; None if it does not."""
        if not isinstance(style, Cell):
            return WRAPPING.get(style)
        alignment = style.alignment
        if not alignment.wrap_text or alignment.textRotation:
            return None  # rotated text: its row is given a height by the report
        return style.font.sz or 11, bool(style.font.b)

    def _write(self, cells, height=None):
        self.row += 1
        if height:
            # The row's attributes as openpyxl's writer reads them (WorksheetWriter.write_row):
            # a plain dict, not a RowDimension, which costs as much as counting the lines.
            self.ws.row_dimensions[self.row] = {"ht": str(height), "customHeight": "1"}
        if self._held is None:
            self.ws.append(cells)
            # Written: the row's height is no longer needed (a large log has many rows).
            self.ws.row_dimensions.pop(self.row, None)
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
        """One row of merged segments: (first column, last column, value, style), as tall as
        its text unless `height` is given."""
        columns = max(last for _first, last, _value, _style in segments)
        cells, values, styles = [None] * columns, [None] * columns, [None] * columns
        for first, _last, value, style in segments:
            cells[first - 1] = self.cell(value, style)
            values[first - 1], styles[first - 1] = cells[first - 1].value, style
        if height is None:
            spans = [(first, last) for first, last, _value, _style in segments if last > first]
            height = self._height(values, styles, None, spans)
        row = self._write(cells, height)
        for first, last, _value, _style in segments:
            if last > first:
                self.merge(row, first, row, last)
        return row

    def page_break(self):
        """Print what follows on a new page (e.g. a chart, which is not cut across pages)."""
        self.ws.row_breaks.append(Break(id=self.row))

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
        for text in titles:
            self.line((1, self.columns, text, TITLE))
        for text in notes:
            self.line((1, self.columns, text, SUBTITLE))
        self.blank()

    def _issuer_span(self):
        """Enough leading columns for "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI" on one line."""
        total = 0
        for index, width in enumerate(self.widths, 1):
            total += width
            if total >= 46:
                return index
        return self.columns

    def header(self, *rows, heights=()):
        """Header rows (all of the sheet's width), repeated on every printed page.

        In a row, SPAN extends the cell to its left; a column whose text is in
        the first row only is merged down through the other header rows. A
        value may be a ready Cell (e.g. with rotated text). `heights` are the
        rows' heights in points (None: as tall as the row's text). Returns the
        number of the last header row.
        """
        first = self.row + 1
        last = first + len(rows) - 1
        merges = []  # (row, column, bottom, last column) of each merged cell
        for offset, values in enumerate(rows):
            for column, value in enumerate(values, 1):
                if value is None or value is SPAN:
                    continue
                span = column
                while span < len(values) and values[span] is SPAN:
                    span += 1
                bottom = first + offset
                if offset == 0 and all(below[column - 1] is None for below in rows[1:]):
                    bottom = last
                merges.append((first + offset, column, bottom, span))
        row_heights = self._header_heights(rows, heights, merges, first)
        for values, height in zip(rows, row_heights, strict=True):
            cells = [
                v if isinstance(v, Cell) else self.cell(None if v is SPAN else v, HEADER)
                for v in values
            ]
            self._write(cells, height)
        for row, column, bottom, span in merges:
            if span > column or bottom > row:
                self.merge(row, column, bottom, span)
        self.ws.print_title_rows = f"{first}:{last}"
        self._release()
        return last

    def _header_heights(self, rows, heights, merges, first):
        """The height of each header row: as tall as its text, at least as given; a cell
        merged down through several rows makes the last of them taller when they are too
        short for it."""
        result = []
        for offset, values in enumerate(rows):
            texts = [None] * len(values)
            spans = []
            turned = [heights[offset] if offset < len(heights) else None]
            for row, column, bottom, span in merges:
                if row != first + offset or bottom != row:
                    continue
                value = values[column - 1]
                if isinstance(value, Cell) and value.alignment.textRotation:
                    width = sum(self.widths[column - 1 : span])
                    turned.append(fit.turned_height(value.value, width, bold=bool(value.font.b)))
                    continue
                texts[column - 1] = value
                if span > column:
                    spans.append((column, span))
            turned.append(self._height(texts, [HEADER] * len(values), HEADER, spans))
            result.append(max((h for h in turned if h), default=None))
        for row, column, bottom, span in merges:
            if bottom == row:
                continue
            value = rows[row - first][column - 1]
            spans = [(column, span)] if span > column else []
            texts = [None] * len(rows[0])
            texts[column - 1] = value
            needed = self._height(texts, [HEADER] * len(texts), HEADER, spans) or 0
            rows_height = sum(h or fit.ONE_LINE for h in result[row - first : bottom - first + 1])
            if needed > rows_height:
                tallest = result[bottom - first] or fit.ONE_LINE
                result[bottom - first] = tallest + needed - rows_height
        return result

    def group(self, label, *, at=1, merge=True):
        """A group row (a district): `label` in column `at`, bold."""
        values = [None] * self.columns
        values[at - 1] = label
        spans = [(at, self.columns)] if merge and at < self.columns else []
        return self.append(values, GROUP, spans=spans)

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
