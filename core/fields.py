"""Form fields shared by the forms: ids that the database can hold, and days as people type
them (DayField: every date of a form, a list's filter or a report's form).

A posted id such as 9999999999999999999999999 is a valid integer to Python, but
no row can have it: SQLite's driver raises OverflowError when it is sent in a
query (a server error where the form should say "not a valid choice"). Django
guards single lookups (``pk=``), not lists (``pk__in=``), which the multiple
choice fields and the admin's autocomplete widgets use.
"""

import calendar
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _

from .formats import NoSuchDay, parse_day


def fits(field, value):
    """False for a value of an integer field past the database's range; True otherwise
    (a value that is not a number at all is left to the field's own message)."""
    try:
        number = field.get_prep_value(field.to_python(value))
    except (ValidationError, ValueError, TypeError):
        return True
    if not isinstance(number, int):
        return True
    try:
        low, high = connection.ops.integer_field_range(field.get_internal_type())
    except KeyError:
        return True
    return (low is None or number >= low) and (high is None or number <= high)


def is_value_of(field, value):
    """Whether `value` can be looked up in `field` (a number for an integer field, in range)."""
    try:
        field.get_prep_value(field.to_python(value))
    except (ValidationError, ValueError, TypeError):
        return False
    return fits(field, value)


class ModelMultipleIdsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses an id no row can have before querying."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            model = self.queryset.model
            target = (
                model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
            )
            for pk in value:
                if not fits(target, pk):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": pk},
                    )
        return super().clean(value)


class DayField(forms.DateField):
    """A day read by formats.parse_day (10/2/25 is 10/02/2025), whatever the language of the
    page; a day the calendar does not have (31/02/2025) is refused saying so, never read as
    another day or dropped."""

    default_error_messages = {
        "invalid": _("Ngày không hợp lệ: hãy ghi theo dạng dd/mm/yyyy, ví dụ 25/11/2025."),
        "no_such_day": _(
            "Không có ngày “%(value)s”: tháng %(month)s năm %(year)s có %(days)s ngày."
        ),
        "no_such_month": _("Không có ngày “%(value)s”: một năm có 12 tháng."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            day = parse_day(value)
        except NoSuchDay as wrong:
            if wrong.year < 1:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            if not 1 <= wrong.month <= 12:
                raise ValidationError(
                    self.error_messages["no_such_month"],
                    code="invalid",
                    params={"value": wrong.text},
                ) from None
            raise ValidationError(
                self.error_messages["no_such_day"],
                code="invalid",
                params={
                    "value": wrong.text,
                    "month": wrong.month,
                    "year": wrong.year,
                    "days": calendar.monthrange(wrong.year, wrong.month)[1],
                },
            ) from None
        if day is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return day
