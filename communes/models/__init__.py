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
    Era,
    NamedUnit,
    Province,
    UnitManager,
)
from .criteria import (
    CriteriaSet,
    CriteriaSetManager,
    Criterion,
    CriterionGroup,
    Indicator,
    NumberedInSetManager,
)
from .results import Assessment, CriteriaScore, Recognition

# isort: on

__all__ = [
    "Assessment",
    "Commune",
    "CommuneChange",
    "CommuneChangeManager",
    "CommuneManager",
    "CommuneQuerySet",
    "CriteriaScore",
    "CriteriaSet",
    "CriteriaSetManager",
    "Criterion",
    "CriterionGroup",
    "District",
    "Era",
    "Indicator",
    "NamedUnit",
    "NumberedInSetManager",
    "Province",
    "Recognition",
    "UnitManager",
]
