"""A small 2026–2030 criteria set whose numeric requirements differ by commune group, and
indicator results on it: what the commune-group tests change a group under.

A provincial set (tests.factories.make_criteria_set): never the year's national set, so
nothing else in the test data is evaluated against it.
"""

from decimal import Decimal
from types import SimpleNamespace

from communes.models import (
    Assessment,
    Commune,
    CommuneGroup,
    CommuneYear,
    CriteriaScore,
    Criterion,
    Indicator,
    IndicatorResult,
    Map,
    Period,
    Requirement,
)
from tests.factories import make_criteria_set

# indicator code: (criterion, name, {group: target} or None for a yes/no requirement)
INDICATORS = {
    "2.1": (2, "Tỷ lệ đường xã được cứng hóa", {1: 100, 2: 90, 3: 70}),
    "2.2": (2, "Có điểm sinh hoạt văn hóa", None),
    "3.1": (3, "Thu nhập bình quân đầu người (triệu đồng)", {1: 80, 2: 60, 3: 50}),
}
CRITERIA = {2: "Hạ tầng kinh tế – xã hội", 3: "Phát triển kinh tế nông thôn"}


def period_2026():
    return Period.objects.get(code="2026-2030")


def small_2026_set():
    """The set, its criteria by number and its indicators by code."""
    criteria_set = make_criteria_set(2026, 2030, name="Bộ chỉ tiêu thử 2026")
    criteria = {
        number: Criterion.objects.create(criteria_set=criteria_set, number=number, name=name)
        for number, name in CRITERIA.items()
    }
    indicators = {}
    for code, (number, name, targets) in INDICATORS.items():
        indicator = Indicator.objects.create(criterion=criteria[number], code=code, name=name)
        for group in (1, 2, 3):
            if targets:
                Requirement.objects.create(
                    indicator=indicator,
                    group=group,
                    text=f"≥ {targets[group]}",
                    comparison=">=",
                    target=targets[group],
                )
            else:
                Requirement.objects.create(indicator=indicator, group=group, text="Đạt")
        indicators[code] = indicator
    return SimpleNamespace(set=criteria_set, criteria=criteria, indicators=indicators)


def record(commune, indicators, year=2026, **values):
    """Results of `commune` in `year`: record(c, ind, i2_1=80, i2_2=True, i3_1=55)."""
    for key, value in values.items():
        indicator = indicators[key.removeprefix("i").replace("_", ".")]
        numeric = not isinstance(value, bool)
        IndicatorResult.objects.create(
            commune=commune,
            indicator=indicator,
            year=year,
            value=Decimal(value) if numeric else None,
            met=value if not numeric else False,
        )


def current_units(count):
    """`count` xã of today's programme, in Vietnamese order, without a group yet nor any
    result from 2026 (the demo's are removed: its review first, so that nothing is locked)."""
    units = Commune.objects.in_programme(Map.CURRENT).filter(kind=Commune.Kind.RURAL)
    units = list(units.order_by("sort_name", "code")[:count])
    CommuneYear.objects.filter(commune__in=units).delete()
    for model in (IndicatorResult, Assessment, CriteriaScore):
        model.objects.filter(commune__in=units, year__gte=2026).delete()
    CommuneGroup.objects.filter(commune__in=units).delete()
    return units
