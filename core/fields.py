"""Form fields shared by the forms: ids that the database can hold.

A posted id such as 9999999999999999999999999 is a valid integer to Python, but
no row can have it: SQLite's driver raises OverflowError when it is sent in a
query (a server error where the form should say "not a valid choice"). Django
guards single lookups (``pk=``), not lists (``pk__in=``), which the multiple
choice fields and the admin's autocomplete widgets use.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection


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
