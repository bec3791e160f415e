"""Where each unit's records count today: ``Commune.current_unit``, kept from the lineage.

Every administrative change is a ``CommuneChange`` (predecessor → successor on a
day). A unit that still exists counts for itself; a unit that ceased counts for
the unit at the end of its chain of changes (Xã Tà Chải → Thị trấn Bắc Hà in
2024 → Xã Bắc Hà in 2025). The chain is followed here once, when the reference
is loaded, and stored, so that every roll-up is one join, whatever the number of
predecessors.

A unit divided between two units would have no single place for its records:
``problems`` reports it (with a ceased unit without successor and a chain that
comes back on itself), and loaders raise ``UnsoundLineage`` inside their
transaction, so that such data is refused instead of half-loaded.
"""

from collections import defaultdict
from typing import NamedTuple

from .models import Commune, CommuneChange, Era

# What stops a unit from having exactly one current unit, worded for the refusal.
NO_SUCCESSOR, DIVIDED, CYCLE = "no_successor", "divided", "cycle"
REASONS = {
    NO_SUCCESSOR: "đơn vị đã ngừng tồn tại nhưng không có đơn vị kế thừa",
    DIVIDED: "đơn vị được chia cho nhiều đơn vị cùng một ngày",
    CYCLE: "đơn vị có chuỗi sáp nhập quay vòng",
}
# The refusal is Vietnamese whatever the active language, like the loaders' summary.
KIND_WORDS = {
    Commune.Kind.RURAL: "Xã",
    Commune.Kind.WARD: "Phường",
    Commune.Kind.TOWNSHIP: "Thị trấn",
}
ERA_WORDS = {Era.PRE_2025: "trước 01/07/2025", Era.FROM_2025: "từ 01/07/2025"}


class Problem(NamedTuple):
    """One unit whose records would have no single current unit."""

    reason: str  # NO_SUCCESSOR, DIVIDED or CYCLE
    code: str
    era: str
    unit: str  # "Xã Tà Chải (02872, trước 01/07/2025)"
    successors: tuple = ()  # the units it is divided between (DIVIDED)

    @property
    def message(self):
        if self.reason == DIVIDED:
            return f"{self.unit} được chia cho {' và '.join(self.successors)}"
        return self.unit


class UnsoundLineage(ValueError):
    """Reference data that would leave a unit without exactly one current unit.

    Raised inside the loader's transaction, which it rolls back: nothing is half-loaded.
    """

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(describe(self.problems))


def describe(problems):
    """The refusal, one sentence per reason, naming every unit (name, code, era)."""
    sentences = []
    for reason, words in REASONS.items():
        found = [problem.message for problem in problems if problem.reason == reason]
        if found:
            sentences.append(f"{len(found)} {words}: {', '.join(found)}")
    return f"Không nạp dữ liệu tham chiếu (không ghi gì): {'; '.join(sentences)}."


def _latest_successors():
    """{unit id: [successor ids of its latest change day]}."""
    latest = {}
    for pred, succ, day in CommuneChange.objects.values_list(
        "predecessor", "successor", "effective_on"
    ):
        known = latest.get(pred)
        if known is None or day > known[0]:
            latest[pred] = (day, [succ])
        elif day == known[0]:
            known[1].append(succ)
    return {pred: successors for pred, (_day, successors) in latest.items()}


def problems(units=None):
    """What prevents every ceased unit from having exactly one current unit.

    Returns [Problem], empty when the lineage is sound: a unit whose last day has
    passed (``valid_to`` set) without a successor, a unit divided between several
    successors on one day, and a unit on a chain of changes that comes back to
    itself. ``units`` (ids) limits the report to those units (what a load wrote);
    the chains are followed through every unit.
    """
    successors = _latest_successors()
    rows = Commune.objects.values_list("pk", "code", "era", "name", "kind", "valid_to")
    labels, ceased = {}, set()
    for pk, code, era, name, kind, valid_to in rows:
        labels[pk] = (code, era, f"{KIND_WORDS.get(kind, '')} {name} ({code}, {ERA_WORDS[era]})")
        if valid_to is not None:
            ceased.add(pk)
    wanted = set(labels) if units is None else set(units)
    in_cycles = _cycles(successors)
    found = []
    for pk in sorted(wanted & set(labels), key=lambda pk: labels[pk]):
        code, era, label = labels[pk]
        after = successors.get(pk, [])
        if pk in ceased and not after:
            found.append(Problem(NO_SUCCESSOR, code, era, label))
        if len(after) > 1:
            targets = tuple(sorted(labels[s][2] for s in after))
            found.append(Problem(DIVIDED, code, era, label, targets))
        if pk in in_cycles:
            found.append(Problem(CYCLE, code, era, label))
    return found


def _cycles(successors):
    """The units on a chain of single successors that comes back to itself."""
    found, settled = set(), set()
    for start in successors:
        path, pk = [], start
        while pk not in settled and pk not in path and len(successors.get(pk, [])) == 1:
            path.append(pk)
            pk = successors[pk][0]
        if pk in path:  # came back: the units from the first visit of pk on are the cycle
            found.update(path[path.index(pk) :])
        settled.update(path)
    return found


def _follow(pk, successors):
    seen = {pk}
    while len(successors.get(pk, [])) == 1:
        pk = successors[pk][0]
        if pk in seen:
            return None
        seen.add(pk)
    return pk


def refresh_current_units():
    """Set every unit's ``current_unit`` from the lineage; returns how many changed.

    A unit divided between several successors, or on a cycle, keeps no current unit
    (``problems`` reports it). Writes only the rows that differ, in bulk.
    """
    successors = _latest_successors()
    changed = []
    for unit in Commune.objects.only("pk", "current_unit"):
        target = _follow(unit.pk, successors)
        if len(successors.get(target, [])) > 1:
            target = None
        if unit.current_unit_id != target:
            unit.current_unit_id = target
            changed.append(unit)
    Commune.objects.bulk_update(changed, ["current_unit"], batch_size=1000)
    return len(changed)


def predecessors_by_unit(units):
    """{current unit id: [old units rolled up to it, by name]} for ``units`` (one query)."""
    found = defaultdict(list)
    rows = (
        Commune.objects.filter(current_unit__in=units)
        .exclude(pk__in=[getattr(u, "pk", u) for u in units])
        .select_related("district")
        .order_by("sort_name", "code")
    )
    for unit in rows:
        found[unit.current_unit_id].append(unit)
    return found
