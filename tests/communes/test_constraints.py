"""The database itself refuses rows that break the communes app's invariants."""

import pytest
from django.db import IntegrityError, transaction

from communes.models import CommuneChange, Era
from tests.factories import make_assessment, make_commune, make_criterion

pytestmark = pytest.mark.django_db


def refused(create):
    """True when the database rejects the row (and the test can go on)."""
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_one_assessment_per_commune_criterion_and_year():
    first = make_assessment(year=2023, met=True)
    assert refused(
        lambda: make_assessment(commune=first.commune, criterion=first.criterion, year=2023)
    )
    # Another year of the same pair is a new assessment.
    assert not refused(
        lambda: make_assessment(commune=first.commune, criterion=first.criterion, year=2024)
    )


def test_the_same_commune_may_be_assessed_against_two_criteria_sets_in_one_year():
    old_set_criterion = make_criterion(number=2)
    new_set_criterion = make_criterion(number=2)
    commune = make_commune()
    make_assessment(commune=commune, criterion=old_set_criterion, year=2022)
    assert not refused(
        lambda: make_assessment(commune=commune, criterion=new_set_criterion, year=2022)
    )


def test_an_implausible_assessment_year_is_refused():
    assert refused(lambda: make_assessment(year=202))


def test_a_gso_code_is_unique_within_an_era_but_may_be_reused_after_the_reform():
    commune = make_commune(code="99872")
    assert refused(lambda: make_commune(code="99872", district=commune.district))
    assert not refused(
        lambda: make_commune(code="99872", district=commune.district, era=Era.FROM_2025)
    )


def test_a_commune_cannot_be_merged_into_itself():
    commune = make_commune()
    assert refused(
        lambda: CommuneChange.objects.create(
            predecessor=commune, successor=commune, effective_on="2024-11-01"
        )
    )


def test_commune_keeps_search_and_sort_keys_in_step_with_its_name():
    commune = make_commune(name="Bản Vược")
    assert commune.search_name == "ban vuoc"
    commune.name = "Bản Qua"
    commune.save()
    commune.refresh_from_db()
    assert commune.search_name == "ban qua"
    assert commune.sort_name.isdigit()
