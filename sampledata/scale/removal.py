"""Removing the synthetic rows: plain SQL deletes, children first.

Django's collector would load every row and write a "deleted" history record for
each; at national scale that is millions of rows for nothing.
"""

from django.db import transaction

from assignments.models import (
    Assignment,
    Attachment,
    FieldVisit,
    Leader,
    Member,
    Recommendation,
    Support,
    VisitEvent,
    WorkingGroup,
)
from communes.models import (
    Assessment,
    Commune,
    CommuneChange,
    CommuneGroup,
    CommuneYear,
    CommuneYearEvent,
    CriteriaScore,
    District,
    Era,
    IndicatorResult,
    Province,
    Recognition,
    Requirement,
)
from reports.models import ImportBatch

from .markers import scale_agencies, scale_decisions, synthetic_indicators, synthetic_units
from .writing import Progress


def remove_scale_data(progress=None):
    """Delete every synthetic row (see sampledata.scale.markers); the number deleted."""
    progress = progress or Progress(None)
    decisions = scale_decisions()
    assignments = Assignment.objects.filter(decision__in=decisions).values("pk")
    visits = FieldVisit.objects.filter(assignment__in=assignments).values("pk")
    supports = Support.objects.filter(visit__in=visits).values("pk")
    agencies = scale_agencies().values("pk")
    groups = WorkingGroup.objects.filter(agency__in=agencies).values("pk")
    communes = synthetic_units(Commune, era=None).values("pk")  # both maps
    unused = synthetic_indicators().exclude(results__isnull=False).values("pk")
    storage = Attachment._meta.get_field("file").storage
    files = list(Attachment.objects.filter(visit__in=visits).values_list("file", flat=True))
    ImportBatch.objects.filter(decision__in=decisions).update(decision=None)
    deleted = 0
    for queryset in (
        # History exists only for rows someone edited through the site afterwards.
        Recommendation.history.filter(visit_id__in=visits),
        Support.history.filter(visit_id__in=visits),
        FieldVisit.history.filter(assignment_id__in=assignments),
        Assignment.history.filter(decision_id__in=decisions.values("pk")),
        Assessment.history.filter(commune_id__in=communes),
        IndicatorResult.history.filter(commune_id__in=communes),
        CommuneGroup.history.filter(commune_id__in=communes),
        Recognition.history.filter(commune_id__in=communes),
        Support.criteria.through.objects.filter(support__in=supports),
        Support.objects.filter(visit__in=visits),
        Recommendation.objects.filter(visit__in=visits),
        VisitEvent.objects.filter(visit__in=visits),
        Attachment.objects.filter(visit__in=visits),
        FieldVisit.participants.through.objects.filter(fieldvisit__in=visits),
        FieldVisit.objects.filter(assignment__in=assignments),
        Assignment.objects.filter(decision__in=decisions),
        scale_decisions(),
        Member.objects.filter(group__in=groups),
        WorkingGroup.objects.filter(agency__in=agencies),
        Leader.objects.filter(agency__in=agencies),
        scale_agencies(),
        Assessment.objects.filter(commune__in=communes),
        IndicatorResult.objects.filter(commune__in=communes),
        CommuneYearEvent.objects.filter(commune_year__commune__in=communes),
        CommuneYear.objects.filter(commune__in=communes),
        CommuneGroup.objects.filter(commune__in=communes),
        # The synthetic indicators, unless someone recorded a result on one since.
        Requirement.objects.filter(indicator__in=unused),
        synthetic_indicators().exclude(results__isnull=False),
        CriteriaScore.objects.filter(commune__in=communes),
        Recognition.objects.filter(commune__in=communes),
        CommuneChange.objects.filter(predecessor__in=communes),
        CommuneChange.objects.filter(successor__in=communes),
        # Old units first: they point to the new ones (current_unit).
        synthetic_units(Commune),
        synthetic_units(Commune, Era.FROM_2025),
        synthetic_units(District, era=None),
        synthetic_units(Province, era=None),
    ):
        # A plain DELETE: the collector would fetch each row and write its history.
        deleted += queryset._raw_delete(queryset.db)
    if files:
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    progress.done("Xoá dữ liệu giả lập cũ", deleted, written=False)
    return deleted
