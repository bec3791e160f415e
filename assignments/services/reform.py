"""The 2025 carry-over: assignments on units that ceased go on at the unit that absorbed them.

Since 01/07/2025 the old communes no longer exist; a leader assigned to Xã Bản Phố
goes on helping the commune it became part of, Xã Bắc Hà. The office carries every
such assignment over in one previewed step (the page "Chuyển phân công sang đơn vị
hành chính mới", the ``carry_over_assignments`` command, the demo data):

    plan = plan_carry_over(decision=None, today=None)   # reads only: the preview
    result = carry_over(plan, choices=(), ends=(), user=None)  # one transaction

``plan_carry_over`` lists every active assignment on a unit that ceased before
``today`` (``Commune.has_ceased`` or ``valid_to`` passed), optionally only those of
a decision and its amendments, as ``Move`` rows grouped by ``Target`` (the unit
that exists now and the decision family). Each move is one of:

* ``CONTINUE``: the only one landing on its new unit; the old assignment ends on
  the old unit's last day (30/06/2025, the day before the lineage's effective day)
  with reason REORGANISED, and a successor starts on the new unit the next day
  with the same leader, decision and working group (succession.succeed, so
  ``Assignment.successor`` links them);
* ``CHOOSE``: several old units' assignments of one decision land on one new unit;
  one leader continues there (``choices``), the others end with the same reason.
  Without a choice nothing is written: ``ChoiceRequired`` names the units;
* ``END``: the new unit already has an active leader under the decision, or the
  old unit has no successor; the assignment ends (succession.end).

``carry_over`` writes the plan: ``choices`` are the moves (assignments or their
pks) that continue where several land on one unit, ``ends`` the moves the office
ends instead of carrying over. Everything runs in one transaction and is refused
whole (WorkflowError) if any assignment changed since the plan was made. Every
touched assignment gets a history entry with CHANGE_REASON. Visits logged on an
old assignment after the change stay on it (``Move.visits_after`` counts them);
they roll up to the new unit through ``Commune.current_unit``. Run again, the plan
is empty: carried assignments have ended, so nothing is done twice.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import CommuneChange
from communes.validation import unit_title
from core.formats import day

from ..models import Assignment, FieldVisit
from . import succession
from .errors import WorkflowError

ONE_DAY = datetime.timedelta(days=1)
CHANGE_REASON = "Chuyển phân công sang đơn vị hành chính mới"  # history: Vietnamese, as stored


class Action:
    CONTINUE, CHOOSE, END = "continue", "choose", "end"
    LABELS = {
        CONTINUE: gettext_lazy("Chuyển tiếp"),
        CHOOSE: gettext_lazy("Cần chọn người tiếp tục"),
        END: gettext_lazy("Kết thúc"),
    }


@dataclass(eq=False)
class Target:
    """A unit that exists now and a decision family, with the moves that land there."""

    unit: object  # Commune
    decision: object  # the family's original Decision
    moves: list = field(default_factory=list)
    holder: object = None  # an active Assignment already on the unit under the family

    @property
    def key(self):
        return f"{self.unit.pk}-{self.decision.pk}"

    @property
    def needs_choice(self):
        return self.holder is None and len(self.moves) > 1


@dataclass(eq=False)
class Move:
    """One active assignment on a unit that ceased, and what the carry-over does with it."""

    assignment: Assignment
    target: Target | None
    ended_on: datetime.date
    started_on: datetime.date
    legal_basis: str = ""
    visits_after: int = 0

    @property
    def pk(self):
        return self.assignment.pk

    @property
    def unit(self):
        return self.assignment.commune

    @property
    def new_unit(self):
        return self.target.unit if self.target else None

    @property
    def action(self):
        if self.target is None or self.target.holder is not None:
            return Action.END
        return Action.CHOOSE if self.target.needs_choice else Action.CONTINUE

    @property
    def action_label(self):
        return Action.LABELS[self.action]

    @property
    def why_end(self):
        """Why the move can only end ("" when it may continue)."""
        if self.target is None:
            return _("Không có đơn vị kế thừa.")
        if self.target.holder is not None:
            return _("%(unit)s đã có lãnh đạo phụ trách: %(leader)s.") % {
                "unit": unit_title(self.target.unit),
                "leader": self.target.holder.leader.full_name,
            }
        return ""

    def merger_note(self):
        """What happened to the old unit, as the end note starts."""
        if self.target is None:
            return _("%(old)s không còn từ %(day)s; không có đơn vị kế thừa.") % {
                "old": self.unit,
                "day": day(self.ended_on + ONE_DAY),
            }
        text = _("Sắp xếp đơn vị hành chính: %(old)s → %(new)s từ %(day)s") % {
            "old": self.unit,
            "new": unit_title(self.target.unit),
            "day": day(self.ended_on + ONE_DAY),
        }
        return f"{text} ({self.legal_basis})." if self.legal_basis else f"{text}."


@dataclass
class Plan:
    today: datetime.date
    moves: list
    targets: list

    def __len__(self):
        return len(self.moves)

    def __bool__(self):
        return bool(self.moves)

    def of(self, action):
        return [move for move in self.moves if move.action == action]

    def counts(self):
        choosing = self.of(Action.CHOOSE)
        return {
            "total": len(self.moves),
            "continuing": len(self.of(Action.CONTINUE)),
            "choosing": len(choosing),
            "units": len({move.target.key for move in choosing}),
            "ending": len(self.of(Action.END)),
            "visits_after": sum(move.visits_after for move in self.moves),
        }

    def summary(self):
        """ "126 phân công: 40 chuyển tiếp, 80 cần chọn ở 30 đơn vị mới, 6 kết thúc." """
        return (
            _(
                "%(total)s phân công: %(continuing)s chuyển tiếp, %(choosing)s cần chọn ở "
                "%(units)s đơn vị mới, %(ending)s kết thúc."
            )
            % self.counts()
        )

    def fingerprint(self):
        """Names the plan's moves and targets: a form posted for another plan is refused."""
        parts = sorted(f"{m.pk}:{m.target.key if m.target else ''}:{m.action}" for m in self.moves)
        return hashlib.sha256(",".join(parts).encode()).hexdigest()[:16]

    def choice_targets(self):
        return [target for target in self.targets if target.needs_choice]


