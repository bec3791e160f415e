"""The day the tests' data is built for, and the clock on that day.

tests/conftest.py generates the demo data as on DEMO_DAY (its recent visits,
overdue recommendations, stale assignments are counted from that day), and a test
whose result depends on the day asks for the `today` fixture, which puts the clock
on DEMO_DAY. So the suite gives the same result whatever day it runs on. Tests of
time passing (sessions, lockouts) keep the real clock.
"""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

# An ordinary Wednesday: not a month's or a year's end, the 2021–2025 results complete.
DEMO_DAY = datetime.date(2026, 11, 18)


def on_demo_day(*, at=datetime.time(9, 0)):
    """The clock at `at` (local time) on DEMO_DAY, running on from there, while in use."""
    moment = datetime.datetime.combine(DEMO_DAY, at, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return time_machine.travel(moment, tick=True)
