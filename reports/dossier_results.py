"""The dossier's results of the periods after 2021–2025, and its yearly summary per set.

The 19-criteria grid of 2021–2025 (with its old units' grids) is reports.queries'
``commune_dossier``, unchanged. From 2026 a period has its own section: the commune's
group for the period, then one grid per criteria set the unit has results against,
its criteria with their indicators under them, a column per year (never a year of one
set in another set's grid). The summary reads the unit's CriteriaScore rows, one table
per set.

A fixed number of queries: periods (2), the unit's scores (1); and only for a unit in a
period after 2021–2025: its groups (1); only with results there: the sets' criteria,
indicators and requirements (3), its assessments, indicator results and commune-years (3).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch

from communes.models import (
    Assessment,
    CommuneGroup,
    CommuneYear,
    CriteriaScore,
    CriteriaSet,
    Criterion,
    Indicator,
    IndicatorResult,
    Period,
)
from communes.results import existence_message

from .results_form import value_text


@dataclass
class YearColumn:
    year: int
    commune_year: CommuneYear | None  # its review (status), None while nothing was recorded


@dataclass
class IndicatorCell:
    met: bool
    value: str  # as the office typed it ("80,5"), empty without a value


@dataclass
class IndicatorRow:
    indicator: Indicator
    requirement: object  # the commune group's Requirement, or None
    cells: list  # one IndicatorCell (or None: no result) per year


@dataclass
class CriterionRow:
    criterion: object
    cells: list  # one per year: True, False or None (no result)
    indicators: list = field(default_factory=list)


@dataclass
class SetGrid:
    criteria_set: CriteriaSet
    columns: list  # [YearColumn]
    rows: list  # [CriterionRow]
    met_counts: list
    total: int

    @property
    def years(self):
        return [column.year for column in self.columns]

    @property
    def latest_year(self):
        return self.columns[-1].year if self.columns else None

    @property
    def latest_met(self):
        return self.met_counts[-1] if self.columns else None

    @property
    def has_indicators(self):
        return any(row.indicators for row in self.rows)


@dataclass
class PeriodSection:
    period: Period
    group: CommuneGroup | None
    grids: list  # [SetGrid], oldest set first
    years: list  # the years the unit has a results page for, up to this year
    is_current: bool = False


@dataclass
class ScoreTable:
    criteria_set: CriteriaSet
    scores: list  # [CriteriaScore], oldest year first


@dataclass
class DossierResults:
    period: Period | None  # this year's period (else the latest started): the group box's
    commune_group: CommuneGroup | None
    sections: list  # [PeriodSection]: the periods after 2021–2025 the unit is in
    score_tables: list  # [ScoreTable]
    programme_years: list  # the 2021–2025 years the unit has a results page for

    @property
    def latest(self):
        """The newest grid with results after 2021–2025 (the dossier's headline card)."""
        grids = [grid for section in self.sections for grid in section.grids if grid.columns]
        return grids[-1] if grids else None


def result_years(unit, years, this_year):
    """Of `years`, those the unit has a results page for: up to this year, while it existed
    (communes.results refuses the others)."""
    return [y for y in years if y <= this_year and existence_message(unit, y) is None]


def commune_results(commune, today):
    """What the dossier shows of the unit's results besides the 2021–2025 grid."""
    periods = list(
        Period.objects.annotate(
            is_programme=Exists(CriteriaSet.objects.programme().filter(period=OuterRef("pk")))
        )
        .prefetch_related("group_definitions")
        .order_by("first_year")
    )
    started = [p for p in periods if p.first_year <= today.year]
    current = next((p for p in started if today.year in p.years), started[-1] if started else None)
    scores = list(
        CriteriaScore.objects.filter(commune=commune)
        .select_related("criteria_set__period")
        .order_by("criteria_set__first_year", "criteria_set__version", "year")
    )
    by_set = defaultdict(list)
    for score in scores:
        by_set[score.criteria_set].append(score)
    programme = next((p for p in periods if p.is_programme), None)
    sections = []
    for period in started:
        if period.is_programme:
            continue
        years = result_years(commune, period.years, today.year)
        sets = [s for s in by_set if s.period_id == period.pk]
        if years or sets:
            sections.append(PeriodSection(period, None, sets, years, period == current))
    if sections:
        groups = {g.period_id: g for g in CommuneGroup.objects.filter(commune=commune)}
        for section in sections:
            section.group = groups.get(section.period.pk)
        _fill_grids(commune, sections)
    return DossierResults(
        period=current,
        commune_group=next((s.group for s in sections if s.is_current), None),
        sections=sections,
        score_tables=[ScoreTable(s, rows) for s, rows in by_set.items()],
        programme_years=result_years(commune, programme.years, today.year) if programme else [],
    )


def _fill_grids(commune, sections):
    """Replace each section's sets by their grids (six queries for all of them)."""
    sets = [s for section in sections for s in section.grids]
    if not sets:
        return
    indicators = Indicator.objects.prefetch_related("requirements").order_by("order", "code")
    criteria = defaultdict(list)
    for criterion in (
        Criterion.objects.filter(criteria_set__in=sets)
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("criteria_set", "number")
    ):
        criteria[criterion.criteria_set_id].append(criterion)
    met = {
        (a.criterion_id, a.year): a.met
        for a in Assessment.objects.filter(commune=commune, criterion__criteria_set__in=sets)
    }
    found = {
        (r.indicator_id, r.year): IndicatorCell(r.met, value_text(r.value))
        for r in IndicatorResult.objects.filter(
            commune=commune, indicator__criterion__criteria_set__in=sets
        )
    }
    years = {y.year: y for y in CommuneYear.objects.filter(commune=commune)}
    for section in sections:
        section.grids = [
            _grid(s, criteria[s.pk], section.group, met, found, years) for s in section.grids
        ]


def _grid(criteria_set, criteria, group, met, found, commune_years):
    """One set's grid: the years with a result against it, as columns."""
    ids = {c.pk for c in criteria}
    years = sorted({year for criterion_id, year in met if criterion_id in ids})
    number = group.number if group else None
    rows = []
    for criterion in criteria:
        row = CriterionRow(criterion, [met.get((criterion.pk, y)) for y in years])
        for indicator in criterion.indicators.all():
            requirement = next((r for r in indicator.requirements.all() if r.group == number), None)
            cells = [found.get((indicator.pk, y)) for y in years]
            row.indicators.append(IndicatorRow(indicator, requirement, cells))
        rows.append(row)
    return SetGrid(
        criteria_set=criteria_set,
        columns=[YearColumn(y, commune_years.get(y)) for y in years],
        rows=rows,
        met_counts=[sum(1 for row in rows if row.cells[i]) for i in range(len(years))],
        total=len(criteria),
    )
