"""The layout of a decision's annex as the office types it: header, group rows, names.

The sheet has a title block of any height, then a header row found by its
column names (any order, with or without diacritics; a second header row
such as "Họ và tên" | "Chức vụ" under a merged "Lãnh đạo" is understood),
then rows grouped by district ("I. HUYỆN BÁT XÁT", "Huyện Bát Xát", "BÁT XÁT"
alone in the row), possibly under old province headings ("A. TỈNH YÊN BÁI", "Yên
Bái (cũ)"); on the current map both are orientation only (reference.py). Blank
rows, total rows ("Tổng cộng", "Cộng"), rows of column numbers and the lower part
of cells merged over several rows are skipped; the signature block ends the table.

A cell merged over several rows (an agency over the consecutive leaders it
sends, a district or a position) gives its value to each of them, and a blank
row inside it stays a blank row. A cell merged across the position and agency
columns, or a whole title typed in the position cell, is split by titles.py
(RawRow.split_from keeps what was typed). A workbook of another kind (the visit
log, the criteria matrix …) is refused at its header by kinds.py.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from communes import text

from . import kinds, titles
from .files import ImportFileError, cell_name
from .names import folded, looks_like_position, split_name, strip_honorific

STT, NAME, POSITION, AGENCY, COMMUNE, DISTRICT = (
    "stt",
    "name",
    "position",
    "agency",
    "commune",
    "district",
)
REQUIRED = {NAME, COMMUNE}  # and AGENCY or POSITION
COMMUNE_HEADERS = ("ten xa", "xa duoc", "xa giup", "xa phu trach", "xa nhan", "xa thi tran")
DISTRICT_HEADERS = {"huyen", "ten huyen", "thuoc huyen", "huyen thi xa", "huyen thi xa thanh pho"}


def no_header_error():
    return ImportFileError(
        _("Không tìm thấy dòng tiêu đề: cần các cột Họ và tên, Chức vụ, Cơ quan, Xã.")
    )


# --- recognising the layout ---------------------------------------------------------


def header_role(value):
    """The column a header cell names, or None."""
    if value is None or not isinstance(value, str) or len(value) > 60:
        return None
    key = folded(value)
    if key in {"stt", "tt", "so tt", "so thu tu"}:
        return STT
    if key.startswith(("chuc vu", "chuc danh")):
        return POSITION
    if key.startswith(("ho va ten", "ho ten", "lanh dao", "ten lanh dao", "nguoi phu trach")):
        return NAME
    if key.startswith(("co quan", "don vi", "ten co quan", "ten don vi")):
        return AGENCY
    # Narrow on purpose: "Xã Bản Vược" or "Huyện Bát Xát" in a cell is data, not a header.
    if key == "xa" or key.startswith(COMMUNE_HEADERS):
        return COMMUNE
    if key in DISTRICT_HEADERS:
        return DISTRICT
    return None


def find_header(grid):
    """(columns by role, first data row, header row) of the sheet's header, or None.

    A header names the leader's column and the commune's, and the agency's or the
    position's: "Chức vụ, đơn vị" holding both (the agency is split from it).
    """
    for row in range(1, grid.max_row + 1):
        roles = _roles(grid, row)
        if not _is_header(set(roles.values())):
            continue
        first_data = row + 1
        # A two-row header: "Lãnh đạo" over "Họ và tên" | "Chức vụ".
        below = {
            column: value
            for column in range(1, grid.max_column + 1)
            if (value := grid.value(row + 1, column)) is not None
            and (row + 1, column) not in grid.continued
        }
        if len(below) >= 2 and all(header_role(value) for value in below.values()):
            roles.update({column: header_role(value) for column, value in below.items()})
            first_data = row + 2
        columns = Columns()
        for column in sorted(roles):
            first = columns.setdefault(roles[column], column)
            if first != column and grid.merged_from.get((row, column)) == first:
                columns.spans.setdefault(roles[column], []).append(column)
        if _is_header(set(columns)):
            return columns, first_data, row
    return None


class Columns(dict):
    """{role: its column}; `spans` {role: [further columns]} of a header cell merged
    across several columns ("Chức vụ, đơn vị" over two): their cells are read as one."""

    def __init__(self):
        super().__init__()
        self.spans = {}


def _is_header(roles):
    return roles >= REQUIRED and bool(roles & {AGENCY, POSITION})


def _roles(grid, row):
    return {
        column: role
        for column in range(1, grid.max_column + 1)
        if (role := header_role(grid.value(row, column)))
    }


_NUMBER_TOKEN = re.compile(r"^\(?\d+\)?\.?$")
_ROMAN_TOKEN = re.compile(r"^[IVXLC]+\.?$")
_GROUP_PREFIX = re.compile(r"^(?:[IVXLC]+|\d+|[A-Z])\s*[.)/-]\s*")
_TRAILING_NOTE = re.compile(r"\s*\(.*\)\s*$")
_DISTRICT_WORDS = re.compile(r"^(huyện|thị xã|thành phố|tp\.?|tx\.?)\s", re.IGNORECASE)
_PROVINCE_WORD = re.compile(r"^tỉnh\s")
_OLD_MARK = re.compile(r"(?:\s+|\s*\()cũ\)?$")
_TOTAL = re.compile(r"^(tổng cộng|tổng số|tổng|cộng)(\s|:|$)")
_TOTAL_FOLDED = re.compile(r"^(tong cong|tong so)(\s|$)")


def _is_number_token(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return bool(_NUMBER_TOKEN.match(str(value)) or _ROMAN_TOKEN.match(str(value)))


# The signature block under the table ("Lào Cai, ngày …", "NGƯỜI LẬP BIỂU", "Nơi nhận:").
_SIGNATURE = re.compile(
    r"^(nguoi lap|thu truong|noi nhan|ky ten|ky ghi ro|tm |kt |(.{0,40} )?ngay( \d+)? thang )"
)


def _signature_text(value):
    return isinstance(value, str) and bool(_SIGNATURE.match(folded(value) + " "))


def _is_signature(values, commune):
    """A row of the signature block: its commune cell is empty or part of the block."""
    if commune and not _signature_text(commune):
        return False
    return any(_signature_text(value) for value in values)


def _is_total(values):
    first = next((v for v in values if isinstance(v, str) and not _is_number_token(v)), None)
    if first is None:
        return False
    return bool(_TOTAL.match(text.clean(first)) or _TOTAL_FOLDED.match(folded(first)))


def district_name(value):
    """The district a group row names: "I. HUYỆN BÁT XÁT" → "HUYỆN BÁT XÁT"."""
    value = _GROUP_PREFIX.sub("", str(value).strip())
    return _TRAILING_NOTE.sub("", value).strip()


def province_heading(value):
    """The province a group row names, or None: "A. TỈNH YÊN BÁI" → "tỉnh yên bái",
    "Yên Bái (cũ)" → "yên bái". A row naming a district ("Huyện Bắc Hà (cũ)") names none."""
    value = text.clean(_GROUP_PREFIX.sub("", str(value).strip()))
    old = _OLD_MARK.search(value)
    if old is not None:
        value = value[: old.start()].strip()
    if not value or not (old is not None or _PROVINCE_WORD.match(value)):
        return None
    return None if _DISTRICT_WORDS.match(value) else value


# --- reading the rows -----------------------------------------------------------------


@dataclass
class RawRow:
    row: int
    name: str = ""
    position: str = ""
    agency: str = ""
    commune: str = ""
    district: object = None  # District, or None when unknown
    province: object = None  # the Province a heading above names, or None
    district_text: str = ""
    error: str = ""
    # The whole title as typed when the position and the agency were split from one
    # cell ("Phó Giám đốc Sở Tư pháp"); empty when each had its own cell.
    split_from: str = ""


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(grids, reference, known=None):
    """The data rows of the first sheet with a recognisable annex header.

    A workbook of another kind (kinds.py) is refused with one sentence saying what
    it is. `known` (titles.KnownAgencies) are the agencies a title cell is split
    against; by default the portal's.
    """
    other = None
    for grid in grids:
        found = find_header(grid)
        kind = kinds.recognise(grid, found[2] if found else None)
        if kind is not None:
            other = other or kind
            continue
        if found is not None:
            known = known if known is not None else titles.KnownAgencies.load()
            return list(_rows(grid, found[0], found[1], reference, known))
    if other is not None:
        raise other.error()
    raise no_header_error()


def _rows(grid, columns, first_data, reference, known):
    current = province = None
    for row in range(first_data, grid.max_row + 1):
        values = grid.row(row)
        filled = [(c, v) for c, v in enumerate(values, start=1) if v is not None]
        # Cells of this row, not the lower part of cells merged over several rows.
        own = [(c, v) for c, v in filled if (row, c) not in grid.continued]
        if not own:
            continue
        if _is_signature(values, _cell(grid, row, columns, COMMUNE)):
            break  # everything below belongs to the signature block
        if all(_is_number_token(v) for _c, v in filled) or _is_total(values):
            continue
        formula = sorted(
            c for c in range(1, grid.max_column + 1) if (row, c) in grid.formulas_without_value
        )
        if formula:
            yield RawRow(row=row, error=_formula_error(row, formula))
            continue
        texts = {_text(v) for _c, v in own if not _is_number_token(v)}
        if not texts:
            continue  # a number beside cells merged from above: a blank row inside a merge
        if len(texts) == 1:
            label = next(iter(texts))
            named = province_heading(label)
            if named is not None and (found := reference.province(named)) is not None:
                current, province = None, found
                continue
            district = reference.district(district_name(label))
            if district is not None:
                current = district
                continue
            if _DISTRICT_WORDS.match(district_name(label)) or _GROUP_PREFIX.match(label):
                current = None
                if reference.is_current:
                    continue  # an old district's heading, only for orientation on today's map
                yield RawRow(
                    row=row,
                    error=_("Dòng %(row)s: không nhận ra huyện “%(value)s”.")
                    % {"row": row, "value": label},
                )
                continue
            if any((row + 1, c) in grid.continued for c, _v in own):
                continue  # only the top of a cell merged over the rows below: not a heading
            alone = len(own) == len(filled)
            if alone and (
                label != _cell(grid, row, columns, COMMUNE)
                or label in {_cell(grid, row, columns, NAME), _cell(grid, row, columns, AGENCY)}
            ):
                current = None  # a heading that names no district: match communes province-wide
                continue  # ("KHỐI CÁC SỞ, NGÀNH")
        yield _data_row(grid, row, columns, current, reference, known, province)


# The roles whose cells hold text of their own: a cell merged into one of them from
# another's column (Chức vụ and Cơ quan merged into one) belongs to the first.
_TEXT_ROLES = (NAME, POSITION, AGENCY, COMMUNE, DISTRICT)


def _cell(grid, row, columns, role):
    column = columns.get(role)
    if not column:
        return ""
    first = grid.merged_from.get((row, column))
    value = _text(grid.value(row, column))
    if first is not None and any(
        columns.get(other) == first for other in _TEXT_ROLES if other != role
    ):
        value = ""
    more = [
        _text(grid.value(row, c))
        for c in columns.spans.get(role, ())
        if (row, c) not in grid.merged_from
    ]
    return " ".join(part for part in [value, *more] if part)


def _formula_error(row, columns):
    return _(
        "Dòng %(row)s: ô %(cells)s là công thức chưa có giá trị tính sẵn. Hãy mở tệp bằng "
        "Excel, để Excel tính rồi lưu lại (hoặc dán giá trị thay cho công thức)."
    ) % {"row": row, "cells": ", ".join(cell_name(row, c) for c in columns)}


def _data_row(grid, row, columns, current, reference, known, province=None):
    def cell(role):
        return _cell(grid, row, columns, role)

    raw = RawRow(row=row, district=current, province=province)
    name, position = split_name(cell(NAME)) if cell(NAME) else ("", "")
    # "NGUYỄN VĂN AN" typed in capitals is kept as "Nguyễn Văn An".
    raw.name = name.title() if name.isupper() else name
    raw.position = strip_honorific(cell(POSITION)) or position
    raw.agency = cell(AGENCY)
    _split_title(raw, known)
    raw.commune = cell(COMMUNE)
    if cell(DISTRICT):
        raw.district_text = cell(DISTRICT)
        raw.district = reference.district(district_name(cell(DISTRICT)))
        if raw.district is None and not reference.is_current:
            raw.error = _("Dòng %(row)s: không nhận ra huyện “%(value)s”.") % {
                "row": row,
                "value": cell(DISTRICT),
            }
    elif current is not None:
        raw.district_text = current.name
    return raw


def _split_title(raw, known):
    """The position and the agency typed in one cell, the other left empty (titles.py)."""
    if raw.position and not raw.agency:
        found = titles.split_title(raw.position, known)
    elif raw.agency and not raw.position:
        found = titles.split_title(raw.agency, known)
        if found is not None and not looks_like_position(found.position):
            found = None  # "Công ty Điện lực Lào Cai" is an agency, not a title
    else:
        return
    if found is not None:
        raw.split_from = raw.position or raw.agency
        raw.position, raw.agency = found
