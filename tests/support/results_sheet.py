"""A small 2026–2030 set with indicators, and a commune assessed against it: what the
results tests (communes.results.record, the results page, the dossier's grids) record on.

The set is provincial (tests.factories.make_criteria_set), so it is never the year's
national set; the commune's CommuneYear names it, and record() reads the commune-year's
set first. Nothing in the demo data is evaluated against it.
"""

from decimal import Decimal
from types import SimpleNamespace

from communes.models import (
    CommuneGroup,
    CommuneYear,
    CriteriaSet,
    Criterion,
    Indicator,
    Requirement,
)
from tests.factories import make_commune, make_criteria_set

TARGETS = {1: 100, 2: 90, 3: 80}  # indicator 1.1's "≥ n%" per commune group


def small_set():
    """Criterion 1 with a numeric indicator (1.1) and a yes/no one (1.2); criterion 2
    without indicators (recorded for itself)."""
    criteria_set = make_criteria_set(2026, 2030, name="Bộ thử kết quả 2026")
    measured = Criterion.objects.create(criteria_set=criteria_set, number=1, name="Hạ tầng thử")
    plain = Criterion.objects.create(criteria_set=criteria_set, number=2, name="Quy hoạch thử")
    value = Indicator.objects.create(
        criterion=measured, code="1.1", name="Tỷ lệ đường xã được cứng hóa", unit="%"
    )
    yes_no = Indicator.objects.create(criterion=measured, code="1.2", name="Có nhà văn hóa")
    for group, target in TARGETS.items():
        Requirement.objects.create(
            indicator=value,
            group=group,
            text=f"≥ {target}%",
            comparison=Requirement.Comparison.AT_LEAST,
            target=Decimal(target),
        )
        Requirement.objects.create(indicator=yes_no, group=group, text="Đạt")
    return SimpleNamespace(
        criteria_set=criteria_set, measured=measured, plain=plain, value=value, yes_no=yes_no
    )


def commune_on(criteria_set, year=2026, group=3, **kw):
    """A commune (existing every year) whose `year` is assessed against `criteria_set`, in
    commune group `group` for the set's period (None: no group)."""
    commune = make_commune(**kw)
    if group is not None:
        CommuneGroup.objects.create(commune=commune, period=criteria_set.period, number=group)
    CommuneYear.objects.create(commune=commune, year=year, criteria_set=criteria_set)
    return commune


def national_2026():
    return CriteriaSet.objects.for_year(2026)


def criterion_without_indicators(criteria_set):
    return next(c for c in criteria_set.criteria.order_by("number") if not c.indicators.exists())
