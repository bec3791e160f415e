"""Fixtures of the report and import tests."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from assignments.models import Assignment, Decision, FieldVisit


@pytest.fixture
def decision(db):
    """The demo data's Decision 1599/QĐ-UBND, the one every annex import goes into."""
    return Decision.objects.get(number="1599/QĐ-UBND")


# A day of the 2021–2025 programme, before the 2025 reform.
BEFORE_THE_REFORM = datetime.datetime(2025, 5, 5, 9, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def pairs_before_the_reform(db):
    """The demo's pairs as they stood before 01/07/2025.

    The demo carries Decision 1599's pairs over to today's units on 01/07/2025
    (sampledata.laocai.reform): the pairs it ended are in force again, and those it
    began on today's units (with their visits) are not there.
    """
    carried = Assignment.objects.filter(end_reason=Assignment.EndReason.REORGANISED)
    successors = list(carried.exclude(successor=None).values_list("successor", flat=True))
    carried.update(ended_on=None, end_reason="", end_note="", successor=None)
    FieldVisit.objects.filter(assignment__in=successors).delete()
    Assignment.objects.filter(pk__in=successors).delete()


@pytest.fixture
def before_the_reform(pairs_before_the_reform):
    """The clock on a day before 01/07/2025 and the demo's pairs as they stood on it: the
    2021–2025 annex imports tried as the office made them then. The day itself."""
    with time_machine.travel(BEFORE_THE_REFORM, tick=True):
        yield BEFORE_THE_REFORM.date()
