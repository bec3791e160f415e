"""The upload forms of the import pages."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assignments.forms.succession import date_field
from assignments.models import Decision
from communes import grouping
from communes.models import Period

from . import terms
from .container import MAX_FILE_BYTES

XLSX = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _size_help():
    return gettext("Tối đa %(size)s MB. Chưa có gì được ghi cho đến khi bạn xác nhận.") % {
        "size": MAX_FILE_BYTES // 1024 // 1024
    }


def _file_field():
    return forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=lazy(_size_help, str)(),  # in the language of the request, not of start-up
        widget=forms.ClearableFileInput(attrs={"accept": XLSX}),
    )


OWN, AMENDING = "goc", "sua_doi"


class AnnexUploadForm(forms.Form):
    """The file, the decision it belongs to, and from which day its new pairs take effect."""

    decision = forms.ModelChoiceField(
        label=_("Nhập vào quyết định"),
        queryset=Decision.objects.order_by("-period_start", "number"),
        empty_label=None,
    )
    source = forms.ChoiceField(
        label=_("Tệp này là phụ lục của"),
        choices=[
            (OWN, _("chính quyết định đã chọn (phụ lục gốc)")),
            (AMENDING, _("một quyết định sửa đổi, bổ sung quyết định đã chọn")),
        ],
        initial=OWN,
        # A post without it (a script written before the question) means the decision's own
        # annex, as it did then; the page always sends the checked choice.
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Hãy chọn tệp là phụ lục của quyết định nào.")},
    )
    amendment_number = forms.CharField(
        label=_("Số quyết định sửa đổi"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ: 2345/QĐ-UBND")}),
    )
    amendment_issued_on = date_field(_("Ngày ban hành quyết định sửa đổi"), required=False)
    amendment_title = forms.CharField(
        label=_("Trích yếu quyết định sửa đổi"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    effective_on = date_field(
        _("Các cặp mới có hiệu lực từ ngày"),
        required=False,
        help_text=_(
            "Phân công được thay thế kết thúc vào ngày trước ngày này. Để trống: ngày ban hành "
            "của quyết định sửa đổi; với phụ lục gốc: hôm nay (xã chưa có phân công được phân "
            "công từ ngày ban hành quyết định)."
        ),
    )
    file = _file_field()

    TERMS_FIELDS = (
        "decision",
        "source",
        "amendment_number",
        "amendment_issued_on",
        "amendment_title",
        "effective_on",
    )

    def clean(self):
        data = super().clean()
        amendment = None
        if data.get("source") == AMENDING:
            for name, message in (
                ("amendment_number", _("Hãy ghi số quyết định sửa đổi.")),
                ("amendment_issued_on", _("Hãy ghi ngày ban hành quyết định sửa đổi.")),
                ("amendment_title", _("Hãy ghi trích yếu quyết định sửa đổi.")),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
            amendment = {
                "number": data.get("amendment_number"),
                "issued_on": data.get("amendment_issued_on"),
                "title": data.get("amendment_title"),
            }
        if any(name in self.errors for name in self.TERMS_FIELDS):
            return data
        try:
            data["terms"] = terms.resolve(
                data["decision"], effective_on=data.get("effective_on"), amendment=amendment
            )
        except terms.TermsError as error:
            self.add_error("amendment_number" if amendment else None, str(error))
        return data

    def target(self):
        return self.cleaned_data["decision"]

    def options(self):
        return {"annex_terms": self.cleaned_data["terms"]}


def programme_years():
    """Every year of every programme period (2021–2025, 2026–2030), newest first (the year
    most often imported on top); the year decides the criteria set a matrix is read with."""
    return Period.objects.years()[::-1]


class MatrixUploadForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm đánh giá"), coerce=int)
    file = _file_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in programme_years()]

    def target(self):
        return self.cleaned_data["year"]

    def options(self):
        return {}


class GroupsUploadForm(forms.Form):
    """The commune groups of a period (the batch names the period by its first year)."""

    period = forms.ModelChoiceField(
        label=_("Giai đoạn"), queryset=Period.objects.none(), empty_label=None, to_field_name="code"
    )
    file = _file_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = grouping.grouped_periods()

    def target(self):
        return self.cleaned_data["period"].first_year

    def options(self):
        return {}
