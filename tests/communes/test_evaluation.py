"""From indicator results to criteria (communes.evaluation): the commune's group decides a
numeric requirement, a criterion is met when all its indicators are, a change of group
re-evaluates and says what changed, locked commune-years are left alone."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from communes import bulk_rows, evaluation, scores
from communes.evaluation import Change, evaluate
from communes.models import (
    Assessment,
    CommuneGroup,
    CommuneYear,
    CriteriaScore,
    Indicator,
    IndicatorResult,
    Requirement,
)
from tests.factories import make_commune, make_criteria_set, make_criterion

pytestmark = pytest.mark.django_db

YEAR = 2026
REASON = "Tính lại từ kết quả chỉ tiêu"


class Programme:
    """A 2026–2030 set: criterion 1 with a numeric indicator (1.1, by group) and a yes/no
    one (1.2), criterion 2 without indicators, criterion 3 with one indicator (3.1)."""

    def __init__(self):
        self.set = make_criteria_set(2026, 2030)
        self.period = self.set.period
        self.roads = self.criterion(1, "Hạ tầng thử")
        self.planning = self.criterion(2, "Quy hoạch thử")
        self.poverty = self.criterion(3, "Giảm nghèo thử")
        self.paved = self.indicator(self.roads, "1.1", {1: 90, 2: 70, 3: 50})
        self.lit = self.indicator(self.roads, "1.2", {1: None, 2: None, 3: None})
        self.poor = self.indicator(self.poverty, "3.1", {1: None, 2: None, 3: None})

    def criterion(self, number, name):
        criterion = make_criterion(number=number, criteria_set=self.set)
        criterion.name = name
        criterion.save()
        return criterion

    @staticmethod
    def indicator(criterion, code, targets):
        indicator = Indicator.objects.create(
            criterion=criterion, code=code, name=f"Chỉ tiêu {code}"
        )
        for group, target in targets.items():
            Requirement.objects.create(
                indicator=indicator,
                group=group,
                text="Đạt" if target is None else f"≥ {target}%",
                comparison="" if target is None else ">=",
                target=target,
            )
        return indicator

    def commune(self, group, **kw):
        commune = make_commune(**kw)
        if group is not None:
            CommuneGroup.objects.create(commune=commune, period=self.period, number=group)
        return commune

    def evaluate(self, *communes, **kw):
        return evaluate([c.pk for c in communes], YEAR, self.set, **kw)


@pytest.fixture
def programme():
    return Programme()


def record(commune, indicator, met=False, value=None, **kw):
    value = None if value is None else Decimal(value)
    return IndicatorResult.objects.create(
        commune=commune, indicator=indicator, year=YEAR, met=met, value=value, **kw
    )


def met_of(result):
    result.refresh_from_db()
    return result.met


def assessment(commune, criterion):
    return Assessment.objects.filter(commune=commune, criterion=criterion, year=YEAR).first()


def test_a_numeric_requirement_decides_met_from_the_value_for_the_communes_group(programme):
    near_town, mountain = programme.commune(1), programme.commune(3)
    # 80 %: short of group 1's 90 %, beyond group 3's 50 %, whatever was ticked.
    town_result = record(near_town, programme.paved, met=True, value="80")
    mountain_result = record(mountain, programme.paved, met=False, value="80")

    programme.evaluate(near_town, mountain)

    assert met_of(town_result) is False
    assert met_of(mountain_result) is True


def test_a_yes_no_requirement_or_a_missing_value_keeps_what_was_recorded(programme):
    commune, ungrouped = programme.commune(2), programme.commune(None)
    lit = record(commune, programme.lit, met=True)
    unmeasured = record(commune, programme.paved, met=True)
    without_group = record(ungrouped, programme.paved, met=True, value="10")

    programme.evaluate(commune, ungrouped)

    assert (met_of(lit), met_of(unmeasured)) == (True, True)
    # Without a group no threshold applies: the recorded result stands.
    assert met_of(without_group) is True


def test_a_criterion_is_met_only_when_all_its_indicators_are_recorded_and_met(programme):
    commune = programme.commune(3)
    record(commune, programme.paved, value="60")

    first = programme.evaluate(commune)

    # Assessed as soon as one indicator is recorded; not met while 1.2 is missing.
    assert first == [Change(commune.pk, YEAR, 1, "Hạ tầng thử", None, False)]
    assert assessment(commune, programme.roads).met is False
    assert assessment(commune, programme.poverty) is None

    lit = record(commune, programme.lit, met=False)
    assert programme.evaluate(commune) == []
    lit.met = True
    lit.save()

    assert programme.evaluate(commune) == [Change(commune.pk, YEAR, 1, "Hạ tầng thử", False, True)]
    assert assessment(commune, programme.roads).met is True


def test_changing_the_group_re_evaluates_and_says_which_criteria_changed(programme):
    commune = programme.commune(1)
    paved = record(commune, programme.paved, met=True, value="80")
    record(commune, programme.lit, met=True)
    record(commune, programme.poor, met=True)
    programme.evaluate(commune)
    assert assessment(commune, programme.roads).met is False

    CommuneGroup.objects.filter(commune=commune).update(number=3)
    changes = programme.evaluate(commune)

    assert changes == [Change(commune.pk, YEAR, 1, "Hạ tầng thử", False, True)]
    assert str(changes[0]) == "Tiêu chí 1 Hạ tầng thử: chưa đạt → đạt"
    assert met_of(paved) is True
    score = CriteriaScore.objects.get(commune=commune, criteria_set=programme.set, year=YEAR)
    assert (score.assessed, score.met, score.met_numbers()) == (2, 2, [1, 3])
    assert scores.drift() == (0, 0)


def test_a_locked_commune_year_is_not_re_evaluated(programme):
    commune = programme.commune(1)
    paved = record(commune, programme.paved, met=True, value="80")
    record(commune, programme.lit, met=True)
    programme.evaluate(commune)
    CommuneYear.objects.create(
        commune=commune,
        year=YEAR,
        criteria_set=programme.set,
        status=CommuneYear.Status.APPROVED,
    )

    CommuneGroup.objects.filter(commune=commune).update(number=3)

    assert programme.evaluate(commune) == []
    assert met_of(paved) is False
    assert assessment(commune, programme.roads).met is False


def test_criteria_without_indicators_are_left_as_they_are(programme):
    commune = programme.commune(2)
    recorded = Assessment.objects.create(
        commune=commune, criterion=programme.planning, year=YEAR, met=True
    )

    assert programme.evaluate(commune) == []
    assert Assessment.objects.get(pk=recorded.pk).met is True


def test_clearing_every_result_of_a_criterion_takes_its_assessment_away(programme, office_user):
    commune = programme.commune(3)
    results = [record(commune, programme.paved, value="60"), record(commune, programme.lit, True)]
    programme.evaluate(commune)
    gone = assessment(commune, programme.roads)
    for result in results:
        result.delete()

    changes = programme.evaluate(commune, user=office_user)

    assert changes == [Change(commune.pk, YEAR, 1, "Hạ tầng thử", True, None)]
    assert str(changes[0]) == "Tiêu chí 1 Hạ tầng thử: đạt → chưa đánh giá"
    assert assessment(commune, programme.roads) is None
    deleted = Assessment.history.filter(id=gone.pk).latest("history_id")
    assert (deleted.history_type, deleted.history_user, deleted.history_change_reason) == (
        "-",
        office_user,
        REASON,
    )
    assert not CriteriaScore.objects.filter(commune=commune, year=YEAR).exists()


def test_what_evaluate_writes_is_in_the_history(programme, office_user):
    commune = programme.commune(1)
    paved = record(commune, programme.paved, met=True, value="95")
    record(commune, programme.lit, met=True)
    programme.evaluate(commune, user=office_user)
    made = assessment(commune, programme.roads)
    CommuneGroup.objects.filter(commune=commune).update(number=2)
    paved.value = Decimal("65")
    paved.save()

    programme.evaluate(commune, user=office_user, reason="Đổi nhóm xã")

    history = Assessment.history.filter(id=made.pk).order_by("history_id")
    assert [(h.history_type, h.met, h.history_change_reason) for h in history] == [
        ("+", True, REASON),
        ("~", False, "Đổi nhóm xã"),
    ]
    assert {h.history_user for h in history} == {office_user}
    rejudged = IndicatorResult.history.filter(id=paved.pk).latest("history_id")
    assert (rejudged.history_type, rejudged.met, rejudged.history_change_reason) == (
        "~",
        False,
        "Đổi nhóm xã",
    )


def test_demo_results_make_demo_assessments(programme):
    commune = programme.commune(2)
    record(commune, programme.poor, met=True, is_demo=True)

    programme.evaluate(commune)

    assert assessment(commune, programme.poverty).is_demo is True


def test_a_year_without_a_set_evaluates_nothing(programme):
    commune = programme.commune(2)

    assert evaluate([commune.pk], 2031) == []
    assert evaluate([], YEAR, programme.set) == []


def queries_to_evaluate(programme, how_many):
    communes = [programme.commune(1, name=f"Xã Đếm {how_many}-{n}") for n in range(how_many)]
    for commune in communes:
        record(commune, programme.paved, met=True, value="80")
        record(commune, programme.poor, met=True)
    with CaptureQueriesContext(connection) as queries:
        changes = programme.evaluate(*communes)
    assert len(changes) == 2 * how_many
    return len(queries)


def test_evaluate_asks_the_same_few_queries_for_2_or_40_communes(programme):
    few, many = queries_to_evaluate(programme, 2), queries_to_evaluate(programme, 40)

    assert few == many
    assert many <= 20


def history_of(model, commune):
    """Each history record of the commune's rows: every field but the ids and the date."""
    names = [
        f.attname
        for f in model.history.model._meta.concrete_fields
        if f.attname not in ("id", "history_id", "history_date", "commune_id")
    ]
    records = model.history.filter(commune=commune).order_by("history_id")
    return [{name: getattr(r, name) for name in names} for r in records]


