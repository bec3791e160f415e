"""'Today' is the portal's day (Asia/Ho_Chi_Minh), not the server's UTC day: from
17:00 UTC Vietnam is already on the next day."""

import datetime

import time_machine

from assignments.models import Recommendation
from communes.models import Commune

# 20:00 UTC on 30/06/2025 is 03:00 on 01/07/2025 in Vietnam.
EVENING_UTC = datetime.datetime(2025, 6, 30, 20, 0, tzinfo=datetime.UTC)


def test_a_unit_that_ceased_on_30_06_is_not_current_once_01_07_began_in_vietnam(db):
    ceased = Commune.objects.get(name="Bản Vược")
    Commune.objects.filter(pk=ceased.pk).update(valid_to=datetime.date(2025, 6, 30))
    ceased.refresh_from_db()
    with time_machine.travel(EVENING_UTC, tick=False):
        assert not ceased.is_current()
        assert not Commune.objects.current().filter(pk=ceased.pk).exists()
    with time_machine.travel(EVENING_UTC - datetime.timedelta(hours=4), tick=False):
        assert ceased.is_current()  # 23:00 on 30/06 in Vietnam: still in force


def test_a_recommendation_due_on_30_06_is_overdue_once_01_07_began_in_vietnam():
    due = Recommendation(text="Thử", due_on=datetime.date(2025, 6, 30))
    with time_machine.travel(EVENING_UTC, tick=False):
        assert due.is_overdue()
