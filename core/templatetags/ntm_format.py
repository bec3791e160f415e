"""Numbers, money and people the way the office writes them (1.234.567 đ in Vietnamese)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from core import formats

register = template.Library()


@register.filter
def number(value, decimals=None):
    """Grouped thousands in the active language: 12.345 (vi) or 12,345 (en)."""
    if value is None or value == "":
        return "–"
    try:
        value = Decimal(value)
    except (ValueError, ArithmeticError, TypeError):
        return value
    if decimals is None:
        decimals = 0 if value == value.to_integral_value() else 1
    return number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)


@register.filter
def vnd(value):
    """A VND amount: 1.500.000 đ (no decimals: the đồng has no subunit in use)."""
    if value is None or value == "":
        return "–"
    return f"{number(value, 0)} đ"


@register.filter
def display_name(user, missing=""):
    """{{ event.actor|display_name:_("(tài khoản đã xoá)") }}: full name, else login name."""
    return formats.display_name(user, missing)
