"""The one exception every service raises, and the days the services accept."""

import datetime

from django.utils.translation import gettext as _

from core import formats


class WorkflowError(Exception):
    """A workflow step or an assignment change was refused; nothing was written.

    The message is a Vietnamese sentence for the user.
    """


# The days a decision or an assignment may carry: the services count a day before or
# after them, which a date such as 31/12/9999 does not have. The forms check the same.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)


def out_of_range_message(day):
    """The sentence for a day outside EARLIEST–LATEST, None for a day inside."""
    if EARLIEST <= day <= LATEST:
        return None
    return _("Ngày %(date)s nằm ngoài khoảng hợp lệ (%(earliest)s – %(latest)s).") % {
        "date": formats.day(day),
        "earliest": formats.day(EARLIEST),
        "latest": formats.day(LATEST),
    }


def plausible(*days):
    for day in days:
        if day is not None and (message := out_of_range_message(day)):
            raise WorkflowError(message)
