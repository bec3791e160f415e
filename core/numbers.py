"""Numbers as the office types them, Vietnamese first: the one reader every form and import uses.

"80", "80,5" (decimal comma), "1.000" and "1.000,5" (dots between thousands), and, as
people also write them, "80.5" and "1,000.5"; a sign and a trailing "%" are allowed,
spaces (also no-break ones) ignored. Whether a sign, a number of decimals or a size is
acceptable is the caller's rule.
"""

import re
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_FORMS = (
    (re.compile(r"\d+(,\d+)?"), lambda d: d.replace(",", ".")),  # 80 or 80,5
    (re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?"), lambda d: d.replace(".", "").replace(",", ".")),
    (re.compile(r"\d+\.\d+|\d{1,3}(,\d{3})+(\.\d+)?"), lambda d: d.replace(",", "")),
)


def read_decimal(text):
    """The Decimal `text` writes, or None when it is not a number in one of those forms."""
    typed = _SPACES.sub("", str(text)).removesuffix("%").replace("−", "-")
    sign = "-" if typed[:1] == "-" else ""
    digits = typed[1:] if typed[:1] in ("-", "+") else typed
    for pattern, plain in _FORMS:
        if pattern.fullmatch(digits):
            try:
                return Decimal(sign + plain(digits))
            except InvalidOperation:
                return None
    return None
