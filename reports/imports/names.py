"""People as the office types them: honorifics, names in capitals, a name and a position
in one cell ("Giám đốc Sở Tài chính – Đ/c Nguyễn Văn A"), a position repeating the agency.
"""

import re

from communes import text

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def folded(value):
    """Accent-free, punctuation-free lower case: "Phó Giám đốc," → "pho giam doc"."""
    return _NOT_WORD.sub(" ", text.fold(str(value))).strip()


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
    "chi cuc truong",
    "chinh uy",
    "dai dien",
    "can bo",
    "q ",
    "quyen ",
    # as offices shorten them: PGĐ, GĐ, PCT, TGĐ, CVP, PCVP, PTB
    "pgd ",
    "gd ",
    "pct ",
    "tgd ",
    "ptgd ",
    "cvp ",
    "pcvp ",
    "ptb ",
)


def strip_honorific(value):
    return _HONORIFIC.sub("", value.strip()).strip()


def looks_like_position(value):
    return (folded(value) + " ").startswith(POSITION_WORDS)


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
