"""Fixtures of the report and import tests.

The pairs and the clock before 01/07/2025 (`pairs_before_the_reform`,
`before_the_reform`) are in tests/conftest.py: the assignments' tests use them too.
"""

import pytest

from assignments.models import Decision


@pytest.fixture
def decision(db):
    """The demo data's Decision 1599/QĐ-UBND, the one every annex import goes into."""
    return Decision.objects.get(number="1599/QĐ-UBND")
