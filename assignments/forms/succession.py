"""Forms of assignments over time: the hand-over to a successor and the amendment of a decision
(also the dates the annex import asks for)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from core.fields import DayField
from core.formats import DATE_INPUT_FORMATS
from core.widgets import LongSelect

from ..models import Agency, Assignment, Leader
from ..services import errors


def plausible_date(day):
    """The services' own range (errors.EARLIEST–LATEST), told at the field."""
    if message := errors.out_of_range_message(day):
        raise ValidationError(message, code="out_of_range")


def date_field(label, error_messages=None, **kwargs):
    return DayField(
        label=label,
        validators=[plausible_date],
        widget=forms.DateInput(
            format=DATE_INPUT_FORMATS[0],
            attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off", "inputmode": "numeric"},
        ),
        error_messages={
            "invalid": _("Hãy ghi ngày theo dạng dd/mm/yyyy, ví dụ 05/03/2024."),
            **(error_messages or {}),
        },
        **kwargs,
    )


class LeaderChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Leader.objects.select_related("agency").order_by("search_name", "pk"),
            error_messages={"invalid_choice": _("Lãnh đạo được chọn không có trong danh sách.")},
            **kwargs,
        )

    def label_from_instance(self, leader):
        return f"{leader.full_name} – {leader.position}, {leader.agency}"


class HandOverForm(forms.Form):
    ended_on = date_field(_("Phân công hiện tại kết thúc ngày"))
    reason = forms.ChoiceField(
        label=_("Lý do kết thúc"),
        choices=[("", "—"), *Assignment.EndReason.choices],
        error_messages={"required": _("Hãy chọn lý do kết thúc phân công.")},
    )
    note = forms.CharField(
        label=_("Ghi chú (số văn bản, lý do cụ thể)"), max_length=500, required=False
    )
    leader = LeaderChoiceField(
        label=_("Lãnh đạo tiếp nhận (đã có trong danh sách)"),
        required=False,
        empty_label=_("— Chưa có: nhập lãnh đạo mới bên dưới —"),
    )
    full_name = forms.CharField(label=_("Họ và tên lãnh đạo mới"), max_length=100, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    agency = forms.ModelChoiceField(
        label=_("Cơ quan"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        error_messages={"invalid_choice": _("Cơ quan được chọn không có trong danh sách.")},
    )
    started_on = date_field(
        _("Lãnh đạo mới phụ trách từ ngày"),
        required=False,
        help_text=_("Để trống: ngày sau ngày kết thúc."),
    )

    def ending_fields(self):
        return [self[name] for name in ("ended_on", "reason", "note")]

    def leader_fields(self):
        return [self[name] for name in ("leader", "full_name", "position", "agency", "started_on")]

    def clean(self):
        data = super().clean()
        leader, name = data.get("leader"), (data.get("full_name") or "").strip()
        if leader and name:
            raise forms.ValidationError(
                _("Chọn một lãnh đạo có sẵn hoặc nhập lãnh đạo mới, không cả hai.")
            )
        if not leader and not name:
            raise forms.ValidationError(_("Hãy chọn hoặc nhập lãnh đạo tiếp nhận."))
        if name:
            for field, message in (
                ("position", _("Hãy ghi chức vụ của lãnh đạo mới.")),
                ("agency", _("Hãy chọn cơ quan của lãnh đạo mới.")),
            ):
                if not data.get(field):
                    self.add_error(field, message)
            data["new_leader"] = {
                "full_name": name,
                "position": (data.get("position") or "").strip(),
                "agency": data.get("agency"),
            }
        else:
            data["new_leader"] = leader
        return data


class AmendmentForm(forms.Form):
    number = forms.CharField(
        label=_("Số quyết định mới"),
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ: 2345/QĐ-UBND")}),
        error_messages={"required": _("Hãy ghi số quyết định.")},
    )
    issued_on = date_field(
        _("Ngày ban hành"), error_messages={"required": _("Hãy ghi ngày ban hành.")}
    )
    title = forms.CharField(
        label=_("Trích yếu"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi trích yếu của quyết định.")},
    )


class PairForm(forms.Form):
    """One commune to re-pair and its new leader; both empty means an unused row."""

    # LongSelect: a tampered row count may ask for 200 rows of 127 communes and their leaders.
    commune = forms.TypedChoiceField(
        label=_("Xã"),
        coerce=int,
        required=False,
        widget=LongSelect,
        error_messages={"invalid_choice": _("Xã được chọn không có phân công đang hiệu lực.")},
    )
    leader = forms.TypedChoiceField(
        label=_("Lãnh đạo mới"),
        coerce=int,
        required=False,
        widget=LongSelect,
        error_messages={"invalid_choice": _("Lãnh đạo được chọn không có trong danh sách.")},
    )

    def __init__(self, *args, communes=(), leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "—"), *communes]
        self.fields["leader"].choices = [("", "—"), *leaders]

    def clean(self):
        data = super().clean()
        if bool(data.get("commune")) != bool(data.get("leader")):
            raise forms.ValidationError(_("Hãy chọn cả xã và lãnh đạo mới của xã đó."))
        return data


class BasePairFormSet(forms.BaseFormSet):
    def pairs(self):
        """[(commune, leader)] of the filled rows, in the order typed."""
        rows = [
            (form.cleaned_data["commune"], form.cleaned_data["leader"])
            for form in self.forms
            if form.cleaned_data.get("commune")
        ]
        communes = Commune.objects.in_bulk([c for c, _l in rows])
        leaders = Leader.objects.in_bulk([leader for _c, leader in rows])
        return [(communes[c], leaders.get(leader)) for c, leader in rows]


def pair_formset(extra):
    # absolute_max: a tampered TOTAL_FORMS builds no more rows than the page may show.
    return forms.formset_factory(
        PairForm, formset=BasePairFormSet, extra=extra, max_num=200, absolute_max=200
    )
