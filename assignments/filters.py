"""Filters of the assignments and visits lists (GET parameters per the URL contract).

Both lists are read on a map (``?map=old|current``, see communes.models.Map):
on the old map they filter by old district (``district=``), on the current map
by current unit (``unit=``), which takes the records of the unit's
predecessors too. A link naming a district without a map (the links made
before the maps existed) reads the old map.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import text
from communes.forms import MapField, OldProvinceField
from communes.models import Commune, District, Map, Province
from core.listing import DayFilter, LongChoiceFilter, NarrowedChoiceField, NarrowedChoiceFilter

from .models import Agency, Assignment, Decision, FieldVisit, Support

YES = [("1", _("Có"))]


COMMUNE_HINT = _("Chọn huyện rồi bấm “Lọc” để có danh sách xã.")
AGENCY_HINT = _("Chọn huyện rồi bấm “Lọc” để có danh sách cơ quan giúp đỡ các xã của huyện.")
UNIT_COMMUNE_HINT = _("Chọn đơn vị hiện nay rồi bấm “Lọc” để có danh sách xã.")
UNIT_AGENCY_HINT = _(
    "Chọn đơn vị hiện nay rồi bấm “Lọc” để có danh sách cơ quan giúp đỡ các xã của đơn vị."
)


def list_map(query):
    """The map a list is read on: ``?map=``; without it, the old map for a link that
    names an old district (``?district=``), else the default (the current map)."""
    if not query.get("map") and query.get("district"):
        return Map.OLD
    return MapField().clean(query.get("map"))


def assigned_communes():
    assigned = Assignment.objects.filter(commune=OuterRef("pk"))
    return Commune.objects.filter(Exists(assigned)).select_related("district").vietnamese_order()


def communes_in_district(communes, district):
    return communes.filter(district=district)


def communes_rolled_up_to(communes, unit):
    return communes.rolled_up_to(unit)


def agencies_in_district(agencies, district):
    """The agencies whose leaders are or were assigned a commune of the district."""
    assignments = Assignment.objects.filter(commune__district=district)
    return agencies.filter(pk__in=assignments.values("leader__agency"))


def agencies_active_in_district(agencies, district):
    """The agencies whose leaders are assigned a commune of the district today."""
    assignments = Assignment.objects.active().filter(commune__district=district)
    return agencies.filter(pk__in=assignments.values("leader__agency"))


def agencies_of_unit(agencies, unit):
    """The agencies whose leaders are or were assigned the unit or one of its predecessors."""
    assignments = Assignment.objects.filter(commune__current_unit=unit)
    return agencies.filter(pk__in=assignments.values("leader__agency"))


def district_filter(field_name):
    return LongChoiceFilter(  # 700 districts at national scale
        label=_("Huyện"),
        field_name=field_name,
        queryset=District.objects.in_programme(),
        empty_label=_("Tất cả"),
        label_field="name",
    )


class OldProvinceFilter(django_filters.ModelChoiceFilter):
    field_class = OldProvinceField


def province_filter(field_name):
    """An old province (the old map's): "Lào Cai (cũ)", "Yên Bái (cũ)"."""
    return OldProvinceFilter(
        label=_("Tỉnh (cũ)"),
        field_name=field_name,
        queryset=Province.objects.filter(
            pk__in=District.objects.in_programme().values("province")
        ).order_by("code"),
        empty_label=_("Toàn tỉnh"),
    )


def unit_filter(field_name):
    """A current unit: the records of the unit and of the units merged into it."""
    return LongChoiceFilter(
        label=_("Đơn vị hiện nay"),
        field_name=Map.CURRENT.unit(field_name),
        queryset=Commune.objects.in_programme(Map.CURRENT).vietnamese_order(),
        empty_label=_("Tất cả"),
        label_field="name",
    )


class AgencyChoiceField(NarrowedChoiceField):
    """Agencies listed by their full names: an abbreviation alone ("Sở KH&CN") is not known
    to everyone, and the list is in the order of the full names."""

    def label_from_instance(self, obj):
        return obj.long_name


class AgencyChoiceFilter(NarrowedChoiceFilter):
    field_class = AgencyChoiceField


def agency_filter(field_name):
    return AgencyChoiceFilter(
        label=_("Cơ quan"),
        field_name=field_name,
        queryset=Agency.objects.all(),
        empty_label=_("Tất cả"),
        narrow_by="district",
        narrow=agencies_in_district,
        hint=AGENCY_HINT,
    )


class MapFilter(django_filters.Filter):
    """``?map=``, carried by the filter form (hidden): it filters nothing itself, the
    filter set offers the filters of its map (see OnMapFilterSet)."""

    field_class = MapField

    def filter(self, qs, value):
        return qs


class OnMapFilterSet(django_filters.FilterSet):
    """Filters of a list read on a map (``map``, by default the one `list_map` reads).

    The filters of ON_MAP exist on their map only (the others are dropped), and the
    filters of NARROWED (NarrowedChoiceFilters narrowed by the old district) are
    narrowed by the current unit on the current map.
    """

    map = MapFilter(label=_("Đọc theo"), widget=forms.HiddenInput)

    ON_MAP = {"province": Map.OLD, "district": Map.OLD, "unit": Map.CURRENT}
    NARROWED = {}  # name → (its narrowing by a current unit, its hint)

    def __init__(self, data=None, *args, map=None, **kwargs):
        self.map = map or list_map(data or {})
        if data is not None and not data.get("map"):
            data = data.copy()  # the map read from a district goes on with the form
            data["map"] = self.map.value
        super().__init__(data, *args, **kwargs)
        for name, on in self.ON_MAP.items():
            if on != self.map:
                self.filters.pop(name, None)
        if self.map == Map.CURRENT:
            for name, (narrow, hint) in self.NARROWED.items():
                self.filters[name].extra.update(narrow_by="unit", narrow=narrow, hint=hint)
        self.filters["map"].extra["initial"] = self.map.value

    @classmethod
    def ignored(cls, query, map):
        """(label, map) of the filters `query` gives that belong to the other map (dropped)."""
        return [
            (cls.base_filters[name].label, on)
            for name, on in cls.ON_MAP.items()
            if on != map and query.get(name)
        ]


class AssignmentFilter(OnMapFilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm lãnh đạo, xã"),
        method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("ví dụ: ban vuoc")}),
    )
    decision = django_filters.ModelChoiceFilter(
        label=_("Quyết định"), queryset=Decision.objects.all(), empty_label=_("Tất cả")
    )
    province = province_filter("commune__province")
    district = district_filter("commune__district")
    unit = unit_filter("commune")
    agency = agency_filter("leader__agency")
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"),
        method="filter_status",
        choices=[("active", _("Đang phụ trách")), ("ended", _("Đã kết thúc"))],
        empty_label=_("Tất cả"),
    )
    stale = django_filters.ChoiceFilter(
        label=_("Lâu chưa đi cơ sở"), method="filter_stale", choices=YES, empty_label=_("Tất cả")
    )
    open_recs = django_filters.ChoiceFilter(
        label=_("Còn kiến nghị chưa xử lý"),
        method="filter_open_recs",
        choices=YES,
        empty_label=_("Tất cả"),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Có kiến nghị quá hạn"),
        method="filter_overdue",
        choices=YES,
        empty_label=_("Tất cả"),
    )

    NARROWED = {"agency": (agencies_of_unit, UNIT_AGENCY_HINT)}

    class Meta:
        model = Assignment
        fields = []

    def filter_q(self, queryset, name, value):
        key = text.search_key(value)
        if not key:
            return queryset
        return queryset.filter(
            Q(leader__search_name__contains=key) | Q(commune__search_name__contains=key)
        )

    def filter_status(self, queryset, name, value):
        return queryset.filter(ended_on__isnull=value == "active")

    def filter_stale(self, queryset, name, value):
        return queryset.stale(timezone.localdate())

    def filter_open_recs(self, queryset, name, value):
        return queryset.with_open_recommendations()

    def filter_overdue(self, queryset, name, value):
        return queryset.with_overdue_recommendations(timezone.localdate())


