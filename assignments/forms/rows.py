"""The visit's rows: its support items and recommendations (inline formsets), and where
the commune's earlier, unresolved recommendations stand now (follow-up).

A support item aims at criteria of the set of the visit's year (19 criteria up to 2025,
10 from 2026: ``CriteriaSet.objects.for_year``); a criterion of another set is refused.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import CriteriaSet, Criterion
from core.fields import ModelMultipleIdsField

from ..models import FieldVisit, Recommendation, Support
from .fields import DateField, NoLabelSuffix, QuantityField, VndField, required

MAX_ROWS = 50
# Forms a formset builds at most, whatever TOTAL_FORMS says: a tampered count would
# otherwise build (and draw) a thousand rows of a checkbox per criterion each.
MAX_FORMS = 2 * MAX_ROWS


def ntm_criteria(year=None):
    """The criteria a support item of a visit in `year` (this year when None) can aim at:
    those of the year's commune set, in their order (none for a year no period covers)."""
    year = year or timezone.localdate().year
    criteria_set = CriteriaSet.objects.for_year(year)
    return Criterion.objects.filter(criteria_set=criteria_set).order_by("number")


def visit_year(data, visit):
    """The year of the visit the rows belong to: the date typed (``visited_on``, read as the
    visit form reads it), else the visit's, else this year's."""
    typed = (data or {}).get("visited_on")
    if typed:
        try:
            day = DateField(required=False).clean(typed)
        except ValidationError:
            day = None
        if day is not None:
            return day.year
    if visit is not None and visit.visited_on is not None:
        return visit.visited_on.year
    return timezone.localdate().year


class SupportForm(NoLabelSuffix, forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[("", _("– Chọn hình thức –")), *Support.Kind.choices],
        error_messages=required(_("Hãy chọn hình thức hỗ trợ.")),
    )
    amount_vnd = VndField(
        label=_("Giá trị (đồng)"),
        required=False,
        help_text=_("Quy ra tiền; ví dụ 1.000.000"),
    )
    quantity = QuantityField(label=_("Số lượng"), required=False, help_text=_("Ví dụ 2,5"))
    criteria = ModelMultipleIdsField(
        label=_("Tiêu chí hướng tới"),
        queryset=Criterion.objects.none(),  # the visit year's (SupportFormSetBase)
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Tiêu chí (mã %(value)s) không thuộc bộ tiêu chí của năm đi cơ sở.")
        },
    )

    class Meta:
        model = Support
        fields = ["kind", "amount_vnd", "quantity", "unit", "description", "criteria"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"unit": _("Ví dụ: tấn xi măng, ngày công")}
        error_messages = {"description": required(_("Hãy ghi nội dung hỗ trợ."))}

    def __init__(self, *args, criteria=None, criteria_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            # A new row starts empty, not at the model's 0, so an untouched row is skipped.
            self.initial.pop("amount_vnd", None)
        field = self.fields["criteria"]
        field.queryset = ntm_criteria() if criteria is None else criteria
        if criteria_choices is not None:
            # The same choices for every row: asked once per formset, not per row.
            field.choices = criteria_choices

    def clean_amount_vnd(self):
        return self.cleaned_data.get("amount_vnd") or 0

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Support.Kind.MONEY and not cleaned.get("amount_vnd"):
            self.add_error("amount_vnd", _("Hỗ trợ bằng tiền: hãy ghi số tiền."))
        return cleaned


class SupportFormSetBase(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_criteria_choices"):
            self._criteria = ntm_criteria(visit_year(self.data, self.instance))
            self._criteria_choices = [(c.pk, str(c)) for c in self._criteria]
        return {**kwargs, "criteria": self._criteria, "criteria_choices": self._criteria_choices}


SupportFormSet = forms.inlineformset_factory(
    FieldVisit,
    Support,
    form=SupportForm,
    formset=SupportFormSetBase,
    extra=1,
    max_num=MAX_ROWS,
    absolute_max=MAX_FORMS,
    validate_max=True,
    can_delete=True,
)


class RecommendationForm(NoLabelSuffix, forms.ModelForm):
    addressed_to = forms.ChoiceField(
        label=_("Gửi đến"),
        choices=[("", _("– Chọn nơi nhận –")), *Recommendation.AddressedTo.choices],
        error_messages=required(_("Hãy chọn nơi nhận kiến nghị.")),
    )
    due_on = DateField(label=_("Hạn xử lý"), required=False)

    class Meta:
        model = Recommendation
        fields = ["text", "addressed_to", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"text": required(_("Hãy ghi nội dung kiến nghị."))}


RecommendationFormSet = forms.inlineformset_factory(
    FieldVisit,
    Recommendation,
    form=RecommendationForm,
    extra=1,
    max_num=MAX_ROWS,
    absolute_max=MAX_FORMS,
    validate_max=True,
    can_delete=True,
)


class FollowUpForm(NoLabelSuffix, forms.Form):
    """Where an earlier, unresolved recommendation stands now."""

    status = forms.ChoiceField(
        label=_("Tình trạng"),
        choices=Recommendation.Status.choices,
        widget=forms.RadioSelect,
        required=False,  # not sent: a recommendation that appeared after the form was loaded
    )
    note = forms.CharField(
        label=_("Kết quả xử lý, ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, recommendation, **kwargs):
        kwargs.setdefault("prefix", f"followup-{recommendation.pk}")
        initial = {"status": recommendation.status, "note": recommendation.resolution_note}
        super().__init__(*args, initial=initial, **kwargs)
        self.recommendation = recommendation

    def clean(self):
        cleaned = super().clean()
        cleaned["status"] = cleaned.get("status") or self.recommendation.status
        cleaned["note"] = (cleaned.get("note") or "").strip()
        if cleaned["status"] == Recommendation.Status.RESOLVED and not cleaned["note"]:
            self.add_error(
                "note", _("Kiến nghị đã giải quyết: hãy ghi kết quả xử lý (đã làm gì, ở đâu).")
            )
        return cleaned

    def changed(self):
        """Whether saving has anything to write to the recommendation."""
        rec = self.recommendation
        return (self.cleaned_data["status"], self.cleaned_data["note"]) != (
            rec.status,
            rec.resolution_note,
        )