class ChoiceRequired(WorkflowError):
    """Several assignments land on one unit and no one was chosen to continue there."""

    def __init__(self, targets):
        self.targets = targets
        super().__init__(
            _(
                "Chưa ghi gì: hãy chọn lãnh đạo tiếp tục phụ trách ở %(units)s "
                "(nhiều xã cũ có phân công cùng chuyển vào một đơn vị mới)."
            )
            % {"units": ", ".join(unit_title(t.unit) for t in targets)}
        )


@dataclass
class Result:
    carried: list = field(default_factory=list)  # the successor assignments
    ended: list = field(default_factory=list)  # old assignments ended without successor

    def message(self):
        return _(
            "Đã chuyển %(carried)s phân công sang đơn vị hành chính mới và kết thúc "
            "%(ended)s phân công."
        ) % {"carried": len(self.carried), "ended": len(self.ended)}


# --- the plan ----------------------------------------------------------------------


def plan_carry_over(decision=None, today=None):
    """The carry-over of the active assignments on units that ceased before ``today``
    (only of ``decision`` and its amendments when given); reads only."""
    today = today or timezone.localdate()
    ceased = Q(commune__valid_to__lt=today) | (
        Q(commune__current_unit__isnull=False) & ~Q(commune__current_unit=F("commune"))
    )
    olds = (
        Assignment.objects.active()
        .filter(ceased)
        .select_related("commune__district", "commune__current_unit", "leader__agency", "decision")
        .select_related("working_group")
        .order_by("commune__current_unit__sort_name", "commune__sort_name", "pk")
    )
    if decision is not None:
        olds = olds.filter(decision__in=succession.decision_family(decision))
    olds = list(olds)
    last_days = _last_days({a.commune_id for a in olds})
    roots = _Roots()
    targets, moves = {}, []
    for old in olds:
        last, basis = last_days.get(old.commune_id, (old.commune.valid_to, ""))
        if last is None or last >= today:
            continue  # has not ceased yet (a change loaded ahead of its day)
        ended_on = max(last, old.started_on)
        started_on = ended_on + ONE_DAY
        unit = old.commune.current_unit
        target = None
        if unit is not None and unit.pk != old.commune_id:
            root = roots.of(old.decision)
            target = targets.setdefault((unit.pk, root.pk), Target(unit=unit, decision=root))
            if unit.valid_from is not None:
                started_on = max(started_on, unit.valid_from)
        move = Move(old, target, ended_on, started_on, basis)
        if target is not None:
            target.moves.append(move)
        moves.append(move)
    _find_holders(targets, roots, {m.pk for m in moves})
    _count_visits_after(moves)
    return Plan(today=today, moves=moves, targets=list(targets.values()))


def _last_days(unit_ids):
    """{old unit id: (its last day, the legal basis)} from its latest lineage change."""
    found = {}
    changes = CommuneChange.objects.filter(predecessor__in=unit_ids).order_by("effective_on")
    for pred, effective_on, basis in changes.values_list(
        "predecessor", "effective_on", "legal_basis"
    ):
        found[pred] = (effective_on - ONE_DAY, basis)
    return found


class _Roots:
    """The original decision of each decision's family, each read once."""

    def __init__(self):
        self.cache = {}

    def of(self, decision):
        if decision.pk not in self.cache:
            root = succession.family_root(decision) if decision.amends_id else decision
            self.cache[decision.pk] = root
        return self.cache[decision.pk]