class VisitFilter(OnMapFilterSet):
    date_from = DayFilter(
        label=_("Từ ngày"),
        field_name="visited_on",
        lookup_expr="gte",
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}),
    )
    date_to = DayFilter(
        label=_("Đến ngày"),
        field_name="visited_on",
        lookup_expr="lte",
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}),
    )
    province = province_filter("assignment__commune__province")
    district = district_filter("assignment__commune__district")
    unit = unit_filter("assignment__commune")
    agency = agency_filter("assignment__leader__agency")
    commune = NarrowedChoiceFilter(
        label=_("Xã"),
        field_name="assignment__commune",
        queryset=assigned_communes(),
        empty_label=_("Tất cả"),
        narrow_by="district",
        narrow=communes_in_district,
        hint=COMMUNE_HINT,
    )
    leader_present = django_filters.BooleanFilter(
        label=_("Lãnh đạo trực tiếp đi"),
        widget=forms.Select(choices=[("", _("Tất cả")), ("true", _("Có")), ("false", _("Không"))]),
    )
    support_kind = django_filters.ChoiceFilter(
        label=_("Hình thức hỗ trợ"),
        method="filter_support_kind",
        choices=Support.Kind.choices,
        empty_label=_("Tất cả"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=FieldVisit.Status.choices, empty_label=_("Tất cả")
    )

    NARROWED = {
        "agency": (agencies_of_unit, UNIT_AGENCY_HINT),
        "commune": (communes_rolled_up_to, UNIT_COMMUNE_HINT),
    }

    class Meta:
        model = FieldVisit
        fields = []

    def filter_support_kind(self, queryset, name, value):
        return queryset.filter(Exists(Support.objects.filter(visit=OuterRef("pk"), kind=value)))
