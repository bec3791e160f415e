"""The layout of a decision's annex as the office types it: header, group rows, names.

The sheet has a title block of any height, then a header row found by its
column names (any order, with or without diacritics; a second header row
such as "Họ và tên" | "Chức vụ" under a merged "Lãnh đạo" is understood),
then rows grouped by district ("I. HUYỆN BÁT XÁT", "Huyện Bát Xát", "BÁT XÁT"
alone in the row). Blank rows, total rows ("Tổng cộng", "Cộng"), rows of
column numbers and the lower part of cells merged over several rows are
skipped; the signature block ends the table.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from communes import text

from .files import ImportFileError, cell_name

STT, NAME, POSITION, AGENCY, COMMUNE, DISTRICT = (
    "stt",
    "name",
    "position",
    "agency",
    "commune",
    "district",
)
REQUIRED = {NAME, AGENCY, COMMUNE}
COMMUNE_HEADERS = ("ten xa", "xa duoc", "xa giup", "xa phu trach", "xa nhan", "xa thi tran")
DISTRICT_HEADERS = {"huyen", "ten huyen", "thuoc huyen", "huyen thi xa", "huyen thi xa thanh pho"}


def no_header_error():
    return ImportFileError(
        _("Không tìm thấy dòng tiêu đề: cần các cột Họ và tên, Chức vụ, Cơ quan, Xã.")
    )


# --- recognising the layout ---------------------------------------------------------

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _folded(value):
    """Accent-free, punctuation-free lower case: "Cơ quan, đơn vị" → "co quan don vi"."""
    return _NOT_WORD.sub(" ", text.fold(str(value))).strip()


def header_role(value):
    """The column a header cell names, or None."""
    if value is None or not isinstance(value, str) or len(value) > 60:
        return None
    key = _folded(value)
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
    """(columns by role, first data row) of the sheet's header, or None."""
    for row in range(1, grid.max_row + 1):
        roles = _roles(grid, row)
        if not set(roles.values()) >= REQUIRED:
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
        columns = {}
        for column in sorted(roles):
            columns.setdefault(roles[column], column)
        if set(columns) >= REQUIRED:
            return columns, first_data
    return None


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
    return isinstance(value, str) and bool(_SIGNATURE.match(_folded(value) + " "))


def _is_signature(values, commune):
    """A row of the signature block: its commune cell is empty or part of the block."""
    if commune and not _signature_text(commune):
        return False
    return any(_signature_text(value) for value in values)


def _is_total(values):
    first = next((v for v in values if isinstance(v, str) and not _is_number_token(v)), None)
    if first is None:
        return False
    return bool(_TOTAL.match(text.clean(first)) or _TOTAL_FOLDED.match(_folded(first)))


def district_name(value):
    """The district a group row names: "I. HUYỆN BÁT XÁT" → "HUYỆN BÁT XÁT"."""
    value = _GROUP_PREFIX.sub("", str(value).strip())
    return _TRAILING_NOTE.sub("", value).strip()


# --- names, honorifics, positions -----------------------------------------------------

