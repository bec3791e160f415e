"""What a load of reference data wrote, counted for the one-line summary the commands print."""

from collections import Counter

from ..models import (
    Commune,
    CommuneChange,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    District,
    Era,
    GroupDefinition,
    Period,
    Province,
)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# A row written twice in one load (the new province, for each of its old ones) counts once,
# as the most it went through.
RANK = {UNCHANGED: 0, UPDATED: 1, CREATED: 2}
# The summary is Vietnamese whatever the active language.
KIND_WORDS = {
    Commune.Kind.RURAL: "xã",
    Commune.Kind.WARD: "phường",
    Commune.Kind.TOWNSHIP: "thị trấn",
}
ERA_WORDS = {Era.PRE_2025: "trước 01/07/2025", Era.FROM_2025: "từ 01/07/2025"}


def _row(obj):
    """What the summary counts a row as."""
    if isinstance(obj, Province):
        return Province, obj.era
    if isinstance(obj, Commune):
        return Commune, obj.era, obj.kind
    if isinstance(obj, CommuneChange):
        return CommuneChange, obj.legal_basis
    return (type(obj),)


class Tally:
    """What a load wrote, for the one-line summary the commands print."""

    def __init__(self):
        self.written = {}  # (model, id) → (what it counts as, state)
        self.notes = []

    def add(self, obj, state):
        key = (type(obj), obj.pk)
        known = self.written.get(key)
        if known is None or RANK[state] > RANK[known[1]]:
            self.written[key] = (_row(obj), state)

    @property
    def rows(self):
        return Counter(row for row, _state in self.written.values())

    @property
    def states(self):
        return Counter(state for _row, state in self.written.values())

    def summary(self):
        """One line: "2 tỉnh cũ, 1 tỉnh mới, 18 huyện; 273 xã, … (trước 01/07/2025); …;
        2 giai đoạn, 3 định nghĩa nhóm xã; 3 bộ tiêu chí, 5 nhóm tiêu chí, 29 tiêu chí (…)"."""
        rows = self.rows
        provinces = (rows[Province, Era.PRE_2025], rows[Province, Era.FROM_2025], rows[District,])
        sections = ["{} tỉnh cũ, {} tỉnh mới, {} huyện".format(*provinces)]
        for era, label in ERA_WORDS.items():
            kinds = [
                f"{rows[Commune, era, kind]} {word}"
                for kind, word in KIND_WORDS.items()
                if rows[Commune, era, kind]
            ]
            if kinds:
                sections.append(f"{', '.join(kinds)} ({label})")
        sections.append(self._changes(rows))
        programme = (rows[Period,], rows[GroupDefinition,])
        sections.append("{} giai đoạn, {} định nghĩa nhóm xã".format(*programme))
        criteria = (rows[CriteriaSet,], rows[CriterionGroup,], rows[Criterion,])
        sections.append("{} bộ tiêu chí, {} nhóm tiêu chí, {} tiêu chí".format(*criteria))
        states = self.states
        return (
            f"{'; '.join(sections)} (mới {states[CREATED]}, cập nhật {states[UPDATED]}, "
            f"không đổi {states[UNCHANGED]})"
        )

    @staticmethod
    def _changes(rows):
        """ "320 thay đổi địa giới (319 theo Nghị quyết 1673/…, 1 theo …)": the legal basis of
        each, the most used first, and how many have none."""
        bases = Counter({row[1]: n for row, n in rows.items() if row[0] is CommuneChange})
        total = sum(bases.values())
        blank = bases.pop("", 0)
        parts = [
            f"{n} theo {basis}" for basis, n in sorted(bases.items(), key=lambda b: (-b[1], b[0]))
        ]
        if blank:
            parts.append(f"{blank} chưa có căn cứ")
        return f"{total} thay đổi địa giới" + (f" ({', '.join(parts)})" if parts else "")
