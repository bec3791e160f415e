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
    District,
    Era,
    Map,
    Province,
)
from .criteria import (
    CriteriaSet,
    Criterion,
    CriterionGroup,
    Indicator,
)
from .results import (
    Assessment,
    CriteriaScore,
    Recognition,
)

# isort: on

__all__ = [
    "Assessment",
    "Commune",
    "CommuneChange",
    "CriteriaScore",
    "CriteriaSet",
    "Criterion",
    "CriterionGroup",
    "District",
    "Era",
    "Indicator",
    "Map",
    "Province",
    "Recognition",
]
