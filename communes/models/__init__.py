"""Administrative units with their history, NTM criteria sets and assessments.

One module per part: units (provinces, districts, communes and their lineage),
programme (periods, commune groups), criteria (criteria sets, groups, criteria,
indicators, requirements per commune group), results (assessments, indicator results,
scores, recognitions), reviews (a commune-year's approval, year closings). Every model is importable
from here, as communes.models.X.
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
from .programme import (
    CommuneGroup,
    GroupDefinition,
    Level,
    Period,
)
from .criteria import (
    CriteriaSet,
    Criterion,
    CriterionGroup,
    Indicator,
    Requirement,
)
from .results import (
    Assessment,
    CriteriaScore,
    IndicatorResult,
    Recognition,
)
from .reviews import (
    CommuneYear,
    CommuneYearEvent,
    YearClosing,
)

# isort: on

__all__ = [
    "Assessment",
    "Commune",
    "CommuneChange",
    "CommuneGroup",
    "CommuneYear",
    "CommuneYearEvent",
    "GroupDefinition",
    "IndicatorResult",
    "Level",
    "Period",
    "Requirement",
    "YearClosing",
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
