"""Which period and criteria set a year's results are read against, and the words that say so.

Every report page, filter and export that takes a year asks ``year_set(year)``: a year
of 2021–2025 is read against the 19 criteria of Decision 318/QĐ-TTg, one of 2026–2030
against the 10 of Decision 51/2025/QĐ-TTg, and a year's figures never mix the two
(``CriteriaScore.objects.in_their_period()``). A year's recognitions are counted at its
period's levels (``Period.levels``): from 2026 NTM and NTM hiện đại, a commune
recognised nâng cao or kiểu mẫu before 2026 counting as NTM (``YearSet.level_of``).

"Approved only" (the dashboard's and the communes list's ``?da-duyet=1``) keeps the
commune-years the office approved (``CommuneYear``, status approved): ``approved()``.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import CommuneYear, CriteriaScore, CriteriaSet, Level, Map, Period

from .imports.scope import year_map

# Levels from the lowest to the highest (Level's own order): a commune counts once, at its
# highest.
RANK = {level: rank for rank, level in enumerate(Level, start=1)}
# The levels of a year no period covers (none in the reference data): those of 2021–2025.
DEFAULT_LEVELS = (Level.NTM, Level.ADVANCED, Level.MODEL)
APPROVED_PARAM = "da-duyet"  # ?da-duyet=1: approved results only (dashboard, communes list)


def short_basis(legal_basis):
    """ "Quyết định 51/2025/QĐ-TTg ngày 29/12/2025 (…)" → "Quyết định 51/2025/QĐ-TTg"."""
    return legal_basis.split(" ngày ")[0].strip()


@dataclass(frozen=True)
class YearSet:
    """A year, its period and the period's commune criteria set (newest version)."""

    year: int | None
    period: Period | None
    criteria_set: CriteriaSet | None
    total: int = 0  # criteria in the set

    @property
    def map(self):
        """The map the year's results are recorded on: old xã up to 2025, today's units
        from 2026."""
        return year_map(self.year) if self.year is not None else Map.default()

    @property
    def levels(self):
        """The recognition levels of the year's period, lowest first."""
        if self.period is None:
            return list(DEFAULT_LEVELS)
        return sorted((Level(code) for code in self.period.levels if code in RANK), key=RANK.get)

    def level_choices(self):
        return [(level, level.label) for level in self.levels]

    def level_of(self, level):
        """The period's level a recognition at `level` counts at: the highest of the period's
        levels not above it (kiểu mẫu of 2024 → NTM in 2026), None below them all."""
        below = [own for own in self.levels if RANK[own] <= RANK.get(level, 0)]
        return below[-1] if below else None

    def level_map(self):
        """{every level: the period's level it counts at} (levels below them all left out)."""
        return {level: self.level_of(level) for level in Level if self.level_of(level) is not None}

    @property
    def maps_levels(self):
        """Whether some level counts as another (nâng cao, kiểu mẫu as NTM from 2026)."""
        return any(level != own for level, own in self.level_map().items())

    @property
    def set_label(self):
        """ "bộ 2026–2030" """
        return _("bộ %(period)s") % {"period": self.period.label} if self.period else ""

    @property
    def heading(self):
        """ "Giai đoạn 2026–2030 – Bộ tiêu chí theo Quyết định 51/2025/QĐ-TTg" """
        if self.period is None:
            return ""
        text = _("Giai đoạn %(period)s") % {"period": self.period.label}
        basis = self.criteria_set.legal_basis if self.criteria_set else ""
        if basis:
            text += " – " + _("Bộ tiêu chí theo %(basis)s") % {"basis": short_basis(basis)}
        return text

    @property
    def scale_label(self):
        """ "trên 10 tiêu chí (bộ 2026–2030)": what an average of criteria met is out of."""
        if self.period is None:
            return ""
        return _("trên %(n)s tiêu chí (%(set)s)") % {"n": self.total, "set": self.set_label}

    def scores(self):
        """Every commune's result of the year against the year's set (any version)."""
        return CriteriaScore.objects.in_their_period().filter(year=self.year)


def year_set(year, today=None):
    """The YearSet of `year` (of today's year when None): one query, two for a year whose
    period has no commune set."""
    lookup = year if year is not None else (today or timezone.localdate()).year
    criteria_set = (
        CriteriaSet.objects.select_related("period")
        .annotate(n_criteria=Count("criteria"))
        .for_year(lookup)
    )
    if criteria_set is None:
        return YearSet(year, Period.objects.of_year(lookup), None)
    return YearSet(year, criteria_set.period, criteria_set, criteria_set.n_criteria)


def approved(path="commune", year="year"):
    """EXISTS: the commune-year of the record's unit (`path`) and `year` (a field, or a
    number) is approved."""
    year_value = OuterRef(year) if isinstance(year, str) else year
    return Exists(
        CommuneYear.objects.filter(
            commune=OuterRef(path), year=year_value, status=CommuneYear.Status.APPROVED
        )
    )
