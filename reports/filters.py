"""Filters of the report lists (GET parameters follow the URL contract between pages)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from assignments.filters import AGENCY_HINT, agencies_active_in_district
from assignments.models import Agency
from communes.models import Commune, CriteriaSet, District, Era
from core.listing import LongChoiceFilter, NarrowedChoiceFilter

NO_LEVEL = "none"
LEVEL_CHOICES = [(NO_LEVEL, _("Chưa được công nhận")), *CriteriaSet.Level.choices]


class CommuneFilter(django_filters.FilterSet):
    """Filters of the communes list.

    `kind` defaults to xã (the programme's communes) when absent; `year` does
    not filter rows but chooses the year whose criteria count (the view reads
    it), so an invalid year is reported like any other invalid filter.
    """

    q = django_filters.CharFilter(label=_("Tìm theo tên (gõ không dấu được)"), method="search")
    district = LongChoiceFilter(  # 700 districts at national scale
        label=_("Huyện"),
        queryset=District.objects.filter(era=Era.PRE_2025).order_by("sort_name"),
        empty_label=_("Tất cả các huyện"),
        label_field="name",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Loại đơn vị"), choices=Commune.Kind.choices, empty_label=None
    )
    level = django_filters.ChoiceFilter(
        label=_("Mức đạt chuẩn"),
        choices=LEVEL_CHOICES,
        empty_label=_("Tất cả"),
        method="filter_level",
    )
    year = django_filters.ChoiceFilter(
        label=_("Năm đánh giá"), choices=(), empty_label=None, method="keep"
    )
    criteria_min = django_filters.NumberFilter(
        label=_("Số tiêu chí đạt từ"), field_name="criteria_met", lookup_expr="gte", min_value=0
    )
    criteria_max = django_filters.NumberFilter(
        label=_("Số tiêu chí đạt đến"), field_name="criteria_met", lookup_expr="lte", min_value=0
    )
    agency = NarrowedChoiceFilter(  # ~2,000 agencies at national scale
        label=_("Cơ quan được phân công"),
        queryset=Agency.objects.order_by("search_name"),
        empty_label=_("Tất cả cơ quan"),
        method="filter_agency",
        narrow_by="district",
        narrow=agencies_active_in_district,
        hint=AGENCY_HINT,
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["year"].choices = [(str(y), str(y)) for y in sorted(years, reverse=True)]
        self.form.fields["agency"].label_from_instance = lambda agency: agency.name

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("kind"):
            queryset = queryset.filter(kind=Commune.Kind.RURAL)
        return queryset

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_level(self, queryset, name, value):
        if value == NO_LEVEL:
            return queryset.filter(ntm_level__isnull=True)
        return queryset.filter(ntm_level=value)

    def filter_agency(self, queryset, name, value):
        return queryset.filter(active_agency_id=value.pk)

    def keep(self, queryset, name, value):
        return queryset
