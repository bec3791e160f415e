"""Results of 2026 to review: units of today and their criteria results on the 2026–2030
set (recorded for the criterion itself, as for a criterion without indicators)."""

from communes.models import Assessment, Commune, Criterion, Era, Map
from communes.reference import NTM_SET_2026

YEAR = 2026


def unit_of_today(name="Bát Xát"):
    """Group A's unit, which the demo leaves in draft for tests to edit."""
    return Commune.objects.get(name=name, era=Era.FROM_2025, kind=Commune.Kind.RURAL)


def unit_without_results():
    """A xã of today with nothing recorded for 2026."""
    return (
        Commune.objects.in_programme(Map.CURRENT)
        .rural()
        .exclude(assessments__year=YEAR)
        .exclude(indicator_results__year=YEAR)
        .order_by("code")
        .first()
    )


def criterion_2026(number):
    return Criterion.objects.get(criteria_set__code=NTM_SET_2026, number=number)


def record_2026(commune, numbers=(1, 3, 4), met=True):
    """The commune's 2026 results on the given criteria (created or overwritten)."""
    return [
        Assessment.objects.update_or_create(
            commune=commune, criterion=criterion_2026(n), year=YEAR, defaults={"met": met}
        )[0]
        for n in numbers
    ]
