"""What an import would do, row by row: shown as the preview, carried out on confirm."""

from dataclasses import dataclass, field

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"


@dataclass
class PlanRow:
    """One annex row or one changed matrix cell."""

    row: int
    action: str = CREATE
    district: str = ""
    commune: str = ""
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    # annex
    leader: str = ""
    position: str = ""
    agency: str = ""
    previous: str = ""
    # matrix
    column: str = ""
    criterion: str = ""
    old: bool | None = None
    new: bool | None = None
    # What apply() needs; not shown.
    target: dict = field(default_factory=dict, repr=False)

    def fail(self, message):
        self.errors.append(message)
        self.action = ERROR


@dataclass
class Plan:
    kind: str
    rows: list = field(default_factory=list)
    # Matrix cells that stay as they are are counted, not listed.
    unchanged_cells: int = 0
    # Things created once for several rows (new agencies and leaders).
    extra: dict = field(default_factory=dict, repr=False)

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self):
        return self.count(CREATE)

    @property
    def updated(self):
        return self.count(UPDATE)

    @property
    def unchanged(self):
        return self.count(UNCHANGED) + self.unchanged_cells

    @property
    def errors(self):
        return self.count(ERROR)

    @property
    def has_errors(self):
        return self.errors > 0

    @property
    def has_changes(self):
        return self.created + self.updated > 0

    @property
    def error_rows(self):
        return sorted({row.row for row in self.rows if row.action == ERROR})

    def for_display(self):
        """Errors first, then the rest in file order."""
        order = {ERROR: 0, CREATE: 1, UPDATE: 1, UNCHANGED: 1}
        return sorted(self.rows, key=lambda row: (order[row.action], row.row))
