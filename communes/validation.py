"""New records go to units that exist on their date (issue 14, from 01/07/2025).

A visit, a support item, an assessment or a recognition dated on or after the
reform day (``REFORM_DAY``) may only be made for a unit on the map of that day:
a unit that ceased is refused with a sentence naming the unit its records go to
now (``Commune.current_unit``). Records dated before the reform are not checked:
the 2021–2025 history stays readable and editable on the units it was made for.

Every writer calls these: the visit service and forms (assignments), the admin,
the imports (reports). Each raises django's ``ValidationError`` (code
``"ceased"``), which forms show as a field error and services turn into their
own refusal.

An assessment has a year, not a day: it may be made for a unit that existed on
some day of that year. So the 2021–2025 programme's last year (2025) is still
assessed on the old units (as the demo and the old map's reports do), and a
unit that ceased on 30/06/2025 is refused from 2026 on.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.formats import day as format_day

from .reference import REFORM_DAY

ONE_DAY = datetime.timedelta(days=1)


def unit_title(unit):
    """ "Xã Bản Phố": the unit's kind and name, as the messages write it."""
    return f"{unit.get_kind_display()} {unit.name}"


def _gone(unit, start, end):
    """The unit is on no map of any day start..end (both included)."""
    return (unit.valid_to is not None and unit.valid_to < start) or (
        unit.valid_from is not None and unit.valid_from > end
    )


def ceased_message(unit, day, then=None):
    """The refusal for a record of ``day`` made for ``unit``, or None if it may be made.

    ``then`` is the second sentence, with ``%(successor)s`` for the unit the record
    goes to instead (default: a general one); it is left out when the unit has no
    successor. Days before the reform are not checked.
    """
    if day is None or unit is None or day < REFORM_DAY:
        return None
    if not _gone(unit, day, day):
        return None
    return _message(unit, day, then)


def _message(unit, day, then, **extra):
    successor = unit.current_unit if unit.current_unit_id not in (None, unit.pk) else None
    values = {"unit": unit_title(unit), "day": format_day(day)}
    if unit.valid_from is not None and unit.valid_from > day:
        text = _("%(unit)s chưa tồn tại vào ngày %(day)s.") % values
    elif successor is not None:
        text = _("%(unit)s không còn từ %(since)s (đã sáp nhập vào %(successor)s).") % {
            **values,
            "since": format_day(unit.valid_to + ONE_DAY),
            "successor": unit_title(successor),
        }
    else:
        text = _("%(unit)s không còn từ %(since)s.") % {
            **values,
            "since": format_day(unit.valid_to + ONE_DAY),
        }
    if successor is not None:
        then = then or _("Dữ liệu từ ngày này ghi cho %(successor)s.")
        text += " " + then % {"successor": unit_title(successor), **extra}
    return text


def refuse_ceased(unit, day, then=None):
    """Raise ValidationError (code "ceased") if a record of ``day`` may not be made for
    ``unit`` (see ceased_message)."""
    message = ceased_message(unit, day, then)
    if message:
        raise ValidationError(message, code="ceased")


def ceased_in_year_message(unit, year, then=None):
    """The refusal for an assessment of ``year`` made for ``unit``, or None: the unit must
    exist on some day of the year (years before the reform's are not checked).

    ``then`` may use ``%(successor)s`` and ``%(year)s``."""
    if year is None or unit is None or year < REFORM_DAY.year:
        return None
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if not _gone(unit, first, last):
        return None
    then = then or _("Kết quả đánh giá năm %(year)s ghi cho %(successor)s.")
    return _message(unit, last, then, year=year)


def refuse_ceased_in_year(unit, year, then=None):
    """Raise ValidationError (code "ceased") if an assessment of ``year`` may not be made
    for ``unit`` (see ceased_in_year_message)."""
    message = ceased_in_year_message(unit, year, then)
    if message:
        raise ValidationError(message, code="ceased")
