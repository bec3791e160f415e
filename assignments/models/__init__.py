"""Decisions, agencies, leaders, leader–commune assignments, working groups and visits.

One module per part: decisions, people (agencies, leaders, working groups and their
members), assignments, visits (with their steps, support, recommendations and
attachments), uploads (what the per-user upload limit counts). Every model is
importable from here, as assignments.models.X.
"""

from .assignments import Assignment, AssignmentQuerySet, stale_cutoff
from .decisions import Decision
from .people import Agency, Leader, Member, WorkingGroup
from .uploads import PhotoUpload
from .visits import (
    Attachment,
    FieldVisit,
    FieldVisitQuerySet,
    Recommendation,
    RecommendationQuerySet,
    Support,
    SupportQuerySet,
    VisitEvent,
    attachment_path,
)

__all__ = [
    "Agency",
    "Assignment",
    "AssignmentQuerySet",
    "Attachment",
    "Decision",
    "FieldVisit",
    "FieldVisitQuerySet",
    "Leader",
    "Member",
    "PhotoUpload",
    "Recommendation",
    "RecommendationQuerySet",
    "Support",
    "SupportQuerySet",
    "VisitEvent",
    "WorkingGroup",
    "attachment_path",
    "stale_cutoff",
]
