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
    Province,
)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# The summary is Vietnamese whatever the active language.
KIND_WORDS = {
    Commune.Kind.RURAL: "xã",
    Commune.Kind.WARD: "phường",
    Commune.Kind.TOWNSHIP: "thị trấn",
}


class Tally:
    """What a load wrote, for the one-line summary the commands print."""

    def __init__(self):
        self.rows = Counter()
        self.states = Counter()
        self.notes = []

    def add(self, obj, state):
        if isinstance(obj, Commune):
            self.rows[Commune, obj.era, obj.kind] += 1
        else:
            self.rows[type(obj)] += 1
        self.states[state] += 1

    def summary(self):
        rows = self.rows
        sections = [f"{rows[Province]} tỉnh, {rows[District]} huyện"]
        for era, label in ((Era.PRE_2025, "trước"), (Era.FROM_2025, "từ")):
            kinds = [
                f"{rows[Commune, era, kind]} {word}"
                for kind, word in KIND_WORDS.items()
                if rows[Commune, era, kind]
            ]
            if kinds:
                sections.append(f"{', '.join(kinds)} ({label} 01/07/2025)")
        sections.append(f"{rows[CommuneChange]} thay đổi địa giới")
        criteria = (rows[CriteriaSet], rows[CriterionGroup], rows[Criterion])
        sections.append("{} bộ tiêu chí, {} nhóm, {} tiêu chí".format(*criteria))
        states = self.states
        return (
            f"{'; '.join(sections)} (mới {states[CREATED]}, cập nhật {states[UPDATED]}, "
            f"không đổi {states[UNCHANGED]})"
        )
