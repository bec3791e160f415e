"""Forms of the reports pages: the dashboard's filter and the Excel reports' parameters.

A report's form is read from GET. A parameter left out takes the value the
reports page pre-fills (the form's initial value), so the bare download URL
gives the usual report; a value that does not exist is refused with a
sentence that quotes it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assignments.models import Decision
from communes.forms import MapField
from communes.models import District, Map, Period

from . import figures, queries
from .excel import periodic
from .year_set import APPROVED_PARAM

# A refused value is quoted back at most this long.
QUOTED = 40


class DashboardFilterForm(forms.Form):
    """Map, place and year of the dashboard; choices come from the caller (already queried).

    On the old map: its provinces and their districts (figures.programme_districts(),
    grouped by old province); today's map has no district level, so neither field.
    """

    map = MapField(widget=forms.HiddenInput)  # switched by the links of {% map_switch %}
    province = forms.TypedChoiceField(
        label=_("Tỉnh (cũ)"), coerce=int, empty_value=None, required=False
    )
    # Grouped by old province (<optgroup>): a Select, not the flat LongSelect.
    district = forms.TypedChoiceField(
        label=_("Huyện (cũ)"), coerce=int, empty_value=None, required=False
    )
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, map=Map.OLD, districts=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        # ?da-duyet=1 (the URL contract's name; not a Python name, so added here).
        self.fields[APPROVED_PARAM] = forms.BooleanField(
            label=_("Chỉ số liệu đã duyệt"),
            required=False,
            help_text=_("Chỉ tính các xã có kết quả năm đang xem đã được duyệt."),
        )
        if map == Map.CURRENT:
            del self.fields["province"], self.fields["district"]
        else:
            provinces = figures.programme_provinces(districts)
            self.fields["province"].choices = [("", _("Toàn tỉnh")), *provinces]
            self.fields["district"].choices = [("", _("Tất cả các huyện"))] + [
                (label, [(d.pk, d.name) for d in districts if d.province_id == pk])
                for pk, label in provinces
            ]
        self.fields["year"].choices = [(y, y) for y in sorted(years, reverse=True)]


# --- what the reports' forms offer ------------------------------------------------------


def matrix_years(assessed):
    """Years a matrix can be made for: the `assessed` years (queries.assessment_years) and the
    years of every programme period (2021–2030), newest first."""
    return sorted(set(assessed) | set(Period.objects.years()), reverse=True)


def report_years():
    """Years a periodic report can cover: from the first period's first year to this one,
    newest first (a year of a later period once it has begun)."""
    this_year = timezone.localdate().year
    assessed = queries.assessment_years()
    first = min([*Period.objects.years(), *assessed, this_year])
    return list(range(max([this_year, *assessed]), first - 1, -1))


def default_decision():
    """The decision an annex is made of when none is chosen: the latest original one."""
    return Decision.objects.filter(amends__isnull=True).first() or Decision.objects.first()


# --- the reports' forms -----------------------------------------------------------------


class ReportForm(forms.Form):
    """A report's parameters: an empty field takes its initial value.

    A form's ``map`` (a MapField) says which map the report is read on: the current
    one unless asked (``map=old``, the old provinces and districts). It comes first, as
    in the visit log's form (the visits list's filter).
    """

    field_order = ("map",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "map" in self.fields:
            self.fields["map"].initial = Map.default()

    def add_error(self, field, error):
        # The refused value is quoted in the message ("Không có huyện “…”"): only its start.
        params = getattr(error, "params", None)
        if isinstance(params, dict) and "value" in params:
            error.params = {**params, "value": str(params["value"])[:QUOTED]}
        super().add_error(field, error)

    def _or_initial(self, name):
        value = self.cleaned_data.get(name)
        return self.fields[name].initial if value in (None, "") else value


class AnnexForm(ReportForm):
    decision = forms.ModelChoiceField(
        label=_("Quyết định"),
        queryset=Decision.objects.all(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": _("Không có quyết định “%(value)s”.")},
    )
    map = MapField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        field.label_from_instance = Decision.choice_label
        field.initial = default_decision()

    def clean_decision(self):
        decision = self._or_initial("decision")
        if decision is None:
            raise ValidationError(_("Chưa có quyết định phân công nào."), code="none")
        return decision


class MatrixForm(ReportForm):
    year = forms.TypedChoiceField(
        label=_("Năm"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Không lập được bảng tiêu chí năm “%(value)s”.")},
    )
    # Rows are the units results were made for: an old district selects them on either map.
    district = forms.ModelChoiceField(
        label=_("Huyện (trước 01/07/2025)"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Toàn tỉnh"),
        error_messages={"invalid_choice": _("Không có huyện “%(value)s”.")},
    )
    map = MapField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assessed = queries.assessment_years()
        self.fields["year"].choices = [(y, y) for y in matrix_years(assessed)]
        self.fields["year"].initial = assessed[-1] if assessed else None
        self.fields["district"].queryset = District.objects.in_programme().order_by("code")

    def clean_year(self):
        year = self._or_initial("year")
        if year is None:
            raise ValidationError(_("Chưa có năm nào có kết quả tiêu chí."), code="none")
        return year


class PeriodField(forms.ChoiceField):
    """A period code: the programme's years are offered, any valid code is accepted."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return periodic.parse_period(value)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None

    def validate(self, value):
        forms.Field.validate(self, value)


class PeriodicForm(ReportForm):
    period = PeriodField(
        label=_("Kỳ báo cáo"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Kỳ báo cáo “%(value)s” không hợp lệ; chọn một năm, 6 tháng hoặc một quý."
            )
        },
    )
    map = MapField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (str(year), [(p.code, p.label) for p in periodic.periods_of(year)])
            for year in report_years()
        ]
        self.fields["period"].initial = str(timezone.localdate().year)

    def clean_period(self):
        period = self.cleaned_data.get("period")
        return period or periodic.parse_period(self.fields["period"].initial)
