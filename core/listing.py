"""The one list page: a django-filter form over a django-tables2 table.

It never answers a bad query string with an error page: invalid filter values
are ignored with a message naming them, a page number past the end shows the
last page, and the empty state tells "nothing matches" from "nothing yet".

Export = screen: the same URL with ``export=xlsx`` answers an Excel workbook of
the page's table (same queryset and scope, filter, sort and columns), with
every row of the filter rather than one page.

It costs the same at any scale: a filter over thousands of rows (the communes
or agencies of a whole country) lists a short choice set (`NarrowedChoiceFilter`),
and a deep page loads only its own rows' figures (`load_page_by_key`).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.forms import BoundField
from django.forms.models import ModelChoiceIterator
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_filters import DateFilter, ModelChoiceFilter
from django_filters.fields import ModelChoiceField
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.data import TableQuerysetData

from core import security_log
from core.excel import download
from core.excel import table as table_export
from core.fields import DayField
from core.widgets import LongSelect

MAX_PER_PAGE = 200
# A <select> longer than this is of no use to a person, and slow to draw: Lào Cai
# has 127 communes, the whole country ~10,000 (see NarrowedChoiceFilter).
CHOICE_LIMIT = 300


class NarrowedBoundField(BoundField):
    """Draws the choices its field shows for this form's values (see NarrowedChoiceField)."""

    @cached_property
    def shown(self):
        """(choices, hint), computed when first drawn: after the view has validated the form."""
        return self.field.shown_choices(self.form, self.name)

    @property
    def help_text(self):
        return self.shown[1] or self._help_text

    @help_text.setter
    def help_text(self, value):  # BoundField.__init__ sets the field's own help text
        self._help_text = value

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        self.field.widget.choices = self.shown[0]
        return super().as_widget(widget, attrs, only_initial)

    @cached_property
    def subwidgets(self):
        self.field.widget.choices = self.shown[0]
        return super().subwidgets