_HONORIFIC = re.compile(r"^(?:[đd]\s?/\s?c\b\.?|đồng chí\b|ông\b|bà\b)\s*:?\s*", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s+[–—-]\s+|\s*[,;:]\s*")
POSITION_WORDS = (
    "giam doc",
    "pho ",
    "chu tich",
    "truong ",
    "chanh ",
    "bi thu",
    "chi huy",
    "tong giam doc",
    "tong bien tap",
    "hieu truong",
    "uy vien",
    "tinh uy vien",
    "cuc truong",
    "vien truong",
    "thu truong",
    "chu nhiem",
    "dai ta",
    "thuong ta",
    "trung ta",
    "thieu tuong",
    "ke toan",
    "chuyen vien",
)


def strip_honorific(value):
    return _HONORIFIC.sub("", value.strip()).strip()


def looks_like_position(value):
    return (_folded(value) + " ").startswith(POSITION_WORDS)


# First words of agencies, never of a person's name.
ORGANISATION_WORDS = {
    "sở", "ban", "ủy", "uỷ", "ubnd", "hội", "ngân", "trường", "viện", "cục", "tỉnh", "đài",
    "báo", "liên", "phòng", "trung", "bộ", "văn", "công", "tổng", "chi", "thanh", "đảng",
}  # fmt: skip


def looks_like_name(value):
    words = value.split()
    return (
        2 <= len(words) <= 6
        and all(word[:1].isupper() for word in words)
        and text.clean(words[0]) not in ORGANISATION_WORDS
        and not looks_like_position(value)
    )


def split_name(cell):
    """(name, position or "") from "Giám đốc Sở Tài chính – Đ/c Nguyễn Văn A" and the like."""
    value = strip_honorific(cell)
    for separator in _SEPARATOR.finditer(value):
        left = strip_honorific(value[: separator.start()])
        right = strip_honorific(value[separator.end() :])
        if looks_like_name(left) and right and not looks_like_name(right):
            return left, right
        if looks_like_name(right) and left and not looks_like_name(left):
            return right, left
    # "Nguyễn Văn A Phó Giám đốc": a line break in the cell that became a space.
    words = value.split()
    for i in range(2, len(words) - 1):
        rest = " ".join(words[i:])
        if looks_like_position(rest) and looks_like_name(" ".join(words[:i])):
            return " ".join(words[:i]), rest
    return value, ""


def without_agency(position, agency_names):
    """ "Giám đốc Sở Tài chính" → "Giám đốc" when the row's agency is Sở Tài chính."""
    words = position.split()
    for name in agency_names:
        size = len(name.split())
        if name and len(words) > size:
            tail = " ".join(words[-size:])
            if text.match_key(tail, strip=False) == text.match_key(name, strip=False):
                return " ".join(words[:-size])
    return position


# --- reading the rows -----------------------------------------------------------------


@dataclass
class RawRow:
    row: int
    name: str = ""
    position: str = ""
    agency: str = ""
    commune: str = ""
    district: object = None  # District, or None when unknown
    district_text: str = ""
    error: str = ""


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(grids, reference):
    """The data rows of the first sheet with a recognisable header."""
    for grid in grids:
        found = find_header(grid)
        if found is not None:
            return list(_rows(grid, *found, reference))
    raise no_header_error()


def _rows(grid, columns, first_data, reference):
    current = None
    for row in range(first_data, grid.max_row + 1):
        values = grid.row(row)
        filled = [(c, v) for c, v in enumerate(values, start=1) if v is not None]
        if not filled:
            continue
        if all((row, c) in grid.continued for c, _v in filled):
            continue  # the lower part of cells merged over several rows
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
        texts = {_text(v) for _c, v in filled if not _is_number_token(v)}
        if len(texts) == 1:
            label = texts.pop()
            district = reference.district(district_name(label))
            if district is not None:
                current = district
                continue
            if _DISTRICT_WORDS.match(district_name(label)) or _GROUP_PREFIX.match(label):
                current = None
                yield RawRow(
                    row=row,
                    error=_("Dòng %(row)s: không nhận ra huyện “%(value)s”.")
                    % {"row": row, "value": label},
                )
                continue
            current = None  # a heading we do not know: match communes province-wide
            if label != _cell(grid, row, columns, COMMUNE) or label in {
                _cell(grid, row, columns, NAME),
                _cell(grid, row, columns, AGENCY),
            }:
                continue  # a heading that names no district ("KHỐI CÁC SỞ, NGÀNH")
        yield _data_row(grid, row, columns, current, reference)


def _cell(grid, row, columns, role):
    column = columns.get(role)
    return _text(grid.value(row, column)) if column else ""


def _formula_error(row, columns):
    return _(
        "Dòng %(row)s: ô %(cells)s là công thức chưa có giá trị tính sẵn. Hãy mở tệp bằng "
        "Excel, để Excel tính rồi lưu lại (hoặc dán giá trị thay cho công thức)."
    ) % {"row": row, "cells": ", ".join(cell_name(row, c) for c in columns)}


def _data_row(grid, row, columns, current, reference):
    def cell(role):
        return _cell(grid, row, columns, role)

    raw = RawRow(row=row, district=current)
    name, position = split_name(cell(NAME)) if cell(NAME) else ("", "")
    # "NGUYỄN VĂN AN" typed in capitals is kept as "Nguyễn Văn An".
    raw.name = name.title() if name.isupper() else name
    raw.position = strip_honorific(cell(POSITION)) or position
    raw.agency = cell(AGENCY)
    raw.commune = cell(COMMUNE)
    if cell(DISTRICT):
        raw.district_text = cell(DISTRICT)
        raw.district = reference.district(district_name(cell(DISTRICT)))
        if raw.district is None:
            raw.error = _("Dòng %(row)s: không nhận ra huyện “%(value)s”.") % {
                "row": row,
                "value": cell(DISTRICT),
            }
    elif current is not None:
        raw.district_text = current.name
    return raw
