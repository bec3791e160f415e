"""Write a criteria-set plan: the set's indicators become the file's (inside service.apply's
transaction, after the plan was made again against the database as it is)."""

from communes.models import Indicator, Requirement

from ..plan import CREATE, UPDATE
from .rows import DELETE


def write(result, batch, user):
    """Remove the indicators the file dropped, create and update the others with their
    requirements. An indicator that got results since the plan was made cannot be removed:
    ProtectedError (an IntegrityError) rolls the whole import back."""
    removed = [row.target["indicator"].pk for row in result.rows if row.action == DELETE]
    if removed:
        Indicator.objects.filter(pk__in=removed).delete()
    requirements = []
    for row in result.rows:
        if row.action not in (CREATE, UPDATE):
            continue
        indicator = row.target["indicator"] if row.action == UPDATE else Indicator()
        indicator.criterion = row.target["criterion"]
        indicator.code = row.code
        indicator.name = row.name
        indicator.unit = row.unit
        indicator.threshold = "" if result.groups else row.needs[0].text
        indicator.is_demo = False  # imported indicators are real data
        indicator.save()  # sets the order from the code
        if row.action == UPDATE:
            indicator.requirements.all().delete()
        requirements += [
            Requirement(
                indicator=indicator,
                group=need.stored_group,
                text=need.text,
                comparison=need.comparison,
                target=need.target,
            )
            for need in row.needs
        ]
    Requirement.objects.bulk_create(requirements)
