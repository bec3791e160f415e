"""What an import would do, row by row: shown as the preview, carried out on confirm."""

import datetime
from dataclasses import dataclass, field
from operator import attrgetter

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"


@dataclass(slots=True)
class CommuneChoice:
    """A row whose commune the office picks in the preview (its name matched none, or two)."""

    typed: str  # the commune as the file has it
    district: object  # the row's District; None: any commune of the file's scope
    candidates: list  # communes whose names are near, closest first
    picked: object = None  # the Commune picked, once it is
    # [(label, [reference.Option])]: the page's select offers
    options: list = field(default_factory=list)
    province: object = None  # without a district: the old Province a heading names, if any


@dataclass(slots=True)
class PlanRow:
    """One annex row, or one matrix cell with an error."""

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
    split_from: str = ""  # the cell position and agency were split from, as typed
    previous: str = ""
    starts: datetime.date | None = None  # the day the new pair takes effect
    choice: CommuneChoice | None = None  # the commune is (or was) the office's pick
    matched_by: str = ""  # "alias" or "pick" when the commune name was not exact
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


class CellChange:
    """A matrix cell to create or update, read like a PlanRow.

    A national import may plan all 190,000 cells of a year: each holds a few
    references (its column and commune are shared), not strings of its own.
    """

    __slots__ = ("row", "old", "new", "assessment", "_column", "_commune")
    errors = notes = ()

    def __init__(self, row, column, commune, old, new, assessment):
        """`column` has .letter, .label, .short, .criterion_id; `commune` .pk, .name, .district."""
        self.row = row
        self._column = column
        self._commune = commune
        self.old = old
        self.new = new
        self.assessment = assessment  # the id of the assessment to update; None: create

    @property
    def action(self):
        return CREATE if self.assessment is None else UPDATE

    @property
    def column(self):
        return f"{self._column.letter}{self.row}"

    criterion = property(attrgetter("_column.label"))
    short = property(attrgetter("_column.short"))  # "TC3", in a list of cells
    criterion_id = property(attrgetter("_column.criterion_id"))
    commune = property(attrgetter("_commune.name"))
    commune_id = property(attrgetter("_commune.pk"))
    district = property(attrgetter("_commune.district"))


@dataclass
class Plan:
    kind: str
    rows: list = field(default_factory=list)
    # Matrix cells that stay as they are are counted, not listed.
    unchanged_cells: int = 0
    # annex: things created once for several rows (new agencies and leaders);
    # matrix: "communes", the number of commune rows read.
    extra: dict = field(default_factory=dict, repr=False)
    # annex: the Reference its communes were matched in (the preview's selects offer them).
    reference: object = field(default=None, repr=False)

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

    @property
    def rows_to_pick(self):
        """The rows waiting for the office to pick their commune."""
        return sorted(
            row.row
            for row in self.rows
            if row.action == ERROR and row.choice is not None and row.choice.picked is None
        )

    @property
    def has_choices(self):
        """Some row's commune is the office's to pick (picked already or not)."""
        return any(getattr(row, "choice", None) is not None for row in self.rows)

    @property
    def picked(self):
        """Rows matched by the office's pick: confirming remembers each as an alias."""
        return sum(1 for row in self.rows if getattr(row, "matched_by", "") == "pick")

    @property
    def only_picks_missing(self):
        """Every error is a commune to pick: picking them is all the confirm needs."""
        return self.has_errors and self.rows_to_pick == self.error_rows

    def for_display(self):
        """Errors first, then the rest in file order."""
        order = {ERROR: 0, CREATE: 1, UPDATE: 1, UNCHANGED: 1}
        return sorted(self.rows, key=lambda row: (order[row.action], row.row))
