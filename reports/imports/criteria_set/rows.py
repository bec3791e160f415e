"""What a criteria-set import would do, indicator by indicator (the preview and the write)."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _

from ..plan import CREATE, ERROR, UNCHANGED, UPDATE, Plan
from . import cells

DELETE = "delete"
# A period without commune groups: its one requirement per indicator is stored as group 1.
COMMON_GROUP = 1


class Need(NamedTuple):
    """An indicator's requirement for one commune group, as it will be written."""

    group: int | None  # None: the period has no groups (stored as COMMON_GROUP)
    text: str
    comparison: str
    target: object  # Decimal or None

    @property
    def symbol(self):
        return cells.SYMBOLS.get(self.comparison, "")

    @property
    def shown_target(self):
        return cells.shown(self.target) if self.target is not None else ""

    @property
    def stored_group(self):
        return COMMON_GROUP if self.group is None else self.group

    def key(self):
        return (self.stored_group, self.text, self.comparison, self.target)


@dataclass(slots=True)
class IndicatorRow:
    """One indicator of the file (or of the set, when the file drops it)."""

    row: int | None
    action: str = CREATE
    criterion: str = ""
    code: str = ""
    name: str = ""
    unit: str = ""
    needs: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # what an update changes, in words
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    target: dict = field(default_factory=dict, repr=False)

    def fail(self, message):
        self.errors.append(_("Dòng %(row)s: %(problem)s.") % {"row": self.row, "problem": message})
        self.action = ERROR


@dataclass
class IndicatorPlan(Plan):
    criteria_set: object = None
    groups: list = field(default_factory=list)  # the period's group numbers; [] without

    @property
    def deleted(self):
        return self.count(DELETE)

    @property
    def updated(self):
        """Updated indicators, and those the file removes (the set is updated)."""
        return self.count(UPDATE) + self.deleted

    @property
    def rows_to_pick(self):
        return []  # no commune to pick: the file names indicators

    @property
    def removed_codes(self):
        return [row.code for row in self.rows if row.action == DELETE]

    def for_display(self):
        order = {ERROR: 0, CREATE: 1, UPDATE: 1, UNCHANGED: 1, DELETE: 2}
        return sorted(self.rows, key=lambda row: (order[row.action], row.row or 0, row.code))
