"""The demo's criteria results 2021–2025 and its recognitions (NTM, advanced NTM).

Each commune gets a plan: the number of criteria it meets each year, and which.
The plans are shaped like the province's reported figures (docs/domain.md,
context figures): 61 of the 127 xã recognised before 2021, a dip in 2022 when
the stricter 2021–2025 criteria set applies, an average of 12.02 criteria met in
2023. The figures make the demo plausible; they are never facts of a commune.
"""

import datetime
import math
from dataclasses import dataclass

from simple_history.utils import bulk_create_with_history

from communes import scores
from communes.models import Assessment, Commune, CriteriaSet, Recognition
from sampledata.criteria import criteria_order

from .decision import HISTORY_REASON, TA_CHAI_CODE, YEARS

# The year each commune first meets all 19 again under the new set (None: not by 2025).
OLD_NTM_REACH = {2022: 4, 2023: 8, 2024: 20, 2025: 27, None: 2}  # the 61 recognised before 2021
NEW_NTM_REACH = {2022: 1, 2023: 3, 2024: 7, 2025: 12}  # recognised in that year
ADVANCED_PER_YEAR = {2024: 3, 2025: 4}
TARGET_AVERAGE_2023 = 12.02  # Lào Cai's reported 2023 figure


@dataclass
class CommunePlan:
    commune: Commune
    kind: str  # "old" (recognised before 2021), "new" (recognised 2022–2025) or "weak"
    reach: int | None  # first year with all 19 under the new set
    counts: dict  # year -> number of criteria met
    order: list  # criterion numbers, most easily met first

    def met(self, year):
        return set(self.order[: self.counts[year]])


def plan_assessments(rng, communes, criteria):
    """How many (and which) criteria each commune meets per year, shaped like the province."""
    pool = [c for c in communes if c.code != TA_CHAI_CODE]  # merged in 2024: not a 2025 NTM
    rng.shuffle(pool)
    weak = [c for c in communes if c.code == TA_CHAI_CODE]
    plans = []
    for kind, reach_counts in (("old", OLD_NTM_REACH), ("new", NEW_NTM_REACH)):
        for reach, count in reach_counts.items():
            for commune in pool[:count]:
                plans.append(CommunePlan(commune, kind, reach, {}, []))
            pool = pool[count:]
    plans += [CommunePlan(c, "weak", None, {}, []) for c in pool + weak]

    numbers = [c.number for c in criteria]
    for plan in plans:
        plan.order = criteria_order(rng, numbers)
        plan.counts = _counts(rng, plan)
        if plan.commune.valid_to and plan.commune.valid_to.year < YEARS[-1]:
            plan.counts = {y: n for y, n in plan.counts.items() if y <= plan.commune.valid_to.year}
    _calibrate(rng, plans, 2023, TARGET_AVERAGE_2023)
    return plans


def _counts(rng, plan):
    """Criteria met per year: 19 from the reach year on, climbing towards it before."""
    if plan.kind == "weak":
        counts = {2021: rng.randint(5, 12)}
        counts[2022] = max(3, counts[2021] - rng.randint(2, 4))
        for year, steps in ((2023, [0, 0, 1]), (2024, [0, 1, 1]), (2025, [0, 1, 1])):
            counts[year] = min(17, counts[year - 1] + rng.choice(steps))
        return counts
    counts = {2021: 19 if plan.kind == "old" else rng.randint(13, 17)}
    reach = plan.reach or 2026
    step = rng.uniform(2.0, 4.0)  # criteria gained per year on the way to 19
    for year in YEARS[1:]:
        gap = 0 if year >= reach else math.ceil((reach - year) * step)
        counts[year] = 19 if gap == 0 else max(4, 19 - gap)
    return counts


def _calibrate(rng, plans, year, average):
    """Move single communes by one criterion until the year's average is as intended.

    Only communes below 19 move, and never past their previous or next year.
    """
    rows = [p for p in plans if year in p.counts]
    diff = round(average * len(rows)) - sum(p.counts[year] for p in rows)
    step = 1 if diff > 0 else -1
    movable = [p for p in rows if p.counts[year] < 19]
    for _attempt in range(50 * len(rows)):
        if diff == 0 or not movable:
            break
        plan = rng.choice(movable)
        new = plan.counts[year] + step
        low = plan.counts.get(year - 1, 0) if year > 2022 else 0
        high = min(18, plan.counts.get(year + 1, 18))
        if low <= new <= high:
            plan.counts[year] = new
            diff -= step


def create_assessments(plans, criteria):
    rows = [
        Assessment(
            commune=plan.commune,
            criterion=criterion,
            year=year,
            met=criterion.number in met,
            is_demo=True,
        )
        for plan in plans
        for year in plan.counts
        for met in [plan.met(year)]
        for criterion in criteria
    ]
    bulk_create_with_history(
        rows, Assessment, batch_size=2000, default_change_reason=HISTORY_REASON
    )
    # bulk_create sends no signals: summarise the new assessments here.
    scores.refresh(communes=[plan.commune.pk for plan in plans], years=YEARS)


def create_recognitions(rng, plans, today):
    """NTM recognitions (2015–2020 for the old ones, the reach year for the new ones)
    and a few advanced NTM ones, with invented decision numbers and dates."""
    rows = []

    def recognise(plans_of_year, year, level, decisions=2):
        options = _decisions(rng, year, decisions, today)
        for plan in plans_of_year:
            number, decided_on = rng.choice(options)
            rows.append(
                Recognition(
                    commune=plan.commune,
                    level=level,
                    decision_number=number,
                    decided_on=decided_on,
                    note="Dữ liệu mẫu: số và ngày quyết định là bịa.",
                    is_demo=True,
                )
            )

    old = [p for p in plans if p.kind == "old"]
    for year in range(2015, 2021):
        recognise(
            [p for i, p in enumerate(old) if i % 6 == year - 2015], year, CriteriaSet.Level.NTM
        )
    for year in YEARS[1:]:
        new = [p for p in plans if p.kind == "new" and p.reach == year]
        recognise(new, year, CriteriaSet.Level.NTM, decisions=1)
    strongest = [p for p in old if p.reach in (2022, 2023)]
    rng.shuffle(strongest)
    for year, count in ADVANCED_PER_YEAR.items():
        recognise(strongest[:count], year, CriteriaSet.Level.ADVANCED, decisions=1)
        strongest = strongest[count:]
    bulk_create_with_history(rows, Recognition, default_change_reason=HISTORY_REASON)


def _decisions(rng, year, count, today):
    """`count` invented (number, date) decisions late in `year`, never after yesterday."""
    latest = today - datetime.timedelta(days=1)
    result = []
    for _i in range(count):
        day = datetime.date(year, rng.randint(6, 12), rng.randint(1, 28))
        result.append((f"{rng.randint(100, 4999)}/QĐ-UBND", min(day, latest)))
    return result
