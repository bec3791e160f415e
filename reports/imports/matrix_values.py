"""What the cells of a criteria matrix hold: column headings, commune codes, met words, numbers.

Read by the matrix importer (matrix.py, matrix_indicators.py) and by kinds.py, which
tells the portal's own files apart by their headings.
"""

import re
from decimal import Decimal

from communes import text
from core.numbers import read_decimal

# The headers of a matrix sheet's unit columns (folded), on the criteria and indicator sheets.
UNIT_HEADERS = {
    "ma xa": "code",
    "ma": "code",
    "ten xa": "name",
    "xa": "name",
    "stt": "stt",
    "tt": "stt",
    "so tt": "stt",
    "so thu tu": "stt",
}


MET_WORDS = {"đạt", "dat", "x", "1", "✓", "✔", "true", "có"}
UNMET_WORDS = {"chưa đạt", "chua dat", "không đạt", "khong dat", "0", "-", "false", "không"}
# "TC3", "TC 3", "Tiêu chí 3", and the 2026 layout's "TC3 Phát triển kinh tế nông thôn"
# (folded: punctuation is a space, so "TC1.2" is no criterion: a digit follows).
_CRITERION = re.compile(r"^(?:tc|tieu chi)\s*(\d{1,2})(?:\s+(\D.*))?$")
# "Chỉ tiêu 2.3", "CT 2.3", "CT2.3", "2.3", "17.8a": a number with a dot (never "5").
_INDICATOR = re.compile(r"^(?:chi tieu|ct)?\s*(\d{1,2}(?:\.\d{1,2})+[a-z]?)$")
# After a criterion's name in the 2026 layout: its result follows from its indicators.
DERIVED = "(tính từ chỉ tiêu)"
_DERIVED = "tinh tu chi tieu"
_ORDINAL = re.compile(r"^\d{1,5}\.?$")
# IndicatorResult.value: 14 digits, 4 of them decimals.
VALUE_PLACES = Decimal("0.0001")
VALUE_LIMIT = Decimal("1e10")


def folded(value):
    """Lower case, no accents, punctuation as spaces: "TC2 Hạ tầng" → "tc2 ha tang"."""
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]+", " ", text.fold(str(value)))).strip()


def criterion_header(value):
    """(3, "phat trien kinh te nong thon") for "TC3 Phát triển kinh tế nông thôn", (3, "") for
    "TC3"; None for anything else. The 2026 layout's DERIVED note after a name is no part of it.
    """
    if not isinstance(value, str):
        return None
    match = _CRITERION.match(folded(value))
    if not match:
        return None
    name = match.group(2) or ""
    if name.endswith(_DERIVED):
        name = name[: -len(_DERIVED)].rstrip()
    return int(match.group(1)), name


def criterion_number(value):
    """3 for "TC3", "TC 3", "tc3", "Tiêu chí 3", "TC3 Phát triển …"; None for anything else."""
    found = criterion_header(value)
    return found[0] if found else None


def indicator_code(value):
    """ "2.3" for "Chỉ tiêu 2.3", "CT 2.3" or "2.3" typed as text; None for anything else
    (a number: Excel reads "2.10" typed in a cell as 2.1)."""
    if not isinstance(value, str):
        return None
    match = _INDICATOR.match(re.sub(r"\s+", " ", text.fold(value)).strip())
    return match.group(1) if match else None


def met_value(value):
    """True (met), False (not met) or None (not a value the layout knows)."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {1: True, 0: False}.get(value)
    word = text.clean(value)
    if word in MET_WORDS:
        return True
    if word in UNMET_WORDS:
        return False
    return None


def number_value(value):
    """The Decimal a cell holds (85, 85.5, "85,5", "1.234,5", "90 %": core.numbers), or None
    when it is not a number. Rounded to IndicatorResult's 4 decimals."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        number = read_decimal(value)
        if number is None:
            return None
    if not number.is_finite():
        return None
    if abs(number) >= VALUE_LIMIT:
        return None
    return number.quantize(VALUE_PLACES)


def shown(number):
    """A value as the preview shows it: "85", "85.5" (never "85.0000")."""
    if number is None:
        return ""
    return format(number.normalize(), "f")


def commune_code(value):
    """ "02710" from "02710", " 02710 " or 2710 (a code Excel turned into a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:05d}" if 0 < value < 100000 else str(value)
    return str(value).strip()


def ordinal(value):
    """Whether `value` is a row number: 1, 12.0 or "12" (not "I", "1.2" or a date)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value > 0
    return isinstance(value, str) and _ORDINAL.match(value) is not None