def test_its_history_records_are_those_simple_historys_helper_writes(
    programme, office_user, monkeypatch
):
    helper = HistoryManager.bulk_history_create
    helped = []
    monkeypatch.setattr(
        HistoryManager,
        "bulk_history_create",
        lambda *args, **kw: helped.append(1) or helper(*args, **kw),
    )
    written = {}
    for raw in (True, False):
        monkeypatch.setattr(bulk_rows, "RAW_HISTORY", raw)
        commune = programme.commune(1, name=f"Xã Lịch Sử {raw}")
        record(commune, programme.paved, met=True, value="80", note="đo lại")
        record(commune, programme.lit, met=True)
        programme.evaluate(commune, user=office_user, reason="Nhập bảng tiêu chí")
        CommuneGroup.objects.filter(commune=commune).update(number=3)
        programme.evaluate(commune, user=office_user, reason="Đổi nhóm xã")
        written[raw] = [history_of(model, commune) for model in (IndicatorResult, Assessment)]

    assert len(helped) == 4  # without RAW_HISTORY: 2 results, 1 new and 1 changed assessment
    assert written[True] == written[False]
    results, assessments = written[True]
    # Two results recorded, then 80 % judged against group 1 (90 %), then group 3 (50 %).
    assert [(r["met"], r["value"], r["note"], r["history_type"]) for r in results[2:]] == [
        (False, Decimal("80"), "đo lại", "~"),
        (True, Decimal("80"), "đo lại", "~"),
    ]
    assert [
        (a["met"], a["history_type"], a["history_user_id"], a["history_change_reason"])
        for a in assessments
    ] == [
        (False, "+", office_user.pk, "Nhập bảng tiêu chí"),
        (True, "~", office_user.pk, "Đổi nhóm xã"),
    ]


