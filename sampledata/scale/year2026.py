"""The synthetic year 2026 on the 2026–2030 set (Decision 51/2025/QĐ-TTg, 10 criteria).

From 2026 results are recorded for the units of today's map, so the year is the current
units' ("Thử Mới …", made by ``reform``): each gets a commune group for the period
(basis GROUP_BASIS), a result for every indicator of the set, and the criteria derived
from them by the rule of ``communes.evaluation`` (met when every indicator has a result
and all are met), then the scores summary. A share of the commune-years is submitted or
approved (``CommuneYear``).

The set's 47 indicators are not known to us (docs/domain.md): where a criterion has
none loaded, synthetic ones are added ("[Giả lập] …", ``Indicator.is_demo``, codes
continuing the criterion's), with a requirement per commune group, until the set has
INDICATORS; criteria that already have some (the office's, or the Lào Cai demo's) keep
them and the generator uses them with their requirements. The values, groups and
reviews are drawn, never facts.

Rows are written in bulk without history, as the rest of the synthetic data; the
derivation is done here rather than by ``evaluate()``, which would read the whole year
into memory at once.
"""

from collections import defaultdict
from decimal import Decimal

from communes import scores
from communes.models import (
    Assessment,
    CommuneGroup,
    CommuneYear,
    CriteriaSet,
    Indicator,
    IndicatorResult,
    Requirement,
)
from communes.models.criteria import indicator_order
from sampledata.criteria import EASE_2026, criteria_order

from .markers import SYNTHETIC_INDICATOR_PREFIX
from .writing import BATCH_SIZE

INDICATORS = 47  # Decision 51/2025/QĐ-TTg, Annex I
NOT_REAL = "không phải chỉ tiêu thật"
GROUP_BASIS = "Dữ liệu giả lập: không phải phân nhóm thật"
GROUP_WEIGHTS = (15, 45, 40)  # of the xã in groups 1, 2, 3; a phường is in group 1
NUMERIC_SHARE = 0.6  # of the synthetic indicators: a "≥" target per group, else yes/no
TARGETS = ((95, 85, 70), (90, 75, 60), (100, 90, 80), (80, 65, 50))  # per group 1, 2, 3
MET_WEIGHTS = {n: w for n, w in enumerate((1, 3, 6, 10, 14, 16, 16, 14, 10, 6, 4))}
SUBMITTED_SHARE, APPROVED_SHARE = 0.1, 0.15  # of the commune-years


def create_year(rng, units, year, progress):
    """The year `year` of the 2026–2030 set for `units` (current units); nothing if no set."""
    criteria_set = CriteriaSet.objects.for_year(year)
    if criteria_set is None:
        return
    groups = _create_groups(rng, units, criteria_set.period, progress)
    indicators = ensure_indicators(rng, criteria_set, progress)
    requirements = defaultdict(dict)  # indicator id → {group: Requirement}
    for requirement in Requirement.objects.filter(indicator__in=[i.pk for i in indicators]):
        requirements[requirement.indicator_id][requirement.group] = requirement
    by_criterion = defaultdict(list)
    for indicator in indicators:
        by_criterion[indicator.criterion_id].append(indicator)
    criteria = list(criteria_set.criteria.order_by("number"))
    numbers = [c.number for c in criteria]
    results, assessments, written = [], [], 0
    for unit in units:
        order = criteria_order(rng, numbers, EASE_2026)
        met = set(order[: rng.choices(list(MET_WEIGHTS), list(MET_WEIGHTS.values()))[0]])
        group = groups[unit.pk]
        for criterion in criteria:
            own = by_criterion[criterion.pk]
            meets = criterion.number in met
            failing = set() if meets or not own else set(rng.sample(range(len(own)), 1))
            for i, indicator in enumerate(own):
                requirement = requirements[indicator.pk].get(group)
                results.append(_result(rng, unit, indicator, year, requirement, i not in failing))
            assessments.append(
                Assessment(
                    commune_id=unit.pk,
                    criterion_id=criterion.pk,
                    year=year,
                    met=meets,
                    is_demo=True,
                )
            )
        if len(results) >= BATCH_SIZE:
            IndicatorResult.objects.bulk_create(results, batch_size=BATCH_SIZE)
            Assessment.objects.bulk_create(assessments, batch_size=BATCH_SIZE)
            written += len(results) + len(assessments)
            results, assessments = [], []
    IndicatorResult.objects.bulk_create(results, batch_size=BATCH_SIZE)
    Assessment.objects.bulk_create(assessments, batch_size=BATCH_SIZE)
    written += len(results) + len(assessments)
    progress.done(f"Kết quả chỉ tiêu và tiêu chí năm {year} (bộ {criteria_set.code})", written)
    written = scores.refresh(communes=[unit.pk for unit in units], years=[year])
    progress.done(f"Kết quả tổng hợp tiêu chí năm {year}", written)
    _create_reviews(rng, units, year, criteria_set, progress)


