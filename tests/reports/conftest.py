"""Fixtures of the report and import tests."""

import pytest

from assignments.models import Decision


@pytest.fixture
def decision(db):
    """The demo data's Decision 1599/QĐ-UBND, the one every annex import goes into."""
    return Decision.objects.get(number="1599/QĐ-UBND")