def _find_holders(targets, roots, moving):
    if not targets:
        return
    units = {unit for unit, _root in targets}
    active = (
        Assignment.objects.active()
        .filter(commune__in=units)
        .exclude(pk__in=moving)
        .select_related("leader", "decision")
        .order_by("pk")
    )
    for holder in active:
        target = targets.get((holder.commune_id, roots.of(holder.decision).pk))
        if target is not None and target.holder is None:
            target.holder = holder


def _count_visits_after(moves):
    if not moves:
        return
    by_pk = {move.pk: move for move in moves}
    first = min(move.ended_on for move in moves)
    visits = FieldVisit.objects.filter(assignment__in=by_pk, visited_on__gt=first)
    for assignment_id, visited_on in visits.values_list("assignment", "visited_on"):
        move = by_pk[assignment_id]
        if visited_on > move.ended_on:
            move.visits_after += 1


# --- writing it --------------------------------------------------------------------


def _pks(items):
    if isinstance(items, dict):
        items = items.values()
    return {int(getattr(item, "pk", item)) for item in items or ()}


def decide(plan, choices=(), ends=()):
    """{move pk: True if it continues on its new unit, False if it ends}, or WorkflowError
    (ChoiceRequired when a unit that several moves land on has no choice)."""
    choices, ends = _pks(choices), _pks(ends)
    known = {move.pk for move in plan.moves}
    unknown = (choices | ends) - known
    if unknown:
        raise WorkflowError(
            _("Phân công số %(pks)s không có trong danh sách cần chuyển; chưa ghi gì.")
            % {"pks": ", ".join(str(pk) for pk in sorted(unknown))}
        )
    if both := choices & ends:
        raise WorkflowError(
            _("Phân công số %(pks)s vừa được chọn tiếp tục vừa được kết thúc; chưa ghi gì.")
            % {"pks": ", ".join(str(pk) for pk in sorted(both))}
        )
    continues = {move.pk: False for move in plan.moves}
    missing = []
    for target in plan.targets:
        if target.holder is not None:
            continue
        remaining = [move for move in target.moves if move.pk not in ends]
        chosen = [move for move in remaining if move.pk in choices]
        if len(chosen) > 1:
            raise WorkflowError(
                _("%(unit)s: chỉ chọn một lãnh đạo tiếp tục phụ trách; chưa ghi gì.")
                % {"unit": unit_title(target.unit)}
            )
        if len(remaining) == 1:
            chosen = remaining
        elif remaining and not chosen:
            missing.append(target)
            continue
        for move in chosen:
            continues[move.pk] = True
    if missing:
        raise ChoiceRequired(missing)
    return continues


def carry_over(plan, choices=(), ends=(), user=None):
    """Write ``plan`` (see the module's docstring) in one transaction; a Result.

    A plan is written once: read a new one to run again (it will be empty).
    """
    continues = decide(plan, choices, ends)
    ends = _pks(ends)
    result = Result()
    if not plan.moves:
        return result
    try:
        with transaction.atomic():
            locked = set(
                Assignment.objects.select_for_update(of=("self",))
                .filter(pk__in=continues, ended_on__isnull=True)
                .values_list("pk", flat=True)
            )
            if locked != set(continues):
                raise WorkflowError(
                    _(
                        "Danh sách phân công vừa thay đổi (có phân công đã kết thúc hoặc đã "
                        "được chuyển); chưa ghi gì. Hãy xem lại danh sách rồi thực hiện lại."
                    )
                )
            chosen = {m.target.key: m for m in plan.moves if continues[m.pk] and m.target}
            for move in plan.moves:
                if continues[move.pk]:
                    result.carried.append(_continue(move, user))
                else:
                    result.ended.append(_end(move, chosen.get(_key(move)), ends, user))
    except IntegrityError as exc:
        raise WorkflowError(
            _(
                "Không ghi được: một đơn vị mới vừa có lãnh đạo phụ trách theo cùng quyết "
                "định; chưa ghi gì. Hãy xem lại danh sách rồi thực hiện lại."
            )
        ) from exc
    return result


def _key(move):
    return move.target.key if move.target else None


def _continue(move, user):
    old = move.assignment
    return succession.succeed(
        old,
        leader=old.leader,
        started_on=move.started_on,
        ended_on=move.ended_on,
        reason=Assignment.EndReason.REORGANISED,
        note=move.merger_note(),
        commune=move.target.unit,
        by=user,
        change_reason=CHANGE_REASON,
    )


def _end(move, chosen, ends, user):
    note = move.merger_note()
    if move.why_end:
        note += " " + move.why_end
    elif chosen is not None:
        note += " " + _("%(leader)s tiếp tục phụ trách %(unit)s.") % {
            "leader": chosen.assignment.leader.full_name,
            "unit": unit_title(move.target.unit),
        }
    elif move.pk in ends:
        note += " " + _("Không chuyển sang đơn vị mới.")
    return succession.end(
        move.assignment,
        ended_on=move.ended_on,
        reason=Assignment.EndReason.REORGANISED,
        note=note[:500],
        by=user,
        change_reason=CHANGE_REASON,
    )