def test_without_a_user_the_history_names_the_requests_user(programme, office_user):
    commune = programme.commune(1)
    record(commune, programme.poor, met=True)
    HistoricalRecords.context.request = SimpleNamespace(user=office_user)
    try:
        programme.evaluate(commune)
    finally:
        del HistoricalRecords.context.request

    made = assessment(commune, programme.poverty)
    assert made.history.get().history_user == office_user


def test_evaluating_again_writes_nothing(programme):
    commune = programme.commune(2)
    record(commune, programme.paved, met=False, value="75")
    record(commune, programme.poor, met=True)
    programme.evaluate(commune)
    recorded = (IndicatorResult.history.count(), Assessment.history.count())

    assert programme.evaluate(commune) == []
    assert (IndicatorResult.history.count(), Assessment.history.count()) == recorded


def test_communes_are_evaluated_a_chunk_at_a_time_with_one_outcome(programme, monkeypatch):
    monkeypatch.setattr(evaluation, "CHUNK", 2)
    communes = [programme.commune(n % 3 + 1, name=f"Xã Khối {n}") for n in range(5)]
    for commune in communes:
        record(commune, programme.paved, met=False, value="80")
        record(commune, programme.lit, met=True)
        record(commune, programme.poor, met=False)

    changes = programme.evaluate(*reversed(communes))

    # Group 1 needs 90 %: criterion 1 met in groups 2 and 3 only; 3.1 recorded unmet.
    expected = []
    for commune in sorted(communes, key=lambda c: c.pk):
        expected += [
            Change(commune.pk, YEAR, 1, "Hạ tầng thử", None, communes.index(commune) % 3 != 0),
            Change(commune.pk, YEAR, 3, "Giảm nghèo thử", None, False),
        ]
    assert changes == expected
    assert Assessment.objects.filter(criterion=programme.roads, met=True).count() == 3
    assert Assessment.history.filter(criterion=programme.roads).count() == 5
    assert IndicatorResult.history.filter(indicator=programme.paved, history_type="~").count() == 3
    assert scores.drift() == (0, 0)


