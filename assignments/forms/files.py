"""The photos and minutes attached to a visit: several files at once, each checked by
content (assignments/attachments.py), and the attached ones to remove.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core.fields import ModelMultipleIdsField

from .. import attachments, upload_quota
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

    def __init__(self, *args, visit=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if visit is not None and visit.pk:
            self.fields["remove"].queryset = visit.attachments.order_by("pk")

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Attachment.Kind.PHOTO

    def clean_files(self):
        """The files as attachments.Checked: each file's header read (type, size, pixels)
        and the pixels of the whole save counted; nothing decoded yet (see decoded())."""
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES:
            raise ValidationError(
                _("Mỗi lần lưu chọn tối đa %(max)d tệp.") % {"max": MAX_FILES}, code="too_many"
            )
        checked = _each(attachments.check, uploads)
        pixels = sum(item.pixels for item in checked)
        limit = attachments.request_pixels()
        if pixels > limit:
            raise ValidationError(
                _(
                    "Các ảnh chọn lần này có tổng cộng %(pixels)s triệu điểm ảnh, quá "
                    "%(limit)s triệu điểm ảnh mỗi lần lưu: hãy lưu một phần ảnh lần này, "
                    "phần còn lại lưu lần sau."
                )
                % {"pixels": _millions(pixels), "limit": _millions(limit)},
                code="request_pixels",
            )
        return checked

    def decoded(self):
        """The valid form's files as attachments.CleanFile, called once the rest of the
        save is valid too (a refused save decodes nothing): the user's upload limit, then
        each image decoded, one after the other. A ValidationError, also added to the
        form, refuses them all."""
        return _decode(self, "files", self.cleaned_data["files"])


class UploadForm(NoLabelSuffix, forms.Form):
    """One file added to a saved visit (the phone's send queue sends its photos one by one,
    each with the id it gave the file, so that a retried upload is stored once)."""

    file = forms.FileField(
        label=_("Tệp"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        error_messages={
            "required": _("Hãy chọn một tệp."),
            "empty": _("Tệp gửi lên rỗng."),
            "invalid": _("Không nhận được tệp: hãy gửi lại."),
        },
    )
    client_id = forms.RegexField(
        regex=r"^[A-Za-z0-9-]{1,64}$",
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("Mã tệp không hợp lệ (chữ, số và dấu gạch ngang, tối đa 64 ký tự).")
        },
    )
    kind = AttachmentForm.base_fields["kind"]

    def __init__(self, *args, user=None, require_client_id=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if require_client_id:
            self.fields["client_id"].required = True
            self.fields["client_id"].error_messages["required"] = _("Thiếu mã tệp (client_id).")

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Attachment.Kind.PHOTO

    def clean_file(self):
        """The file as attachments.Checked (type, size and pixels read from its header)."""
        return attachments.check(self.cleaned_data["file"])

    def decoded(self):
        """The file as an attachments.CleanFile: the upload limit, then the image decoded
        and saved again without metadata (see AttachmentForm.decoded)."""
        return _decode(self, "file", [self.cleaned_data["file"]])[0]

    def over_quota(self):
        """Whether the refusal is the user's upload limit (upload_quota), not the file."""
        return any(error.code == "rate" for error in self.errors.as_data().get("file", ()))


def _decode(form, field, checked):
    pixels = sum(item.pixels for item in checked)
    try:
        if pixels and form.user is not None:
            upload_quota.reserve(form.user, pixels)
        return _each(attachments.clean, checked)
    except ValidationError as exc:
        form.add_error(field, exc)
        raise


def _millions(pixels):
    return number_format(pixels / 1_000_000, 1)


def _each(step, items):
    """step(item) for every item; ValidationError with every file's message if any fails
    (the temporary files of those that passed closed)."""
    done, errors = [], []
    for item in items:
        try:
            done.append(step(item))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        for item in done:
            if isinstance(item, attachments.CleanFile):
                item.file.close()
        raise ValidationError(errors)
    return done
