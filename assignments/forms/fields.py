"""What people type in the visit form, read the way they write it: amounts in đồng
("1.000.000 đ"), quantities ("2,5"), days (dd/mm/yyyy or a date picker's yyyy-mm-dd);
and the labels that sit above their fields.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core.fields import DayField
from core.formats import parse_day
from core.numbers import read_decimal

MAX_VND = 10**15  # a thousand trillion đồng: anything above is a typing slip

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CURRENCY = re.compile(r"(vnđ|vnd|đồng|đ)$")
_GROUPED = re.compile(r"\d{1,3}([.,])\d{3}(\1\d{3})*")


def parse_vnd(text):
    """Whole đồng from "1.000.000", "1000000", "1 000 000", "1,000,000" or "1.000.000 đ".

    The đồng has no subunit, so a dot or a comma can only group thousands.
    """
    value = _CURRENCY.sub("", _SPACES.sub("", text).lower())
    if value.startswith(("-", "−")):
        raise ValidationError(_("Giá trị (đồng) không được âm."), code="negative")
    if re.fullmatch(r"\d+", value) or _GROUPED.fullmatch(value):
        amount = int(re.sub(r"\D", "", value))
    elif re.fullmatch(r"\d+([.,]\d+)+", value):
        raise ValidationError(
            _("Giá trị tính bằng đồng, không có số lẻ: hãy ghi số nguyên, ví dụ 1.500.000."),
            code="fraction",
        )
    else:
        raise ValidationError(
            _("«%(value)s» không phải là số tiền: hãy ghi số đồng, ví dụ 1.000.000."),
            code="invalid",
            params={"value": text.strip()},
        )
    if amount >= MAX_VND:
        raise ValidationError(_("Giá trị quá lớn: hãy kiểm tra lại số chữ số."), code="too_big")
    return amount


def parse_quantity(text):
    """A decimal from "2,5", "2.5", "1.000", "1.000,5" or "1,000.5" (core.numbers)."""
    if _SPACES.sub("", text).startswith(("-", "−")):
        raise ValidationError(_("Số lượng không được âm."), code="negative")
    quantity = None if "%" in text else read_decimal(text)  # a quantity is no percentage
    if quantity is None:
        raise ValidationError(
            _("«%(value)s» không phải là số: hãy ghi ví dụ 2,5 hoặc 100."),
            code="invalid",
            params={"value": text.strip()},
        )
    quantity = quantity.normalize()
    if -quantity.as_tuple().exponent > 2:
        raise ValidationError(_("Số lượng ghi tối đa 2 chữ số thập phân."), code="decimals")
    if quantity >= 10**10:
        raise ValidationError(_("Số lượng quá lớn."), code="too_big")
    return quantity


class VndField(forms.CharField):
    """A VND amount typed as text, as people write it; shown grouped (1.000.000)."""

    # data-money: static/js/forms.js groups the digits as they are typed.
    widget = forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "data-money": ""}
    )

    def to_python(self, value):
        value = super().to_python(value)
        return parse_vnd(value) if value else None

    def prepare_value(self, value):
        if isinstance(value, int):
            return number_format(value, 0, force_grouping=True)
        return value


class QuantityField(forms.CharField):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        value = super().to_python(value)
        return parse_quantity(value) if value else None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            value = value.normalize()
            return number_format(value, max(0, -value.as_tuple().exponent))
        return value


class DateField(DayField):
    """A day as people type it (core.formats.parse_day: dd/mm/yyyy, 10/2/25, or the
    yyyy-mm-dd a date picker sends); shown to the picker as yyyy-mm-dd."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DatePickerInput())
        super().__init__(**kwargs)


class DatePickerInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        # Typed dd/mm/yyyy (a browser without a date picker) comes back as yyyy-mm-dd,
        # which is the only form a date input shows.
        if isinstance(value, str):
            try:
                day = parse_day(value)
            except ValueError:
                day = None
            if day is not None:
                return day.isoformat()
        return super().format_value(value)


def required(message):
    """The error_messages of a field that must be filled: {"required": message}."""
    return {"required": message}


class NoLabelSuffix:
    """Labels without Django's trailing colon: they sit above their fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
