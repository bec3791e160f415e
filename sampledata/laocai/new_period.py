"""The demo's decision for 2026–2030: the pairs carried over on 01/07/2025, re-confirmed.

The province's decision assigning leaders to the current units for 2026–2030 is not known
to us (docs/domain.md). The demo shows one, marked as invented (DECISION_NUMBER ends in
"(mẫu)", ``Decision.is_demo``): it re-confirms each pair in force on today's units from
the first day of the period (STARTED_ON). Each of those pairs of Decision 1599 ends the
day before, with reason "other" and a note naming the new decision, and its successor
(same leader and working group) starts under the new decision, through the service the
office's hand-overs and imports use (``assignments.services.succession.succeed``). The
visits from that day on belong to the successors (``visits_after``).

The pairs the demo leaves for the office to carry over (old Huyện Si Ma Cai's, on units
that ceased) stay as they are: the office carries them over first, then pairs them
under the new decision (or imports its real annex onto today's units).
"""

import datetime

from assignments.models import Assignment, Decision
from assignments.services import succession

from .decision import DECISION_ISSUER

STARTED_ON = datetime.date(2026, 1, 1)
ISSUED_ON = datetime.date(2025, 12, 30)
DECISION_NUMBER = "15/QĐ-UBND (mẫu)"
DECISION_TITLE = (
    "DỮ LIỆU MẪU (quyết định thật chưa có): Về việc phân công lãnh đạo các cơ quan, đơn vị, "
    "doanh nghiệp giúp đỡ các xã xây dựng nông thôn mới giai đoạn 2026 – 2030"
)
END_NOTE = (
    "Hết giai đoạn 2021–2025; tiếp tục phụ trách theo Quyết định {number} giai đoạn "
    "2026–2030 (dữ liệu mẫu)."
)
CHANGE_REASON = "Nạp dữ liệu mẫu: phân công giai đoạn 2026–2030"


def reconfirm(carried, today):
    """Pair `carried` (the assignments carried over on 01/07/2025) again under the demo's
    2026–2030 decision from STARTED_ON; {carried pk: its successor} (empty before then)."""
    if today < STARTED_ON:
        return {}
    decision = Decision.objects.create(
        number=DECISION_NUMBER,
        issuer=DECISION_ISSUER,
        issued_on=ISSUED_ON,
        title=DECISION_TITLE,
        period_start=STARTED_ON.year,
        period_end=2030,
        is_demo=True,
    )
    note = END_NOTE.format(number=DECISION_NUMBER)
    successors = {}
    in_force = Assignment.objects.filter(pk__in=[a.pk for a in carried], ended_on__isnull=True)
    for old in in_force.select_related("commune", "leader").order_by("pk"):
        successors[old.pk] = succession.succeed(
            old,
            leader=old.leader,
            started_on=STARTED_ON,
            reason=Assignment.EndReason.OTHER,
            note=note,
            decision=decision,
            change_reason=CHANGE_REASON,
        )
    return successors


def visits_after(drafts, successor_of):
    """The drafts, those dated from STARTED_ON on a re-confirmed pair moved to its successor."""
    for draft in drafts:
        if draft.visit.visited_on >= STARTED_ON:
            successor = successor_of.get(draft.visit.assignment.pk)
            if successor is not None:
                draft.visit.assignment = successor
    return drafts
