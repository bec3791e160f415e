"""The visit form: the visit, its support and recommendation rows, the follow-up
of earlier recommendations and the files to attach.

None of these forms has a field for what a role may not set: the assignment
comes from the URL, status changes only through the workflow, created_by,
updated_by and version are set by services.save_visit.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from communes.models import Criterion
from core import formats
from core.fields import ModelMultipleIdsField
from core.formats import DATE_INPUT_FORMATS

from . import attachments
from .models import Attachment, FieldVisit, Member, Recommendation, Support

MAX_ROWS = 50
# Forms a formset builds at most, whatever TOTAL_FORMS says: a tampered count would
# otherwise build (and draw) a thousand rows of 19 checkboxes each.
MAX_FORMS = 2 * MAX_ROWS
MAX_FILES = 20
MAX_VND = 10**15  # a thousand trillion đồng: anything above is a typing slip

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CURRENCY = re.compile(r"(vnđ|vnd|đồng|đ)$")
_GROUPED = re.compile(r"\d{1,3}([.,])\d{3}(\1\d{3})*")


def parse_vnd(text):
    """Whole đồng from "1.000.000", "1000000", "1 000 000", "1,000,000" or "1.000.000 đ".

    The đồng has no subunit, so a dot or a comma can only group thousands.
    """
    value = _CURRENCY.sub("", _SPACES.sub("", text).lower())
    if value.startswith(("-", "−")):
        raise ValidationError(_("Giá trị (đồng) không được âm."), code="negative")
    if re.fullmatch(r"\d+", value) or _GROUPED.fullmatch(value):
        amount = int(re.sub(r"\D", "", value))
    elif re.fullmatch(r"\d+([.,]\d+)+", value):
        raise ValidationError(
            _("Giá trị tính bằng đồng, không có số lẻ: hãy ghi số nguyên, ví dụ 1.500.000."),
            code="fraction",
        )
    else:
        raise ValidationError(
            _("«%(value)s» không phải là số tiền: hãy ghi số đồng, ví dụ 1.000.000."),
            code="invalid",
            params={"value": text.strip()},
        )
    if amount >= MAX_VND:
        raise ValidationError(_("Giá trị quá lớn: hãy kiểm tra lại số chữ số."), code="too_big")
    return amount


def parse_quantity(text):
    """A decimal from "2,5", "2.5", "1.000", "1.000,5" or "1,000.5" (Vietnamese first)."""
    value = _SPACES.sub("", text)
    if value.startswith(("-", "−")):
        raise ValidationError(_("Số lượng không được âm."), code="negative")
    if re.fullmatch(r"\d+(,\d+)?", value):  # 2 or 2,5
        number = value.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", value):  # 1.000 or 1.000,5
        number = value.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+\.\d+|\d{1,3}(,\d{3})+(\.\d+)?", value):  # 2.5 or 1,000.5
        number = value.replace(",", "")
    else:
        raise ValidationError(
            _("«%(value)s» không phải là số: hãy ghi ví dụ 2,5 hoặc 100."),
            code="invalid",
            params={"value": text.strip()},
        )
    try:
        quantity = Decimal(number).normalize()
    except InvalidOperation:
        raise ValidationError(_("Số lượng không hợp lệ."), code="invalid") from None
    if -quantity.as_tuple().exponent > 2:
        raise ValidationError(_("Số lượng ghi tối đa 2 chữ số thập phân."), code="decimals")
    if quantity >= 10**10:
        raise ValidationError(_("Số lượng quá lớn."), code="too_big")
    return quantity


class VndField(forms.CharField):
    """A VND amount typed as text, as people write it; shown grouped (1.000.000)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        value = super().to_python(value)
        return parse_vnd(value) if value else None

    def prepare_value(self, value):
        if isinstance(value, int):
            return number_format(value, 0, force_grouping=True)
        return value


class QuantityField(forms.CharField):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        value = super().to_python(value)
        return parse_quantity(value) if value else None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            value = value.normalize()
            return number_format(value, max(0, -value.as_tuple().exponent))
        return value


