"""The upload forms of the import pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assignments.models import Decision
from communes.models import CriteriaSet
from communes.reference import NTM_SET

from .files import MAX_FILE_BYTES

XLSX = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file_field():
    return forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=_("Tối đa %(size)s MB. Chưa có gì được ghi cho đến khi bạn xác nhận.")
        % {"size": MAX_FILE_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": XLSX}),
    )


class AnnexUploadForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("Nhập vào quyết định"),
        queryset=Decision.objects.order_by("-period_start", "number"),
        empty_label=None,
    )
    file = _file_field()

    def target(self):
        return self.cleaned_data["decision"]


def programme_years():
    criteria_set = CriteriaSet.objects.filter(code=NTM_SET).first()
    if criteria_set is None:
        return []
    return list(range(criteria_set.last_year, criteria_set.first_year - 1, -1))


class MatrixUploadForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm đánh giá"), coerce=int)
    file = _file_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in programme_years()]

    def target(self):
        return self.cleaned_data["year"]
