"""The photos and minutes attached to a visit: several files at once, each checked by
content (assignments/attachments.py), and the attached ones to remove.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.fields import ModelMultipleIdsField

from .. import attachments
from ..models import Attachment
from .fields import NoLabelSuffix

MAX_FILES = 20


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
