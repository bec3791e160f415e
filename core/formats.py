"""How the office writes a day, a moment and a person, in one place.

Pages use Django's formats (ntm_portal/formats/: "d/m/Y", "H:i d/m/Y"); Python code
that builds a sentence, a cell or a file name uses these, so that every message,
export and page writes the same thing.
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

# What the office types and reads; also accepted by the date fields (with ISO).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

# Day, month, year as people type them: 10/2/25, 10/02/2025, 10-2-2025, 10.2.2025.
_TYPED_DAY = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})")
# What a date picker sends: 2025-02-10.
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class NoSuchDay(ValueError):
    """A day written as a day that the calendar does not have (31/02/2025)."""

    def __init__(self, text, day, month, year):
        super().__init__(text)
        self.text, self.day, self.month, self.year = text, day, month, year


def parse_day(text):
    """The day `text` says, read the one way for every form, filter and command.

    Day first, as the office writes it: d/m/yyyy, with "/", "-" or "." and with or
    without leading zeros; a two-digit year is of this century (10/2/25 is 10/02/2025);
    or yyyy-mm-dd, what a date picker sends. None for a text that is not a day at all;
    NoSuchDay for one the calendar does not have (31/02/2025), never another day.
    """
    text = str(text).strip()
    if match := _TYPED_DAY.fullmatch(text):
        day, _sep, month, year = match.groups()
        year = int(year) + (2000 if len(year) == 2 else 0)
    elif match := _ISO_DAY.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise NoSuchDay(text, int(day), int(month), int(year)) from None


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
