"""Administrative units with their history, NTM criteria sets and assessments.

One module per part: units (provinces, districts, communes and their lineage),
criteria (criteria sets, groups, criteria, indicators), results (assessments,
scores, recognitions). Every model is importable from here, as communes.models.X.
"""

# In the order the models are defined: the app's model list (content types, dumpdata
# of the reference) follows it.
# isort: off
from .units import (
    Commune,
    CommuneChange,
    CommuneChangeManager,
    CommuneManager,
    CommuneQuerySet,
    District,
    DistrictManager,
    DistrictQuerySet,
    Era,
    NamedUnit,
    Province,
    UnitManager,
)
from .criteria import (
    CriteriaSet,
    CriteriaSetManager,
    CriteriaSetQuerySet,
    Criterion,
    CriterionGroup,
    CriterionManager,
    CriterionQuerySet,
    Indicator,
    NumberedInSetManager,
)
from .results import (
    Assessment,
    AssessmentQuerySet,
    CriteriaScore,
    CriteriaScoreQuerySet,
    Recognition,
)

# isort: on

__all__ = [
    "Assessment",
    "AssessmentQuerySet",
    "Commune",
    "CommuneChange",
    "CommuneChangeManager",
    "CommuneManager",
    "CommuneQuerySet",
    "CriteriaScore",
    "CriteriaScoreQuerySet",
    "CriteriaSet",
    "CriteriaSetManager",
    "CriteriaSetQuerySet",
    "Criterion",
    "CriterionGroup",
    "CriterionManager",
    "CriterionQuerySet",
    "District",
    "DistrictManager",
    "DistrictQuerySet",
    "Era",
    "Indicator",
    "NamedUnit",
    "NumberedInSetManager",
    "Province",
    "Recognition",
    "UnitManager",
]
