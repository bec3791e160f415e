"""The demo after 01/07/2025: the carry-over, as the office makes it, and the visits since.

The 126 active assignments of Decision 1599 are on old xã that ceased on 30/06/2025;
the demo carries them over with the office's own service
(``assignments.services.reform``). Where several old xã went into one new unit, one
leader continues there: the demo accounts' (Bản Vược's leader and group A in Xã Bát
Xát, group B's in Xã Y Tý), else the first old xã's by code; the others end, as the
service ends them.

The pairs of one old district, Huyện Si Ma Cai (LEFT_FOR_THE_OFFICE), are left as they
stood on 30/06/2025: the office's page "Chuyển sang đơn vị mới" then has a real
carry-over to preview and make on a fresh ``make run`` (several old xã landing on one
unit, a leader to choose), and until it does, those pairs show on the dashboard as
not visited (a visit from 01/07/2025 cannot be logged on a unit that ceased).

Visits were drawn for the old assignments up to today (``visits.draw_visits``), so
the draws up to 30/06/2025 are those of the demo before the reform. A visit drawn
after it is made on the successor (the group went on, now for the new unit), or,
where the assignment ended without one, is not made.
"""

from assignments.models import Assignment
from assignments.services import reform
from communes import text
from communes.reference import REFORM_DAY
from sampledata.lifecycle import GROUP_A_COMMUNE, GROUP_B_COMMUNE

CONTINUING = {text.match_key(name) for name in (GROUP_A_COMMUNE, GROUP_B_COMMUNE)}
LEFT_FOR_THE_OFFICE = "084"  # Huyện Si Ma Cai (before 01/07/2025)


def carry_over(decision, today):
    """Carry the decision's assignments over to the new units; {old assignment pk: its
    successor} of those that continue."""
    plan = _without_the_office_s_part(reform.plan_carry_over(decision, today))
    choices = [_continuing(target) for target in plan.choice_targets()]
    result = reform.carry_over(plan, choices=choices)
    successors = {successor.pk: successor for successor in result.carried}
    pairs = Assignment.objects.filter(successor__in=successors).values_list("pk", "successor")
    return {old: successors[new] for old, new in pairs}


def _without_the_office_s_part(plan):
    """The plan without the new units made only of LEFT_FOR_THE_OFFICE's old xã."""

    def left(target):
        return all(m.unit.district.code == LEFT_FOR_THE_OFFICE for m in target.moves)

    targets = [target for target in plan.targets if not left(target)]
    moves = [move for move in plan.moves if move.target is None or not left(move.target)]
    return reform.Plan(today=plan.today, moves=moves, targets=targets)


def _continuing(target):
    """The move that continues where several land: the demo accounts' xã, else the first
    old xã by code."""
    return min(
        target.moves,
        key=lambda move: (text.match_key(move.unit.name) not in CONTINUING, move.unit.code),
    )


def visits_after(drafts, successor_of):
    """The drafts, those dated from 01/07/2025 moved to the successor of their assignment
    (dropped where it has none)."""
    kept = []
    for draft in drafts:
        if draft.visit.visited_on >= REFORM_DAY:
            successor = successor_of.get(draft.visit.assignment.pk)
            if successor is None:
                continue
            draft.visit.assignment = successor
        kept.append(draft)
    return kept
