"""The visit itself: when, who went, why and what was found.

No field for what a role may not set: the assignment comes from the URL, status
changes only through the workflow, created_by, updated_by and version are set by
services.save_visit.
"""

import re
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import formats
from core.fields import ModelMultipleIdsField

from ..models import FieldVisit, Member
from ..services.visits import unit_refusal
from .fields import DateField, NoLabelSuffix, required

LOCATION_ERRORS = {
    "invalid": _("Vị trí ghi từ điện thoại không hợp lệ; hãy bấm “Ghi vị trí” lại hoặc bỏ vị trí."),
    "min_value": _("Vị trí ghi từ điện thoại không hợp lệ (%(limit_value)s là giới hạn dưới)."),
    "max_value": _("Vị trí ghi từ điện thoại không hợp lệ (%(limit_value)s là giới hạn trên)."),
}


class VisitForm(NoLabelSuffix, forms.ModelForm):
    visited_on = DateField(
        label=_("Ngày đi cơ sở"), error_messages={"required": _("Hãy ghi ngày đi cơ sở.")}
    )
    # The version the form was loaded from (optimistic locking; editing only).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # Names the browser's local copy of this form, so it can drop it once saved.
    # The browser's copy or the phone's queue item: a new visit saved with a token already
    # used is not saved twice (services.visits.create_visit_once).
    draft_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # "Đã có chuyến công tác ngày này – vẫn lưu?": ticked once the member has seen the question.
    same_day_ok = forms.BooleanField(
        label=_("Vẫn lưu chuyến công tác này"), required=False, widget=forms.CheckboxInput
    )
    # The phone's position when the visit was recorded ("Ghi vị trí"; asked, never required).
    latitude = forms.DecimalField(
        widget=forms.HiddenInput,
        required=False,
        min_value=-90,
        max_value=90,
        localize=False,
        error_messages=LOCATION_ERRORS,
    )
    longitude = forms.DecimalField(
        widget=forms.HiddenInput,
        required=False,
        min_value=-180,
        max_value=180,
        localize=False,
        error_messages=LOCATION_ERRORS,
    )
    location_accuracy = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, error_messages=LOCATION_ERRORS
    )
    located_at = forms.DateTimeField(
        widget=forms.HiddenInput, required=False, error_messages=LOCATION_ERRORS
    )

    class Meta:
        model = FieldVisit
        fields = [
            "visited_on",
            "leader_present",
            "participants",
            "other_participants",
            "purpose",
            "findings",
            "latitude",
            "longitude",
            "location_accuracy",
            "located_at",
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
            "purpose": required(_("Hãy ghi mục đích chuyến đi.")),
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
        # A new visit, or one moved to another day, goes to a unit that exists on its day;
        # a visit already recorded stays editable on its day (services.visits._check_unit).
        made = self.instance.pk is None or day != self.instance.visited_on
        if made and (message := unit_refusal(assignment, day)):
            raise ValidationError(message, code="ceased")
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

    def clean_latitude(self):
        return self._rounded("latitude")

    def clean_longitude(self):
        return self._rounded("longitude")

    def _rounded(self, name):
        # A phone gives more decimals than the column keeps (6: ~0.1 m); round, do not refuse.
        value = self.cleaned_data.get(name)
        return None if value is None else round(value, 6)

    def clean_located_at(self):
        moment = self.cleaned_data.get("located_at")
        # A few minutes of clock difference between the phone and the server are allowed.
        if moment is not None and moment > timezone.now() + timedelta(minutes=10):
            raise ValidationError(
                _("Thời điểm ghi vị trí không được sau lúc này; hãy kiểm tra đồng hồ điện thoại."),
                code="future",
            )
        return moment

    def clean(self):
        cleaned = super().clean()
        placed = [cleaned.get("latitude") is None, cleaned.get("longitude") is None]
        if not self.has_error("latitude") and not self.has_error("longitude") and any(placed):
            if not all(placed):
                raise ValidationError(
                    _("Vị trí cần cả vĩ độ và kinh độ; hãy bấm “Ghi vị trí” lại hoặc bỏ vị trí."),
                    code="location",
                )
            # No point, no accuracy or time of it.
            cleaned["location_accuracy"] = cleaned["located_at"] = None
        return cleaned

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