class NarrowedChoiceField(ModelChoiceField):
    """Any row of `queryset` is a valid value, but the <select> lists a short set.

    Once the form's `narrow_by` field has a value, it lists `narrow(queryset,
    value)` (the communes of the chosen district). Before that it lists every
    row up to CHOICE_LIMIT of them; past that none, with `hint` as help text
    ("choose a district first"). The selected row is always listed, so a link
    carrying ?commune=<pk> filters and shows what it filters by. One query in
    every case, whatever the size of the set.
    """

    bound_field_class = NarrowedBoundField
    widget = LongSelect

    def __init__(self, *args, narrow_by, narrow, hint, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_by, self.narrow, self.hint = narrow_by, narrow, hint

    def shown_choices(self, form, name):
        """(choices, hint) of the <select> for the form's values."""
        values = {}
        if form.is_bound:
            form.is_valid()  # once per form; invalid values are left out of cleaned_data
            values = form.cleaned_data
        selected, within = values.get(name), values.get(self.narrow_by)
        hint = ""
        if within is not None:
            rows = list(self.narrow(self.queryset, within))
        else:
            rows = list(self.queryset[: CHOICE_LIMIT + 1])
            if len(rows) > CHOICE_LIMIT:
                rows, hint = [], self.hint
        if selected is not None and selected not in rows:
            rows.insert(0, selected)
        choices = [] if self.empty_label is None else [("", self.empty_label)]
        choices += [(self.prepare_value(row), self.label_from_instance(row)) for row in rows]
        return choices, hint


class NarrowedChoiceFilter(ModelChoiceFilter):
    """A ModelChoiceFilter for a set that may be long: takes `narrow_by`, `narrow`
    and `hint` (see NarrowedChoiceField)."""

    field_class = NarrowedChoiceField


class PlainChoiceIterator(ModelChoiceIterator):
    """(pk, label) rows read with values_list: no model instance per option."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", self.field.label_field)


class LongChoiceField(ModelChoiceField):
    """A ModelChoiceField listing every row, cheaply: options are read as (pk,
    `label_field`) pairs and written by LongSelect. For lists a person can
    still scroll, such as the 700 districts of the whole country."""

    iterator = PlainChoiceIterator
    widget = LongSelect

    def __init__(self, *args, label_field, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_field = label_field


class LongChoiceFilter(ModelChoiceFilter):
    """A ModelChoiceFilter for a long list; takes `label_field` (see LongChoiceField)."""

    field_class = LongChoiceField


class DayFilter(DateFilter):
    """A day of a list's filter, read as every form reads one (DayField: 10/2/25 too)."""

    field_class = DayField


class KeyPagedData(TableQuerysetData):
    """Table data that loads a page by its keys.

    A page is sliced on the primary keys alone (the filter and sort, no joins
    or figures), then only those rows are loaded with their annotations. A
    plain slice would compute every skipped row's subqueries too: on page 50
    that is 1,250 rows of figures for 25 shown, and on PostgreSQL a cost
    estimate high enough to switch the JIT compiler on (half a second).
    """

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.data.filter(pk__in=self.data.values("pk")[key])
        return super().__getitem__(key)


class FilteredTableView(LoginRequiredMixin, SingleTableMixin, FilterView):
    template_name = "includes/list_page.html"
    # Tables paginate themselves; ListView's own paginate_by would 404 on a bad page.
    table_pagination = {"per_page": 25}
    strict = False  # invalid filters are dropped, not turned into an empty list
    page_title = ""
    breadcrumbs = ()
    # Stem of the Excel export's file name ("xa" → xa-2025-11-24.xlsx); by default
    # the model's plural name in Vietnamese, without diacritics.
    export_name = ""
    # Whether a page loads its rows by key (see KeyPagedData): for querysets
    # whose rows carry subqueries (figures per row).
    load_page_by_key = False

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def export_xlsx(self):
        """The page's table, every row of its filter, as an Excel download."""
        # As FilterView.get does for the page.
        self.filterset = self.get_filterset(self.get_filterset_class())
        if not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict():
            self.object_list = self.filterset.qs
        else:
            self.object_list = self.filterset.queryset.none()
        table = self.get_table(**self.get_table_kwargs())
        today = timezone.localdate()
        workbook = table_export.table_workbook(
            self.page_title,
            table,
            filters=table_export.describe_filters(self.filterset),
            today=today,
            ignored=self.filter_errors(),
        )
        response = download.workbook_download(
            workbook, download.dated_filename(self.get_export_name(), today)
        )
        return security_log.exported(self.request, response)

    def get_export_name(self):
        if self.export_name:
            return self.export_name
        with translation.override("vi"):
            return slugify(str(self.object_list.model._meta.verbose_name_plural))

    def export_url(self):
        """This page's URL asking for the Excel file: its filter and sort, no page."""
        query = self.request.GET.copy()
        for name in ("page", "per_page", "export"):
            query.pop(name, None)
        query["export"] = "xlsx"
        return f"{self.request.path}?{query.urlencode()}"

    def get_table_data(self):
        data = super().get_table_data()
        return KeyPagedData(data) if self.load_page_by_key else data

    def get_table_pagination(self, table):
        pagination = super().get_table_pagination(table)
        if pagination is False:
            return False
        per_page = self.request.GET.get("per_page", "")
        if per_page.isdecimal() and int(per_page) > MAX_PER_PAGE:  # "²".isdigit(), not int()
            messages.info(self.request, _("Mỗi trang hiển thị tối đa %d dòng.") % MAX_PER_PAGE)
        if "per_page" in self.request.GET and not (per_page.isdecimal() and int(per_page) > 0):
            # django-tables2 reads per_page itself, and divides by it: 0 or -1 are dropped.
            self.request.GET = self.request.GET.copy()
            del self.request.GET["per_page"]
        return {**pagination, "silent": True}

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        page = getattr(table, "page", None)
        if page is not None and page.paginator.per_page > MAX_PER_PAGE:
            table.paginate(per_page=MAX_PER_PAGE, page=1)
            page = table.page
        requested = self.request.GET.get("page")
        if page is not None and requested and requested != str(page.number):
            messages.warning(
                self.request,
                _("Không có trang “%(requested)s”; đang hiển thị trang %(shown)d/%(total)d.")
                % {"requested": requested, "shown": page.number, "total": page.paginator.num_pages},
            )
        return table

    def filter_errors(self):
        form = self.filterset.form
        if not self.filterset.is_bound or form.is_valid():
            return []
        return [
            f"{form.fields[name].label or name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name in form.fields
        ]

    def filter_active(self):
        form = self.filterset.form
        data = self.filterset.data or {}
        return any(data.get(name) not in (None, "") for name in form.fields)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        errors = self.filter_errors()
        if errors:
            messages.warning(
                self.request,
                _("Đã bỏ qua bộ lọc không hợp lệ – %s") % "; ".join(errors),
            )
        table = context["table"]
        total = table.paginator.count if hasattr(table, "paginator") else len(table.rows)
        context.update(
            page_title=self.page_title,
            breadcrumbs=self.breadcrumbs,
            result_count=total,
            filter_active=self.filter_active(),
            export_url=self.export_url(),
            # Only asked when the filtered list is empty: is there anything at all?
            anything_yet=total > 0 or self.get_queryset().exists(),
        )
        return context
