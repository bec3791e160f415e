"""The cell machinery under Sheet (core/excel/writer.py): number formats, NTM Portal's
named styles, and the write-only workbook whose worksheets take ready cells.

Cells are cheap to write: each named style is resolved once per sheet
(SharedStyle) and shared by the cells written in it, and the sheet hands
openpyxl ready cells (ReadyCell) that its worksheet (ReadyWorksheet) only
places, instead of openpyxl's conversion of every value.
"""

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
INTEGER_FORMAT = "#,##0"  # money in VND and counts
DECIMAL_FORMAT = "#,##0.00"
AVERAGE_FORMAT = "#,##0.0"

# Named styles (registered once per workbook by new_workbook).
TITLE = "ntm title"
SUBTITLE = "ntm subtitle"
ISSUER = "ntm issuer"
ISSUER_BOLD = "ntm issuer bold"
HEADER = "ntm header"
CELL = "ntm cell"
CENTER = "ntm center"
GROUP = "ntm group"
TOTAL = "ntm total"
MET = "ntm met"
NOTE = "ntm note"
SIGN = "ntm sign"


def named_styles():
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    top = Alignment(vertical="top", wrap_text=True)
    middle = Alignment(horizontal="center", vertical="center", wrap_text=True)
    specs = {
        TITLE: {"font": Font(bold=True, size=13), "alignment": middle},
        SUBTITLE: {"font": Font(italic=True), "alignment": middle},
        ISSUER: {"alignment": middle},
        ISSUER_BOLD: {"font": Font(bold=True), "alignment": middle},
        HEADER: {
            "font": Font(bold=True),
            "alignment": middle,
            "border": box,
            "fill": PatternFill("solid", fgColor="E7EEF3"),
        },
        CELL: {"alignment": top, "border": box},
        CENTER: {"alignment": Alignment(horizontal="center", vertical="top"), "border": box},
        GROUP: {
            "font": Font(bold=True),
            "alignment": top,
            "border": box,
            "fill": PatternFill("solid", fgColor="F3F3F3"),
        },
        TOTAL: {"font": Font(bold=True), "alignment": top, "border": box},
        # Excel's own "Good" colours, so a met cell reads as met when printed in colour.
        MET: {
            "font": Font(color="006100"),
            "alignment": Alignment(horizontal="center", vertical="top"),
            "border": box,
            "fill": PatternFill("solid", fgColor="C6EFCE"),
        },
        NOTE: {"font": Font(italic=True), "alignment": middle},
        SIGN: {"font": Font(bold=True), "alignment": middle},
    }
    for name, attributes in specs.items():
        style = NamedStyle(name=name)
        for attribute, value in attributes.items():
            setattr(style, attribute, value)
        yield style


class SharedStyle(StyleArray):
    """The attributes of one style, shared by all the cells of a sheet in that style.

    Never changed once made (Sheet.cell gives a cell a copy of its own), so
    its hash, and its number among the workbook's cell styles, which
    openpyxl would look up for every cell written, are found once.
    """

    __slots__ = ("_hash", "number")

    def __new__(cls, attributes):
        style = super().__new__(cls, attributes)
        style._hash = hash(tuple(style))
        style.number = None
        return style

    def __hash__(self):
        return self._hash


class ReadyCell(Cell):
    """A cell of a Sheet, made in one step, already typed and styled (see Sheet.cell)."""

    __slots__ = ()

    def __init__(self, worksheet, value, data_type, style):
        self.parent = worksheet
        self._style = style
        self._value = value
        self.data_type = data_type
        self._hyperlink = None
        self._comment = None
        self.row = self.column = 1  # placed when written

    @property
    def style_id(self):
        style = self._style
        if type(style) is not SharedStyle:
            return super().style_id
        if style.number is None:
            style.number = self.parent.parent._cell_styles.add(style)
        return style.number


class ReadyWorksheet(WriteOnlyWorksheet):
    """A write-only worksheet whose rows are lists of ready cells (Sheet makes every cell).

    openpyxl's own conversion, handed a Cell, first tries to store it as a
    value and takes it as a cell only after that fails (raising and formatting
    an error message each time): a sixth of the time of a large export. Here
    a cell is only placed; a plain value still goes through openpyxl's typing.
    A cell is placed just before it is written, so one Cell may stand in
    several places (Sheet's blanks). (No cell of NTM Portal has a hyperlink,
    which openpyxl would have placed as well.)
    """

    def _values_to_row(self, values, row_idx):
        for column, value in enumerate(values, 1):
            if value is None:
                continue
            cell = value if isinstance(value, Cell) else WriteOnlyCell(self, value)
            cell.row = row_idx
            cell.column = column
            yield cell


class ReadyWorkbook(Workbook):
    """A write-only workbook (see writer.new_workbook) whose sheets are ReadyWorksheets."""

    def create_sheet(self, title=None, index=None):
        sheet = ReadyWorksheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet
