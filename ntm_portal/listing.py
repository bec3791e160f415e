"""The one list page: a django-filter form over a django-tables2 table.

It never answers a bad query string with an error page: invalid filter values
are ignored with a message naming them, a page number past the end shows the
last page, and the empty state tells "nothing matches" from "nothing yet".

Export = screen: the same URL with ``export=xlsx`` answers an Excel workbook of
the page's table (same queryset and scope, filter, sort and columns), with
every row of the filter rather than one page.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from reports.excel import table as table_export
from reports.excel import writer

MAX_PER_PAGE = 200


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
        )
        return writer.workbook_response(
            workbook, writer.dated_filename(self.get_export_name(), today)
        )

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

    def get_table_pagination(self, table):
        pagination = super().get_table_pagination(table)
        if pagination is False:
            return False
        per_page = self.request.GET.get("per_page", "")
        if per_page.isdigit() and int(per_page) > MAX_PER_PAGE:
            messages.info(self.request, _("Mỗi trang hiển thị tối đa %d dòng.") % MAX_PER_PAGE)
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
