"""How the office writes a day, a moment and a person, in one place.

Pages use Django's formats (ntm_portal/formats/: "d/m/Y", "H:i d/m/Y"); Python code
that builds a sentence, a cell or a file name uses these, so that every message,
export and page writes the same thing.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

# What the office types and reads; also accepted by the date fields (with ISO).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def day(value):
    """dd/mm/yyyy; the year always with four digits (strftime's %Y drops them before 1000)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def moment(value):
    """HH:MM dd/mm/yyyy in the portal's time zone, as the pages show a date and time."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value:%H:%M} {day(value.date())}"


def display_name(user, missing=None):
    """A person as the pages name them: the full name, else the login name.

    `missing` is said for no user at all (a deleted account, an import by a command).
    """
    if user is None:
        return missing if missing is not None else _("người khác")
    return user.get_full_name() or user.get_username()
