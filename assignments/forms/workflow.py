"""The comments that go with a visit's workflow steps: the office's return, the group's answer."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến trả lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Hãy ghi ý kiến trả lại để tổ giúp việc biết cần bổ sung gì.")
        },
    )


class AnswerForm(forms.Form):
    comment = forms.CharField(
        label=_("Trả lời ý kiến của văn phòng"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi nội dung trả lời.")},
    )
