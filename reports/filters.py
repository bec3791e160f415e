"""Filters of the report lists (GET parameters follow the URL contract between pages)."""

import django_filters
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from assignments.filters import (
    AGENCY_HINT,
    OnMapFilterSet,
    agencies_active_in_district,
    province_filter,
)
from assignments.models import Agency
from communes.forms import old_province_label
from communes.models import Commune, District, Level, Map
from core.listing import NarrowedChoiceFilter

from .year_set import APPROVED_PARAM, RANK

NO_LEVEL = "none"
LEVEL_CHOICES = [(NO_LEVEL, _("Chưa được công nhận")), *Level.choices]
APPROVED = "1"


def at_least(levels):
    """The level filter's choices, `levels` lowest first: each but the highest says that it
    takes the higher levels in too ("Xã nông thôn mới (kể cả mức cao hơn)")."""
    return [
        (
            value,
            label
            if index == len(levels) - 1
            else _("%(level)s (kể cả mức cao hơn)") % {"level": label},
        )
        for index, (value, label) in enumerate(levels)
    ]


class ByOldProvince(ModelChoiceIterator):
    """Districts in one <optgroup> per old province ("Lào Cai (cũ)"), read in one query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups = {}
        for pk, name, province in self.queryset.values_list("pk", "name", "province__name"):
            groups.setdefault(province, []).append((pk, name))
        for province, districts in groups.items():
            yield (old_province_label(province), districts)


class OldDistrictField(ModelChoiceField):
    iterator = ByOldProvince


class OldDistrictFilter(django_filters.ModelChoiceFilter):
    """An old district, offered by old province (the programme's: 18 in Lào Cai today)."""

    field_class = OldDistrictField


class CommuneFilter(OnMapFilterSet):
    """Filters of the communes list, on the map of the list (``?map=``).

    The old map lists the units before 01/07/2025 and filters them by old
    province and district; `kind` defaults to xã (the programme's communes)
    when absent. Today's map lists today's units, by default the programme's
    (its xã and the phường that took in old xã). `year` does not filter rows
    but chooses the year whose criteria count (the view reads it), so an
    invalid year is reported like any other invalid filter; `level` offers the
    levels of that year's period (`levels`), and ``da-duyet=1`` keeps the rows
    whose results of the year were approved (``approved_units``, as the dashboard
    counts them).
    """

    q = django_filters.CharFilter(label=_("Tìm theo tên (gõ không dấu được)"), method="search")
    province = province_filter("province")
    district = OldDistrictFilter(
        label=_("Huyện (cũ)"),
        queryset=District.objects.in_programme().order_by("province__code", "sort_name", "code"),
        empty_label=_("Tất cả các huyện"),
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

    ON_MAP = {"province": Map.OLD, "district": Map.OLD}

    def __init__(self, *args, years=(), levels=None, **kwargs):
        super().__init__(*args, **kwargs)
        levels = Level.choices if levels is None else levels
        self.filters["level"].extra["choices"] = [LEVEL_CHOICES[0], *at_least(levels)]
        if self.map == Map.CURRENT:
            # Today's map has no thị trấn; no kind asked: the programme's units.
            kind = self.filters["kind"]
            kind.extra["choices"] = [
                (value, label)
                for value, label in Commune.Kind.choices
                if value != Commune.Kind.TOWNSHIP
            ]
            kind.extra["empty_label"] = _("Xã, phường của chương trình")
        self.form.fields["year"].choices = [(str(y), str(y)) for y in sorted(years, reverse=True)]
        self.form.fields["agency"].label_from_instance = lambda agency: agency.name

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("kind"):
            return queryset
        if self.map == Map.CURRENT:
            return queryset.filter(pk__in=Commune.objects.in_programme(Map.CURRENT).values("pk"))
        return queryset.filter(kind=Commune.Kind.RURAL)

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_level(self, queryset, name, value):
        """The rows recognised at `value` or higher (a higher level is also every lower
        one: the dashboard's cards count them so), or never recognised."""
        if value == NO_LEVEL:
            return queryset.filter(ntm_level__isnull=True)
        return queryset.filter(level_rank__gte=RANK[value])

    def filter_agency(self, queryset, name, value):
        return queryset.filter(active_agency_id=value.pk)

    def keep(self, queryset, name, value):
        return queryset

    def filter_approved(self, queryset, name, value):
        return queryset.filter(approved_units__gt=0) if value == APPROVED else queryset


def _with_approved_filter(filters):
    """The filters with ``da-duyet`` (a URL name, not a Python one) after the year."""
    approved = django_filters.ChoiceFilter(
        field_name="approved_units",
        label=_("Kết quả năm"),
        choices=[(APPROVED, _("Chỉ xã có kết quả đã duyệt"))],
        empty_label=_("Tất cả"),
        method="filter_approved",
    )
    ordered = {}
    for name, filter_ in filters.items():
        ordered[name] = filter_
        if name == "year":
            ordered[APPROVED_PARAM] = approved
    return ordered


CommuneFilter.base_filters = _with_approved_filter(CommuneFilter.base_filters)
