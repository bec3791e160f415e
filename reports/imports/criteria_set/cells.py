"""The cells of a criteria-set workbook as the office types them, read into values.

Each reader returns the value, or raises CellError with the Vietnamese words that
say what is wrong with the cell (the planner puts them into the row's sentence).
Text cells arrive trimmed, single-spaced and in NFC (files.clean_value).
"""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from core.numbers import read_decimal

from ..names import folded

# Requirement.target: max_digits=14, decimal_places=4.
PLACES = Decimal("0.0001")
LIMIT = Decimal("1e10")
# What binary floating point adds to a number typed with four places or fewer.
FLOAT_NOISE = Decimal("1e-9")

COMPARISONS = {
    "≥": ">=",
    ">=": ">=",
    "=>": ">=",
    ">": ">",
    "≤": "<=",
    "<=": "<=",
    "=<": "<=",
    "<": "<",
    "=": "=",
    "==": "=",
}
SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}

_CRITERION = re.compile(r"^(?:tieu chi|tc)?\s*(\d{1,2})(?:\s|$)")
_CODE = re.compile(r"^(\d{1,2})(?:\.(\d{1,2}[a-z]?)){1,2}$")
_CODE_PREFIX = re.compile(r"^(?:chỉ tiêu|chi tieu|ct)\s*", re.IGNORECASE)
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


class CellError(ValueError):
    """The cell cannot be read; the message is a Vietnamese phrase."""


def criterion_number(value):
    """2 for 2, 2.0, "2", "TC2", "Tiêu chí 2", "2. Hạ tầng kinh tế – xã hội"; None for a
    blank cell; CellError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” không phải số tiêu chí") % {"value": value})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if value > 0:
            return value
        raise CellError(_("“%(value)s” không phải số tiêu chí") % {"value": value})
    match = _CRITERION.match(folded(value))
    if match is None:
        raise CellError(_("“%(value)s” không phải số tiêu chí") % {"value": value})
    return int(match.group(1))


def indicator_code(value):
    """ "2.3" for "2.3", " 2.3. ", "2,3", "Chỉ tiêu 2.3" or 2.3 typed as a number; None for a
    blank cell; CellError for anything else ("2", "abc").

    A number loses its trailing zero in Excel (2.10 becomes 2.1): the template's column is
    text, and a file with both "2.1" and "2.10" typed as numbers shows them as duplicates.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” không phải số chỉ tiêu") % {"value": value})
    if isinstance(value, int | float):
        value = repr(float(value)) if isinstance(value, float) else str(value)
    code = _CODE_PREFIX.sub("", str(value).strip()).replace(",", ".").rstrip(".").lower()
    code = re.sub(r"\s*\.\s*", ".", code)
    if not _CODE.match(code):
        raise CellError(
            _("“%(value)s” không phải số chỉ tiêu (ghi dạng 2.3: số tiêu chí, dấu chấm, số thứ tự)")
            % {"value": value}
        )
    return code


def comparison(value):
    """ ">=" for "≥", ">=" or "=>" (and the other four); "" for a blank cell."""
    if value is None:
        return ""
    key = re.sub(r"\s+", "", str(value))
    if key in COMPARISONS:
        return COMPARISONS[key]
    raise CellError(
        _("“%(value)s” không phải phép so sánh (ghi một trong ≥ > ≤ < = hoặc để trống)")
        % {"value": value}
    )


def target(value):
    """The number of a "Mức đạt" cell as a Decimal, or None for a blank cell.

    Typed as a number or as text: "90", "90%", "0,5" (decimal comma), "1.500" and
    "1.500,5" (dots between thousands), "2.5" (a decimal point, read as typed).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise not_a_number(value)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
        rounded = number.quantize(PLACES)
        if abs(number - rounded) <= FLOAT_NOISE:
            number = rounded
    else:
        number = _text_number(str(value))
    if not number.is_finite() or abs(number) >= LIMIT:
        raise not_a_number(value)
    if number != number.quantize(PLACES):
        raise CellError(
            _("mức đạt “%(value)s” có quá 4 chữ số sau dấu thập phân") % {"value": value}
        )
    return number.quantize(PLACES)


def _text_number(typed):
    number = read_decimal(typed)
    if number is None:
        raise not_a_number(typed)
    return number


def not_a_number(value):
    return CellError(_("mức đạt “%(value)s” không phải là số") % {"value": value})


def is_numbering(value, column):
    """Whether `value` numbers its column, as official forms do under the header: (1) (2) …"""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == column
    return isinstance(value, str) and _NUMBERING.match(value.strip()) is not None


def shown(number):
    """A target as the office writes it: 90, 0,5 (for the preview and the set page)."""
    text = format(number.normalize(), "f")
    return text.replace(".", ",")
