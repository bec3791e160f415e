"""The app's forms, one module per job: the visit itself (visit), its support and
recommendation rows and the follow-up of earlier recommendations (rows), the files to
attach (files), what people type in them (fields: amounts, quantities, days), the
comments of the visit's workflow steps (workflow) and the hand-over and amendment of
assignments (succession).
"""

from .fields import (
    MAX_VND,
    DateField,
    DatePickerInput,
    NoLabelSuffix,
    QuantityField,
    VndField,
    parse_quantity,
    parse_vnd,
)
from .files import MAX_FILES, AttachmentForm, MultipleFileField, MultipleFileInput
from .rows import (
    MAX_FORMS,
    MAX_ROWS,
    FollowUpForm,
    RecommendationForm,
    RecommendationFormSet,
    SupportForm,
    SupportFormSet,
    SupportFormSetBase,
    ntm_criteria,
)
from .visit import VisitForm

__all__ = [
    "MAX_FILES",
    "MAX_FORMS",
    "MAX_ROWS",
    "MAX_VND",
    "AttachmentForm",
    "DateField",
    "DatePickerInput",
    "FollowUpForm",
    "MultipleFileField",
    "MultipleFileInput",
    "NoLabelSuffix",
    "QuantityField",
    "RecommendationForm",
    "RecommendationFormSet",
    "SupportForm",
    "SupportFormSet",
    "SupportFormSetBase",
    "VisitForm",
    "VndField",
    "ntm_criteria",
    "parse_quantity",
    "parse_vnd",
]
