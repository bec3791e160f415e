"""The demo's year 2026 on the 2026–2030 set: commune groups, results and the office's review.

From 2026 on the demo's "today", the new period is in use:

* every unit of the current programme (``Commune.objects.in_programme(Map.CURRENT)``)
  has an invented commune group (``CommuneGroup.is_demo``, basis GROUP_BASIS: the
  province's real list is not known to us), except the two of UNGROUPED, whose dossier
  then says why they cannot be assessed;
* criteria 2 and 8 get invented indicators (``indicators``); most grouped units have
  2026 results: by indicator there (a value checked against their group's target, or
  yes/no), by criterion for the eight others. The assessments of criteria 2 and 8 are
  derived from the indicators by ``communes.evaluation.evaluate``, as for the office's
  entries; a few units lack one indicator, so that criterion 8 shows as not met;
* the office's review (``CommuneYear.is_demo``): a few commune-years approved, some
  submitted, the rest draft. Group A's unit (Xã Bát Xát) and group B's stay draft, so
  that visitors and tests can edit them. The events name the demo accounts of the office
  (submit) and its head (approve) once those exist (``lifecycle.link_demo_accounts``).

Drawn with its own ``random.Random(SEED)``, so that the 2021–2025 demo is the same with
or without it.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from simple_history.utils import bulk_create_with_history

from communes import scores, text
from communes.evaluation import evaluate
from communes.models import (
    Assessment,
    Commune,
    CommuneGroup,
    CommuneYear,
    CommuneYearEvent,
    CriteriaSet,
    Indicator,
    IndicatorResult,
    Map,
)
from sampledata.criteria import EASE_2026, criteria_order
from sampledata.lifecycle import GROUP_A_COMMUNE, GROUP_B_COMMUNE, DemoDataError, demo_assignment

from .decision import HISTORY_REASON
from .indicators import CRITERIA_WITH_INDICATORS, create_indicators

YEAR = 2026
SEED = 2026
UNGROUPED = ("Mường Hum", "Tú Lệ")  # one of the old Lào Cai, one of the old Yên Bái
GROUP_BASIS = "Dữ liệu mẫu: nhóm bịa, chưa có danh sách phân nhóm xã thật của tỉnh"
GROUP_WEIGHTS = {1: 10, 2: 35, 3: 55}  # of the xã; a phường is in group 1
NOT_STARTED = 4  # grouped units with no 2026 result yet
MISSING_ONE = 3  # units whose last indicator of criterion 8 is not recorded yet
APPROVED, SUBMITTED = 6, 10  # commune-years; the rest are drafts
MET_WEIGHTS = {1: 3, 2: 6, 3: 10, 4: 14, 5: 16, 6: 16, 7: 13, 8: 10, 9: 7, 10: 5}


def create_year(today):
    """Create the demo's 2026 on the 2026 set; its figures, or None before 2026."""
    if today.year < YEAR:
        return None
    rng = random.Random(SEED)
    criteria_set = CriteriaSet.objects.for_year(YEAR)
    criteria = {c.number: c for c in criteria_set.criteria.all()} if criteria_set else {}
    if not set(CRITERIA_WITH_INDICATORS) <= set(criteria):
        raise DemoDataError(
            "Chưa có bộ tiêu chí 2026–2030 (Quyết định 51/2025/QĐ-TTg, 10 tiêu chí). "
            "Hãy chạy lại: python manage.py load_reference"
        )
    _refuse_over_real_data(criteria_set)
    communes = list(Commune.objects.in_programme(Map.CURRENT).order_by("code"))
    groups = create_groups(rng, communes, criteria_set.period)
    indicators = create_indicators(criteria)
    keep_draft = _demo_accounts_units()
    grouped = [c for c in communes if c.pk in groups]
    waiting = rng.sample([c for c in grouped if c.pk not in keep_draft], NOT_STARTED)
    assessed = [c for c in grouped if c not in waiting]
    incomplete = {c.pk for c in rng.sample(assessed, MISSING_ONE)}
    create_results(rng, assessed, groups, criteria_set, indicators, incomplete)
    ready = [c for c in assessed if c.pk not in keep_draft and c.pk not in incomplete]
    create_reviews(rng, assessed, ready, criteria_set, today)
    return {"groups": len(groups), "indicators": len(indicators), "assessed": len(assessed)}


def _refuse_over_real_data(criteria_set):
    period = criteria_set.period
    real = (
        CommuneGroup.objects.filter(period=period, is_demo=False).exists()
        or Indicator.objects.filter(criterion__criteria_set=criteria_set, is_demo=False).exists()
        or IndicatorResult.objects.filter(year__in=period.years, is_demo=False).exists()
        or Assessment.objects.filter(criterion__criteria_set=criteria_set, is_demo=False).exists()
        or CommuneYear.objects.filter(year__in=period.years, is_demo=False).exists()
    )
    if real:
        raise DemoDataError(
            f"Đã có dữ liệu thật của giai đoạn {period.label} (nhóm xã, chỉ tiêu, kết quả hoặc "
            "kết quả năm đã trình, duyệt); không nạp dữ liệu mẫu đè lên."
        )


