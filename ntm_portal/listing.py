"""The one list page: a django-filter form over a django-tables2 table.

It never answers a bad query string with an error page: invalid filter values
are ignored with a message naming them, a page number past the end shows the
last page, and the empty state tells "nothing matches" from "nothing yet".
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

MAX_PER_PAGE = 200


class FilteredTableView(LoginRequiredMixin, SingleTableMixin, FilterView):
    template_name = "includes/list_page.html"
    # Tables paginate themselves; ListView's own paginate_by would 404 on a bad page.
    table_pagination = {"per_page": 25}
    strict = False  # invalid filters are dropped, not turned into an empty list
    page_title = ""
    breadcrumbs = ()

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
            # Only asked when the filtered list is empty: is there anything at all?
            anything_yet=total > 0 or self.get_queryset().exists(),
        )
        return context