class DateField(forms.DateField):
    """dd/mm/yyyy or the yyyy-mm-dd a date picker sends; shown to the picker as yyyy-mm-dd."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", DatePickerInput())
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("Ngày không hợp lệ: hãy ghi theo dạng dd/mm/yyyy, ví dụ 25/11/2025.")},
        )
        super().__init__(**kwargs)


class DatePickerInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        # Typed dd/mm/yyyy (a browser without a date picker) comes back as yyyy-mm-dd,
        # which is the only form a date input shows.
        if isinstance(value, str):
            for fmt in DATE_INPUT_FORMATS:
                try:
                    return datetime.datetime.strptime(value.strip(), fmt).date().isoformat()
                except ValueError:
                    continue
        return super().format_value(value)


def _required(message):
    return {"required": message}


class NoLabelSuffix:
    """Labels without Django's trailing colon: they sit above their fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class VisitForm(NoLabelSuffix, forms.ModelForm):
    visited_on = DateField(
        label=_("Ngày đi cơ sở"), error_messages={"required": _("Hãy ghi ngày đi cơ sở.")}
    )
    # The version the form was loaded from (optimistic locking; editing only).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # Names the browser's local copy of this form, so it can drop it once saved.
    draft_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FieldVisit
        fields = [
            "visited_on",
            "leader_present",
            "participants",
            "other_participants",
            "purpose",
            "findings",
        ]
        field_classes = {"participants": ModelMultipleIdsField}
        widgets = {
            "participants": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"leader_present": _("Lãnh đạo phụ trách trực tiếp đi")}
        help_texts = {
            "other_participants": _("Ví dụ: Chủ tịch UBND xã, cán bộ phòng Nông nghiệp huyện."),
        }
        error_messages = {
            "purpose": _required(_("Hãy ghi mục đích chuyến đi.")),
            "participants": {
                "invalid_choice": _(
                    "Người được chọn (mã %(value)s) không phải thành viên tổ giúp việc của xã này."
                ),
                "invalid_pk_value": _("«%(pk)s» không phải mã thành viên hợp lệ."),
            },
        }

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.assignment = assignment
        self.today = timezone.localdate()
        self.fields["visited_on"].widget.attrs["max"] = self.today.isoformat()
        members = Member.objects.filter(group_id=assignment.working_group_id)
        current = members.exclude(left_on__lt=self.today)
        if self.instance.pk:
            # Someone who has since left the group stays ticked on the visits they made.
            current = members.filter(pk__in=current) | members.filter(visits=self.instance)
            self.fields["version"].initial = self.instance.version
        self.fields["participants"].queryset = current.distinct().order_by("full_name")
        self.fields["participants"].label = _("Thành viên tổ tham gia")

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        assignment = self.instance.assignment
        if day > self.today:
            raise ValidationError(_("Ngày đi cơ sở không được sau hôm nay."), code="future")
        if day < assignment.started_on:
            raise ValidationError(
                _("Ngày đi cơ sở trước ngày bắt đầu phân công (%(date)s).")
                % {"date": formats.day(assignment.started_on)},
                code="before_assignment",
            )
        if assignment.ended_on and day > assignment.ended_on:
            raise ValidationError(
                _("Ngày đi cơ sở sau ngày kết thúc phân công (%(date)s).")
                % {"date": formats.day(assignment.ended_on)},
                code="after_assignment",
            )
        return day

    def clean_draft_token(self):
        # Only a label for the browser: a malformed one is dropped, never an error.
        token = self.cleaned_data.get("draft_token", "")
        return token if re.fullmatch(r"[A-Za-z0-9-]{1,64}", token) else ""

    def clean_version(self):
        version = self.cleaned_data.get("version")
        if self.instance.pk and version is None:
            raise ValidationError(
                _("Biểu mẫu thiếu phiên bản của chuyến công tác: hãy tải lại trang."),
                code="version",
            )
        return version


def ntm_criteria():
    """The programme's 19 criteria a support item can aim at, in their order."""
    return Criterion.objects.programme().order_by("number")


class SupportForm(NoLabelSuffix, forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[("", _("– Chọn hình thức –")), *Support.Kind.choices],
        error_messages=_required(_("Hãy chọn hình thức hỗ trợ.")),
    )
    amount_vnd = VndField(
        label=_("Giá trị (đồng)"),
        required=False,
        help_text=_("Quy ra tiền; ví dụ 1.000.000"),
    )
    quantity = QuantityField(label=_("Số lượng"), required=False, help_text=_("Ví dụ 2,5"))
    criteria = ModelMultipleIdsField(
        label=_("Tiêu chí hướng tới"),
        queryset=ntm_criteria(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Tiêu chí (mã %(value)s) không thuộc bộ 19 tiêu chí.")},
    )

    class Meta:
        model = Support
        fields = ["kind", "amount_vnd", "quantity", "unit", "description", "criteria"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"unit": _("Ví dụ: tấn xi măng, ngày công")}
        error_messages = {"description": _required(_("Hãy ghi nội dung hỗ trợ."))}

    def __init__(self, *args, criteria_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            # A new row starts empty, not at the model's 0, so an untouched row is skipped.
            self.initial.pop("amount_vnd", None)
        if criteria_choices is not None:
            # The same 19 choices for every row: asked once per formset, not per row.
            self.fields["criteria"].choices = criteria_choices

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
            self._criteria_choices = [(c.pk, str(c)) for c in ntm_criteria()]
        return {**kwargs, "criteria_choices": self._criteria_choices}


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
        error_messages=_required(_("Hãy chọn nơi nhận kiến nghị.")),
    )
    due_on = DateField(label=_("Hạn xử lý"), required=False)

    class Meta:
        model = Recommendation
        fields = ["text", "addressed_to", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"text": _required(_("Hãy ghi nội dung kiến nghị."))}


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


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.Field):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        return super().clean(files) if files else []


class AttachmentForm(NoLabelSuffix, forms.Form):
    files = MultipleFileField(
        label=_("Ảnh, biên bản"),
        required=False,
        help_text=_("Ảnh JPEG, PNG hoặc tệp PDF, mỗi tệp tối đa 10 MB; chọn được nhiều tệp."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    kind = forms.ChoiceField(
        label=_("Loại tệp"),
        choices=Attachment.Kind.choices,
        initial=Attachment.Kind.PHOTO,
        required=False,
        widget=forms.RadioSelect,
    )
    remove = ModelMultipleIdsField(
        label=_("Bỏ tệp đã đính kèm"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if visit is not None and visit.pk:
            self.fields["remove"].queryset = visit.attachments.order_by("pk")

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Attachment.Kind.PHOTO

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES:
            raise ValidationError(
                _("Mỗi lần lưu chọn tối đa %(max)d tệp.") % {"max": MAX_FILES}, code="too_many"
            )
        clean, errors = [], []
        for upload in uploads:
            try:
                clean.append(attachments.clean_upload(upload))
            except ValidationError as exc:
                errors.append(exc)
        if errors:
            raise ValidationError(errors)
        return clean
