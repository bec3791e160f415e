"""The "Cộng …" and total rows of the criteria matrix (matrix.py up to 2025, matrix_sets.py from
2026): what a row of several communes says.

Adding up the criteria met across communes counts nothing, so a row of several communes gives:

* in the name column, how many communes it covers: "Cộng Huyện Bát Xát (21 xã)", and when some
  have no result that year, how many have: "(21 xã, 19 xã có kết quả)";
* under each criterion, the number of communes meeting it;
* under "Số tiêu chí đạt", the average criteria met per commune with a result, rounded as the
  dashboard rounds it (figures.Average): the same figure for the same communes.

NOTE, written under the total, says so in the file. The importer skips these rows (no code).
"""

from ..figures import Average

NOTE = (
    "Dòng “Cộng”: cột tiêu chí ghi số xã đạt; cột “Số tiêu chí đạt” ghi số tiêu chí đạt "
    "bình quân/xã có kết quả."
)


class Tally:
    """The communes of a group (or of the whole list) as their subtotal row counts them."""

    __slots__ = ("communes", "assessed", "met", "per_criterion")

    def __init__(self, criteria):
        self.communes = 0
        self.assessed = 0  # communes with a result of the year (a CriteriaScore row)
        self.met = 0  # criteria met, over the assessed communes
        self.per_criterion = [0] * criteria

    def add(self, flags, *, assessed):
        """One commune: its met? per criterion, and whether it has a result that year."""
        self.communes += 1
        if assessed:
            self.assessed += 1
            self.met += sum(flags)
        for index, flag in enumerate(flags):
            self.per_criterion[index] += flag

    def add_tally(self, other):
        self.communes += other.communes
        self.assessed += other.assessed
        self.met += other.met
        self.per_criterion = [
            a + b for a, b in zip(self.per_criterion, other.per_criterion, strict=True)
        ]

    @property
    def average(self):
        """Criteria met per commune with a result (Decimal, one decimal), None without any."""
        return Average(self.met, self.assessed).value

    def label(self, title):
        counted = f"{self.communes} xã"
        if self.assessed != self.communes:
            counted += f", {self.assessed} xã có kết quả"
        return f"{title} ({counted})"

    def values(self, title):
        """[the labelled title, communes meeting each criterion, the average] of its row."""
        average = self.average
        # A float: the sheet shows it with one decimal (writer's AVERAGE_FORMAT).
        return [self.label(title), *self.per_criterion, None if average is None else float(average)]
