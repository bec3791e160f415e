"""Where each unit's records count today: ``Commune.current_unit``, kept from the lineage.

Every administrative change is a ``CommuneChange`` (predecessor → successor on a
day). A unit that still exists counts for itself; a unit that ceased counts for
the unit at the end of its chain of changes (Xã Tà Chải → Thị trấn Bắc Hà in
2024 → Xã Bắc Hà in 2025). The chain is followed here once, when the reference
is loaded, and stored, so that every roll-up is one join, whatever the number of
predecessors.

A unit divided between two units would have no single place for its records:
``problems`` reports it (and a ceased unit without successor) so that loaders
refuse such data instead of half-loading it.
"""

from collections import defaultdict

from .models import Commune, CommuneChange


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


def problems():
    """What prevents every ceased unit from having exactly one current unit.

    Returns [(code, era, message)], empty when the lineage is sound: a unit whose
    last day has passed (``valid_to`` set) without a successor, a unit divided
    between several successors on one day, and a cycle.
    """
    successors = _latest_successors()
    found = []
    units = Commune.objects.values_list("pk", "code", "era", "name", "valid_to")
    names = {pk: (code, era, name) for pk, code, era, name, _valid_to in units}
    for pk, code, era, name, valid_to in units:
        after = successors.get(pk, [])
        if valid_to is not None and not after:
            found.append(
                (code, era, f"{name} ({code}) ngừng tồn tại nhưng không có đơn vị kế thừa")
            )
        if len(after) > 1:
            targets = ", ".join(sorted(f"{names[s][2]} ({names[s][0]})" for s in after))
            found.append((code, era, f"{name} ({code}) được chia cho nhiều đơn vị: {targets}"))
    for pk in names:
        if _follow(pk, successors) is None:
            code, era, name = names[pk]
            found.append((code, era, f"{name} ({code}) nằm trong một vòng sáp nhập"))
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

    A unit divided between several successors keeps no current unit (``problems``
    reports it). Writes only the rows that differ, in bulk.
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