def _demo_accounts_units():
    """The units of group A's and group B's pairs in force (kept as drafts)."""
    found = (demo_assignment(GROUP_A_COMMUNE), demo_assignment(GROUP_B_COMMUNE))
    return {assignment.commune_id for assignment in found if assignment is not None}


def create_groups(rng, communes, period):
    """A demo group for each unit but UNGROUPED; {commune id: group number}."""
    left_out = {text.match_key(name) for name in UNGROUPED}
    rows = []
    for commune in communes:
        if text.match_key(commune.name) in left_out:
            continue
        if commune.kind == Commune.Kind.WARD:
            number = 1
        else:
            number = rng.choices(list(GROUP_WEIGHTS), list(GROUP_WEIGHTS.values()))[0]
        rows.append(
            CommuneGroup(
                commune=commune, period=period, number=number, basis=GROUP_BASIS, is_demo=True
            )
        )
    bulk_create_with_history(rows, CommuneGroup, default_change_reason=HISTORY_REASON)
    return {row.commune_id: row.number for row in rows}


def create_results(rng, communes, groups, criteria_set, indicators, incomplete):
    """The 2026 results of `communes`: by indicator where the criterion has some, by
    criterion elsewhere; then the criteria derived from the indicators, and the scores."""
    criteria = {c.number: c for c in criteria_set.criteria.all()}
    by_criterion = defaultdict(list)
    for indicator in indicators:
        by_criterion[indicator.criterion_id].append(indicator)
    assessments, results = [], []
    for commune in communes:
        order = criteria_order(rng, sorted(criteria), EASE_2026)
        met = set(order[: rng.choices(list(MET_WEIGHTS), list(MET_WEIGHTS.values()))[0]])
        for number, criterion in sorted(criteria.items()):
            own = by_criterion.get(criterion.pk)
            if not own:
                assessments.append(
                    Assessment(
                        commune=commune,
                        criterion=criterion,
                        year=YEAR,
                        met=number in met,
                        is_demo=True,
                    )
                )
                continue
            failing = (
                set() if number in met else set(rng.sample(range(len(own)), rng.randint(1, 2)))
            )
            for i, indicator in enumerate(own):
                if commune.pk in incomplete and number == 8 and i == len(own) - 1:
                    continue
                group = groups[commune.pk]
                results.append(_result(rng, commune, indicator, group, i not in failing))
    bulk_create_with_history(
        assessments, Assessment, batch_size=2000, default_change_reason=HISTORY_REASON
    )
    bulk_create_with_history(
        results, IndicatorResult, batch_size=2000, default_change_reason=HISTORY_REASON
    )
    ids = [commune.pk for commune in communes]
    # The criteria with indicators, as for the office's entries (demo results: demo rows).
    evaluate(ids, YEAR, criteria_set, reason=HISTORY_REASON)
    scores.refresh(ids, [YEAR])  # the criteria recorded for themselves (bulk_create)


def _result(rng, commune, indicator, group, meets):
    """One indicator's result: a value on the right side of the group's target, or yes/no."""
    requirement = indicator.demo_requirements[group]
    row = IndicatorResult(commune=commune, indicator=indicator, year=YEAR, is_demo=True)
    if not requirement.is_numeric:
        row.met = meets
        return row
    target = float(requirement.target)
    value = target + rng.uniform(0, 100 - target) if meets else target - rng.uniform(1, 25)
    row.value = Decimal(f"{value:.1f}")
    row.met = requirement.check_value(row.value)
    return row


def create_reviews(rng, communes, ready, criteria_set, today):
    """Commune-years of `communes`: APPROVED approved and SUBMITTED submitted (of `ready`),
    the rest drafts; the submit and approve events, dated in the weeks before `today`."""
    approved = rng.sample(ready, APPROVED)
    submitted = rng.sample([c for c in ready if c not in approved], SUBMITTED)
    status = {c.pk: CommuneYear.Status.APPROVED for c in approved}
    status |= {c.pk: CommuneYear.Status.SUBMITTED for c in submitted}
    years = CommuneYear.objects.bulk_create(
        [
            CommuneYear(
                commune=commune,
                year=YEAR,
                criteria_set=criteria_set,
                status=status.get(commune.pk, CommuneYear.Status.DRAFT),
                is_demo=True,
            )
            for commune in communes
        ]
    )
    dated = []
    for commune_year in years:
        if commune_year.status == CommuneYear.Status.DRAFT:
            continue
        submitted_on = today - datetime.timedelta(days=rng.randint(12, 40))
        dated.append((commune_year, CommuneYearEvent.Action.SUBMIT, submitted_on))
        if commune_year.status == CommuneYear.Status.APPROVED:
            approved_on = submitted_on + datetime.timedelta(days=rng.randint(2, 9))
            dated.append((commune_year, CommuneYearEvent.Action.APPROVE, approved_on))
    events = CommuneYearEvent.objects.bulk_create(
        [CommuneYearEvent(commune_year=row, action=action) for row, action, _day in dated]
    )
    zone = ZoneInfo(settings.TIME_ZONE)
    for event, (_row, _action, day) in zip(events, dated, strict=True):
        moment = datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=zone)
        # `at` is set to now on creation (auto_now_add): the demo dates it afterwards.
        CommuneYearEvent.objects.filter(pk=event.pk).update(at=moment)
