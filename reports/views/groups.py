"""Commune groups of a period (/nhom-xa/): the list, the office's bulk setting, one commune's form.

Everyone who reads the communes list reads the groups (a leader his own units); only the
office sets them. Every write goes through communes.grouping.set_groups, in one
transaction, and the page says what changed: the groups, and the criteria that the
results recorded under the old group no longer meet (or now meet).
"""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assignments import access
from communes import grouping
from communes.models import Commune, CommuneGroup, Period
from communes.validation import unit_title
from core.formats import moment
from core.listing import FilteredTableView

from .imports import office_only

PERIOD = "giai-doan"  # the period's query parameter: ?giai-doan=2026-2030
NO_GROUP = "chua"
NUMBERS = CommuneGroup._meta.get_field("number").choices
# A bulk change of many communes says what changed for this many, then counts the rest.
SHOWN_COMMUNES = 20


class GroupForm(forms.Form):
    """A group and its basis for a period (one commune from the dossier, or the rows chosen)."""

    period = forms.ModelChoiceField(
        queryset=Period.objects.none(), to_field_name="code", widget=forms.HiddenInput
    )
    number = forms.TypedChoiceField(label=gettext_lazy("Nhóm"), choices=NUMBERS, coerce=int)
    basis = forms.CharField(
        label=gettext_lazy("Căn cứ xếp nhóm"),
        max_length=CommuneGroup._meta.get_field("basis").max_length,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("ví dụ: khu vực III theo QĐ 2752/QĐ-UBND")}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = grouping.grouped_periods()


class BulkGroupForm(GroupForm):
    communes = forms.ModelMultipleChoiceField(
        queryset=Commune.objects.all(),
        error_messages={"required": gettext_lazy("Hãy chọn ít nhất một xã trong danh sách.")},
    )


class GroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Tìm theo tên"), method="search")
    nhom = django_filters.ChoiceFilter(
        label=gettext_lazy("Nhóm"),
        choices=[*NUMBERS, (NO_GROUP, gettext_lazy("Chưa xếp nhóm"))],
        empty_label=gettext_lazy("Tất cả"),
        method="by_group",
    )

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        # ?giai-doan= chooses the period (the view reads it): first in the form.
        period = django_filters.ChoiceFilter(
            label=_("Giai đoạn"),
            choices=[(p.code, p.label) for p in periods],
            empty_label=None,
            method="keep",
        )
        period.parent, period.field_name = self, PERIOD
        self.filters = {PERIOD: period, **self.filters}

    def search(self, queryset, name, value):
        return queryset.search(value)

    def by_group(self, queryset, name, value):
        if value == NO_GROUP:
            return queryset.filter(group_number__isnull=True)
        return queryset.filter(group_number=value)

    def keep(self, queryset, name, value):
        return queryset


class GroupTable(tables.Table):
    """Rows of communes.grouping.for_list()."""

    chosen = tables.CheckBoxColumn(
        accessor="pk",
        verbose_name=gettext_lazy("Chọn"),
        attrs={
            "input": {"name": "communes", "form": "group-bulk"},
            "th__input": {"class": "select-all", "aria-label": gettext_lazy("Chọn cả trang")},
        },
        exclude_from_export=True,
    )
    code = tables.Column(verbose_name=gettext_lazy("Mã xã"))
    name = tables.Column(
        verbose_name=gettext_lazy("Tên xã"),
        linkify=("reports:commune_detail", [tables.A("pk")]),
        order_by=("sort_name", "code"),
    )
    group_number = tables.Column(
        verbose_name=gettext_lazy("Nhóm"), default=gettext_lazy("Chưa xếp nhóm")
    )
    group_basis = tables.Column(verbose_name=gettext_lazy("Căn cứ"), default="–")
    group_changed_at = tables.Column(
        verbose_name=gettext_lazy("Cập nhật"), default="–", orderable=False
    )

    class Meta:
        order_by_field = "sort"
        attrs = {"class": "group-table"}

    def render_name(self, record):
        return unit_title(record)

    def value_name(self, record):
        return unit_title(record)

    def render_group_number(self, value):
        return _("Nhóm %(number)s") % {"number": value}

    def value_group_number(self, value):
        return value

    def render_group_changed_at(self, record, value):
        who = record.group_changed_by or _("không rõ người sửa")
        return format_html("{}<br><small>{}</small>", moment(value), who)

    def value_group_changed_at(self, record, value):
        return f"{moment(value)}, {record.group_changed_by or ''}".strip(", ")


class GroupListView(FilteredTableView):
    template_name = "reports/groups.html"
    filterset_class = GroupFilter
    table_class = GroupTable
    table_pagination = {"per_page": 100}
    page_title = gettext_lazy("Nhóm xã")
    export_name = "nhom-xa"

    @cached_property
    def periods(self):
        return list(grouping.grouped_periods())

    @cached_property
    def period(self):
        """?giai-doan= among the periods with groups; else today's, else the newest."""
        chosen = {p.code: p for p in self.periods}
        return chosen.get(self.request.GET.get(PERIOD)) or grouping.grouped_period()

    def get_queryset(self):
        if self.period is None:
            return Commune.objects.none()
        units = access.communes_visible_to(
            self.request.user, grouping.programme_communes(self.period)
        )
        return grouping.for_list(self.period, units).order_by("sort_name", "code")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        if self.period is not None:
            data.setdefault(PERIOD, self.period.code)
        return {**kwargs, "data": data, "periods": self.periods}

    def get_table_kwargs(self):
        may_edit = access.is_office(self.request.user) and self.period is not None
        return {} if may_edit else {"exclude": ("chosen",)}

    def filter_active(self):
        data = self.filterset.data
        return any(data.get(name) not in (None, "") for name in ("q", "nhom"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.period
        context.update(
            period=period,
            breadcrumbs=[(_("Nhóm xã"), "")],
            definitions=list(period.group_definitions.order_by("number")) if period else [],
            can_edit=access.is_office(self.request.user) and period is not None,
            form=GroupForm(initial={"period": period.code if period else None}),
            empty_hint=_("Chưa có giai đoạn nào chia nhóm xã."),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not access.is_office(request.user):
            raise PermissionDenied
        form = BulkGroupForm(request.POST)
        back = f"{reverse('reports:groups')}?{request.GET.urlencode()}"
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        data = form.cleaned_data
        chosen = {commune: (data["number"], data["basis"]) for commune in data["communes"]}
        _set(request, chosen, data["period"])
        return redirect(back)


@require_POST
@office_only
def commune_group_set(request, pk):
    """The dossier's form: one commune's group for a period."""
    commune = get_object_or_404(Commune, pk=pk)
    form = GroupForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _set(request, {commune: (data["number"], data["basis"])}, data["period"])
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{reverse('reports:commune_detail', args=[pk])}#nhom-xa")


def _set(request, chosen, period):
    """Set the groups; one message for the summary, one per commune written."""
    try:
        report = grouping.set_groups(chosen, period, request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    messages.success(request, report.summary())
    for commune in report.communes[:SHOWN_COMMUNES]:
        head, *rest = commune.lines()
        messages.info(request, ". ".join([head, "; ".join(rest)] if rest else [head]) + ".")
    hidden = len(report.communes) - SHOWN_COMMUNES
    if hidden > 0:
        messages.info(
            request,
            _("… và %(count)s xã khác (xem lịch sử trong danh sách nhóm xã).") % {"count": hidden},
        )
    return report
