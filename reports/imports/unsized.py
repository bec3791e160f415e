"""openpyxl's read-only workbook, its sheets not sized when it opens (files.Workbook).

openpyxl reads each sheet's <dimension> when a read-only workbook opens, and a sheet
without one (every write-only workbook, our exports and templates among them) is
parsed whole just to find its size: a national criteria matrix was read once more
than its rows are. The importer never needs the size (files.Workbook.rows() reads
every row whatever it says), so the sheets here are left unsized.
"""

import io

from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet


def load(data, data_only):
    """The read-only workbook of `data` (bytes), as openpyxl.load_workbook(read_only=True)."""
    # keep_links=False: container.check_container refuses a workbook with external links, and
    # openpyxl is not to read their parts in any case (it failed on one without its rels).
    reader = _Reader(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)
    reader.read()
    return reader.wb


class _Reader(ExcelReader):
    """openpyxl's reader (3.1), making each read-only sheet an _UnsizedSheet."""

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            worksheet = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet whose size stays unknown until asked for (calculate_dimension)."""

    def _get_size(self):
        pass
