"""Indicators and what they require of a commune of each group (2026+): the numeric check,
the database's refusal of a half-given threshold, and the order of indicator numbers."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from communes.models import Indicator, Requirement
from communes.models.criteria import indicator_order
from tests.factories import make_criteria_set, make_criterion

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def indicator():
    criterion = make_criterion(number=2, criteria_set=make_criteria_set(2026, 2030))
    return Indicator.objects.create(
        criterion=criterion, code="2.3", name="Tỷ lệ đường được cứng hóa"
    )


def requirement(indicator, comparison, target, group=1):
    return Requirement.objects.create(
        indicator=indicator,
        group=group,
        text=f"{comparison} {target}",
        comparison=comparison,
        target=None if target is None else D(target),
    )


@pytest.mark.parametrize(
    "comparison, target, value, met",
    [
        (">=", "80", "80", True),
        (">=", "80", "79.9999", False),
        (">=", "80", "100", True),
        (">", "80", "80", False),
        (">", "80", "80.0001", True),
        ("<=", "2.5", "2.5", True),
        ("<=", "2.5", "2.51", False),
        ("<", "2.5", "2.4999", True),
        ("<", "2.5", "2.5", False),
        ("=", "100", "100.0000", True),
        ("=", "100", "99.5", False),
        (">=", "0.5", "0.50", True),
        (">=", "-1", "0", True),
    ],
)
def test_a_numeric_requirement_compares_the_value_with_its_target(
    indicator, comparison, target, value, met
):
    stored = requirement(indicator, comparison, target)
    stored.refresh_from_db()  # the target as the database gives it back (4 decimals)

    assert stored.is_numeric
    assert stored.check_value(D(value)) is met


def test_a_yes_no_requirement_or_a_missing_value_cannot_decide(indicator):
    yes_no = Requirement.objects.create(indicator=indicator, group=1, text="Đạt")
    numeric = requirement(indicator, ">=", "80", group=2)

    assert not yes_no.is_numeric
    assert yes_no.check_value(D("100")) is None
    assert numeric.check_value(None) is None
    assert str(numeric) == "2.3 – nhóm 2: >= 80"


def test_each_group_has_its_own_requirement_once(indicator):
    requirement(indicator, ">=", "90", group=1)
    requirement(indicator, ">=", "70", group=3)

    with pytest.raises(IntegrityError), transaction.atomic():
        requirement(indicator, ">=", "60", group=3)
    assert list(indicator.requirements.values_list("group", "target")) == [
        (1, D("90")),
        (3, D("70")),
    ]


@pytest.mark.parametrize(
    "comparison, target",
    [(">=", None), ("", "80")],
    ids=["comparison-without-target", "target-without-comparison"],
)
def test_the_database_refuses_a_comparison_and_target_given_one_without_the_other(
    indicator, comparison, target
):
    with pytest.raises(IntegrityError), transaction.atomic():
        requirement(indicator, comparison, target)
    assert not indicator.requirements.exists()


@pytest.mark.parametrize(
    "earlier, later",
    [
        ("2.9", "2.10"),
        ("2.10", "3.1"),
        ("17.8", "17.8a"),
        ("17.8.5", "17.8a"),
        ("17.8a", "17.8b"),
        ("17.8b", "17.9"),
        ("2", "2.1"),
        ("9.2", "10.1"),
    ],
)
def test_indicator_numbers_sort_as_numbers(earlier, later):
    assert indicator_order(earlier) < indicator_order(later)


def test_a_number_too_long_for_the_order_column_still_fits():
    assert indicator_order("99999.1") <= 2**31 - 1
    assert indicator_order("") == 0


def test_a_criterions_indicators_are_listed_in_number_order():
    criterion = make_criterion(number=2, criteria_set=make_criteria_set(2026, 2030))
    for code in ["2.10", "2.2", "2.9", "2.1", "2.2a"]:
        Indicator.objects.create(criterion=criterion, code=code, name=f"Chỉ tiêu {code}")

    assert list(criterion.indicators.values_list("code", flat=True)) == [
        "2.1",
        "2.2",
        "2.2a",
        "2.9",
        "2.10",
    ]


def test_an_indicator_number_is_unique_within_its_criterion(indicator):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(criterion=indicator.criterion, code="2.3", name="Trùng số")
    other = make_criterion(number=3, criteria_set=indicator.criterion.criteria_set)
    Indicator.objects.create(criterion=other, code="2.3", name="Số khác tiêu chí")
