"""The indicators of a criteria set, loaded from a workbook (upload → preview → confirm).

One sheet, a header row the office reads, one indicator per row:

    Tiêu chí | Số chỉ tiêu | Nội dung chỉ tiêu | Đơn vị |
    Yêu cầu nhóm n | So sánh nhóm n | Mức đạt nhóm n   (for each commune group n of the period)

"Yêu cầu" is the requirement as printed; "So sánh" one of ≥ > ≤ < = (>= and <= too) or
blank when the requirement is not a number; "Mức đạt" the number compared with (a
decimal comma is fine). A period without commune groups (2021–2025) has one
requirement per indicator, in plain "Yêu cầu", "So sánh", "Mức đạt" columns; it is
stored as the requirement of group 1 (rows.COMMON_GROUP) and as the indicator's
"mức đạt" text.

The file replaces the set's indicators; a set with approved results (CriteriaSet.is_locked)
is refused: the office makes a new version of it (communes.criteria_versions) and
loads the file into that. header.py finds the columns, planner.py plans the rows,
write.py writes them inside service.apply's transaction, blank.py writes the template.
"""

from .blank import filename as template_filename
from .blank import template
from .planner import locked_message, plan
from .rows import COMMON_GROUP, DELETE
from .write import write

__all__ = [
    "COMMON_GROUP",
    "DELETE",
    "locked_message",
    "plan",
    "template",
    "template_filename",
    "write",
]
