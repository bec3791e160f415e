"""One reading of a typed number for every form and import (core.numbers)."""

from decimal import Decimal

import pytest

from assignments.forms.fields import parse_quantity
from communes.results import parse_value
from core.numbers import read_decimal
from reports.imports.criteria_set.cells import target
from reports.imports.matrix_values import number_value


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("80", "80"),
        ("80,5", "80.5"),
        ("1.000", "1000"),
        ("1.000,5", "1000.5"),
        ("80.5", "80.5"),
        ("1,000.5", "1000.5"),
        (" 1 000,5 ", "1000.5"),  # spaces, also between thousands, ignored
        ("-2,5", "-2.5"),
        ("−2,5", "-2.5"),
        ("90 %", "90"),
        ("80,5,1", None),
        ("abc", None),
        ("", None),
    ],
)
def test_a_typed_number_is_read_vietnamese_first(typed, number):
    assert read_decimal(typed) == (Decimal(number) if number else None)


@pytest.mark.parametrize(
    ("typed", "number"),
    [("1.500", "1500"), ("1.000,5", "1000.5"), ("80,5", "80.5"), ("1,000.5", "1000.5")],
)
def test_every_form_and_import_reads_a_number_alike(typed, number):
    # The results page, the criteria matrix, the criteria-set workbook and the visit form.
    readings = [parse_value(typed), number_value(typed), target(typed), parse_quantity(typed)]
    assert readings == [Decimal(number)] * 4