@pytest.mark.parametrize(
    "note", ["", 'nói "đạt", chưa đủ', "dòng 1\ndòng 2", "\\N", "NULL", ",;\t'"]
)
def test_bulk_rows_store_every_value_as_given(programme, office_user, note):
    # On PostgreSQL the rows go in by COPY in CSV: an empty text must stay empty (not NULL),
    # quotes, commas and new lines must survive, and None must be NULL.
    from django.utils import timezone

    commune = programme.commune(1)
    rows = bulk_rows.BulkRows(IndicatorResult, user=office_user, reason="Nhập", date=timezone.now())
    given = [
        {"commune_id": commune.pk, "indicator_id": programme.paved.pk, "year": YEAR,
         "met": True, "value": Decimal("87.5"), "note": note},
        {"commune_id": commune.pk, "indicator_id": programme.lit.pk, "year": YEAR,
         "met": False, "value": None, "note": note},
    ]  # fmt: skip

    rows.create(given, ("commune_id", "indicator_id"), IndicatorResult.objects.filter(year=YEAR))

    stored = IndicatorResult.objects.filter(commune=commune).order_by("indicator__code")
    assert [(r.met, r.value, r.note) for r in stored] == [
        (True, Decimal("87.5"), note),
        (False, None, note),
    ]
    history = IndicatorResult.history.filter(commune=commune).order_by("indicator__code")
    assert [(h.history_type, h.value, h.note, h.history_user_id) for h in history] == [
        ("+", Decimal("87.5"), note, office_user.pk),
        ("+", None, note, office_user.pk),
    ]