def _result(rng, unit, indicator, year, requirement, meets):
    """A result on the right side of the unit's requirement (a value where it is a number)."""
    row = IndicatorResult(
        commune_id=unit.pk, indicator_id=indicator.pk, year=year, met=meets, is_demo=True
    )
    if requirement is not None and requirement.is_numeric:
        target = float(requirement.target)
        value = target + rng.uniform(0, 100 - target) if meets else target * rng.uniform(0.6, 0.97)
        row.value = Decimal(f"{value:.1f}")
        row.met = requirement.check_value(row.value)
    return row


def _create_groups(rng, units, period, progress):
    rows = []
    for unit in units:
        ward = unit.kind == unit.Kind.WARD
        number = 1 if ward else rng.choices((1, 2, 3), GROUP_WEIGHTS)[0]
        rows.append(
            CommuneGroup(
                commune_id=unit.pk, period=period, number=number, basis=GROUP_BASIS, is_demo=True
            )
        )
    CommuneGroup.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    progress.done(f"Nhóm xã giai đoạn {period.label}", len(rows))
    return {row.commune_id: row.number for row in rows}


def ensure_indicators(rng, criteria_set, progress):
    """The set's indicators, with synthetic ones added to the criteria that have none until
    it has INDICATORS (as evenly as the criteria allow); all of them, in order."""
    criteria = list(criteria_set.criteria.order_by("number").prefetch_related("indicators"))
    existing = sum(len(c.indicators.all()) for c in criteria)
    empty = [c for c in criteria if not c.indicators.all()]
    if empty and existing < INDICATORS:
        share, extra = divmod(INDICATORS - existing, len(empty))
        new, requirements = [], []
        for i, criterion in enumerate(empty):
            for n in range(1, share + (i < extra) + 1):
                code = f"{criterion.number}.{n}"
                new.append(
                    Indicator(
                        criterion=criterion,
                        code=code,
                        name=f"{SYNTHETIC_INDICATOR_PREFIX}Chỉ tiêu {code} ({NOT_REAL})",
                        order=indicator_order(code),
                        unit="%" if rng.random() < NUMERIC_SHARE else "",
                        is_demo=True,
                    )
                )
        Indicator.objects.bulk_create(new)
        for indicator in new:
            targets = rng.choice(TARGETS) if indicator.unit else None
            for group in (1, 2, 3):
                requirements.append(_requirement(indicator, group, targets))
        Requirement.objects.bulk_create(requirements)
        progress.done("Chỉ tiêu giả lập và yêu cầu theo nhóm xã", len(new) + len(requirements))
    return list(
        Indicator.objects.filter(criterion__criteria_set=criteria_set).order_by(
            "criterion__number", "order"
        )
    )


def _requirement(indicator, group, targets):
    if targets is None:
        return Requirement(indicator=indicator, group=group, text="Đạt (giả lập)")
    target = targets[group - 1]
    return Requirement(
        indicator=indicator,
        group=group,
        text=f"Từ {target}% trở lên (giả lập)",
        comparison=Requirement.Comparison.AT_LEAST,
        target=Decimal(target),
    )


def _create_reviews(rng, units, year, criteria_set, progress):
    """Some commune-years submitted, some approved; the others stay drafts (no row)."""
    rows = []
    for unit in units:
        draw = rng.random()
        if draw < APPROVED_SHARE:
            status = CommuneYear.Status.APPROVED
        elif draw < APPROVED_SHARE + SUBMITTED_SHARE:
            status = CommuneYear.Status.SUBMITTED
        else:
            continue
        rows.append(
            CommuneYear(
                commune_id=unit.pk,
                year=year,
                criteria_set=criteria_set,
                status=status,
                is_demo=True,
            )
        )
    CommuneYear.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    progress.done(f"Kết quả năm {year} đã trình, đã duyệt", len(rows))
