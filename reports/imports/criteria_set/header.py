"""The header of a criteria-set workbook: which column holds what.

The header is the first row (of the first SEARCH_ROWS) with a "Số chỉ tiêu" column,
read alone or together with the row below it, for a two-row header whose top row
merges "Nhóm 1" over its three columns ("Yêu cầu", "So sánh", "Mức đạt" below).
Labels are compared without accents, case or punctuation, in any order; a group's
columns are found by "nhóm n" and one of "yêu cầu", "so sánh", "mức đạt".

A period with commune groups needs the three columns of each of its groups; a period
without groups needs plain "Yêu cầu", "So sánh", "Mức đạt". A missing column is one
file-level error naming every missing header.
"""

import re
from typing import NamedTuple

from django.utils.translation import gettext as _

from ..files import ImportFileError, cell_name
from ..names import folded

SEARCH_ROWS = 30
CRITERION, CODE, NAME, UNIT = "criterion", "code", "name", "unit"
TEXT, COMPARISON, TARGET = "text", "comparison", "target"
PARTS = (TEXT, COMPARISON, TARGET)

_KEYS = {
    "tieu chi": CRITERION,
    "tieu chi so": CRITERION,
    "so tieu chi": CRITERION,
    "tc": CRITERION,
    "so chi tieu": CODE,
    "chi tieu so": CODE,
    "ma chi tieu": CODE,
    "so hieu chi tieu": CODE,
    "so hieu": CODE,
    "noi dung chi tieu": NAME,
    "ten chi tieu": NAME,
    "chi tieu": NAME,
    "noi dung": NAME,
    "don vi": UNIT,
    "don vi tinh": UNIT,
    "dvt": UNIT,
}
# Checked in this order: "Yêu cầu (mức đạt) nhóm 1" is the text as printed.
_PART_WORDS = ((COMPARISON, "so sanh"), (TEXT, "yeu cau"), (TARGET, "muc dat"))
_GROUP = re.compile(r"\bnhom\s*(\d)\b")


def heading(part, group=None):
    """The header the template writes for a column: "Mức đạt nhóm 2", or "Mức đạt"."""
    label = {
        TEXT: _("Yêu cầu"),
        COMPARISON: _("So sánh"),
        TARGET: _("Mức đạt"),
        CRITERION: _("Tiêu chí"),
        CODE: _("Số chỉ tiêu"),
        NAME: _("Nội dung chỉ tiêu"),
        UNIT: _("Đơn vị"),
    }[part]
    if group is None:
        return label
    return _("%(label)s nhóm %(group)s") % {"label": label, "group": group}


def role(label):
    """(part, group) of a header label: (CODE, None), (TARGET, 2); None when unknown."""
    if not isinstance(label, str):
        return None
    key = folded(label)
    if key in _KEYS:
        return _KEYS[key], None
    match = _GROUP.search(key)
    for part, words in _PART_WORDS:
        if words in key:
            return part, int(match.group(1)) if match else None
    return None


class Header(NamedTuple):
    row: int  # the last header row
    columns: dict  # CRITERION / CODE / NAME / UNIT, or (part, group) -> column


def required(groups):
    """The columns a file must have: (part, group) for each group, (part, None) without."""
    keys = [CRITERION, CODE, NAME]
    for group in groups or [None]:
        keys += [(part, group) for part in PARTS]
    return keys


def label_of(key):
    return heading(key) if isinstance(key, str) else heading(*key)


def find(rows, groups):
    """The Header of `rows` (a list of files.Row) for a period with `groups` ([1, 2, 3] or
    []); ImportFileError naming what is missing or doubled."""
    best = None
    for index in range(min(len(rows), SEARCH_ROWS)):
        for depth in (1, 2):
            if index + depth > len(rows):
                continue
            columns, doubled = _columns(rows[index : index + depth])
            if CODE not in columns:
                continue
            missing = [key for key in required(groups) if key not in columns]
            candidate = (len(missing), Header(rows[index + depth - 1].number, columns))
            if not missing:
                _check(candidate[1], doubled, groups)
                return candidate[1]
            if best is None or candidate[0] < best[0]:
                best = (*candidate, missing)
    if best is None:
        raise ImportFileError(
            _(
                "Không tìm thấy dòng tiêu đề: cần các cột %(columns)s. Hãy dùng mẫu tải từ "
                "trang nhập chỉ tiêu."
            )
            % {"columns": ", ".join(f"“{label_of(key)}”" for key in required(groups))}
        )
    _count, header, missing = best
    extra = _extra_groups(header.columns, groups)
    if extra:
        raise extra
    raise ImportFileError(
        _("Thiếu cột %(columns)s (dòng tiêu đề %(row)s). %(rule)s")
        % {
            "columns": ", ".join(f"“{label_of(key)}”" for key in missing),
            "row": header.row,
            "rule": _rule(groups),
        }
    )


def _rule(groups):
    if groups:
        return _(
            "Mỗi nhóm xã của giai đoạn (nhóm %(groups)s) cần ba cột: Yêu cầu nhóm n, So sánh "
            "nhóm n, Mức đạt nhóm n."
        ) % {"groups": ", ".join(map(str, groups))}
    return _("Giai đoạn không chia nhóm xã: cần ba cột Yêu cầu, So sánh, Mức đạt.")


def _columns(rows):
    """({key: column}, [(key, first column, second column)]) of a one- or two-row header."""
    columns, doubled = {}, []
    width = max(len(row.values) for row in rows)
    for column in range(1, width + 1):
        if all(row.merged_from and row.merged_from.get(column) for row in rows):
            continue  # the label of its merged range's first column, read there
        parts = []
        for row in rows:
            value = row.value(column)
            if isinstance(value, str) and value not in parts:
                parts.append(value)
        found = role(" ".join(parts)) if parts else None
        if found is None:
            continue
        key = found[0] if found[0] in (CRITERION, CODE, NAME, UNIT) else found
        if key in columns:
            doubled.append((key, columns[key], column))
            continue
        columns[key] = column
    return columns, doubled


def _check(header, doubled, groups):
    for key, first, second in doubled:
        if key in required(groups) or key == UNIT:
            raise ImportFileError(
                _("Cột “%(label)s” có hai lần (ô %(first)s và %(second)s); hãy giữ một cột.")
                % {
                    "label": label_of(key),
                    "first": cell_name(header.row, first),
                    "second": cell_name(header.row, second),
                }
            )
    extra = _extra_groups(header.columns, groups)
    if extra:
        raise extra


def _extra_groups(columns, groups):
    """The error for columns of a group the period does not have; None when there are none."""
    extra = sorted(
        {key for key in columns if isinstance(key, tuple) and key[1] is not None}
        - {(part, group) for part in PARTS for group in groups},
        key=lambda key: (key[1], PARTS.index(key[0])),
    )
    if not extra:
        return None
    shown = ", ".join(f"“{label_of(key)}”" for key in extra)
    if groups:
        return ImportFileError(
            _("Giai đoạn của bộ tiêu chí chỉ có nhóm %(groups)s; tệp có cột %(columns)s.")
            % {"groups": ", ".join(map(str, groups)), "columns": shown}
        )
    return ImportFileError(
        _(
            "Giai đoạn của bộ tiêu chí không chia nhóm xã: dùng ba cột Yêu cầu, So sánh, Mức "
            "đạt (không ghi nhóm); tệp có cột %(columns)s."
        )
        % {"columns": shown}
    )
