"""The office's Excel reports, registered: one class per report.

Each report says what it is (identifier, title, description), who may use it
(roles), which parameters it takes (its form) and how its workbook is built
(``build``, with reports/excel/<report>.py doing the writing). pretix's
``BaseExporter`` is the model. Everything that lists the reports reads this
registry, so a report registered here appears everywhere at once:

* the URLs (reports/urls.py): /bao-cao/<slug>/ is the report's page (its form,
  or the form's errors) and /bao-cao/<slug>.xlsx its file, both served by the
  one view reports.views.exports.report;
* the reports page (/bao-cao/), which lists every report with its form;
* ``make bench`` (bench/exports.py) and the load test (loadtest/client.py, which
  reads the reports page's forms).

Builders get the user's scope from assignments.access, as every page does: a
leader's files hold their own communes, readers get no drafts.
"""

from django import forms as django_forms
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assignments import access, roles
from assignments.filters import VisitFilter
from assignments.models import Assignment, FieldVisit
from communes.models import Commune
from core.excel.table import describe_filters

from . import forms
from .excel import annex, matrix, periodic, visits

EVERY_ROLE = (roles.OFFICE, roles.MEMBER, roles.LEADER, roles.READER)


class Exporter:
    """One report. Subclasses set the attributes and write ``build``."""

    identifier = ""  # unique and stable: URL names (export_<identifier>), bench, load test
    slug = ""  # its URLs: /bao-cao/<slug>/ and /bao-cao/<slug>.xlsx
    title = ""
    description = ""  # what the report counts, for the reports page
    roles = EVERY_ROLE  # who may use it
    form_class = None

    def __str__(self):
        return self.identifier

    def allowed(self, user):
        return roles.role_of(user) in self.roles

    def role_labels(self):
        return [roles.ROLE_LABELS[role] for role in self.roles]

    def page_url(self):
        return reverse(f"reports:report_{self.identifier}")

    def download_url(self):
        return reverse(f"reports:export_{self.identifier}")

    def get_form(self, data=None):
        """The form, unbound (with the values the reports page offers) or bound to `data`."""
        return self.form_class(data)

    def is_valid(self, form):
        return form.is_valid()

    def build(self, user, form, today):
        """(workbook, file name stem) of the report as `user` may see it, from a valid form.

        Called in Vietnamese: the files are official documents.
        """
        raise NotImplementedError


_registry = {}


def register(cls):
    """Class decorator: add one instance of the report to the registry."""
    exporter = cls()
    taken = {e.identifier for e in _registry.values()} | {e.slug for e in _registry.values()}
    if not exporter.identifier or not exporter.slug or {exporter.identifier, exporter.slug} & taken:
        raise ImproperlyConfigured(f"Report {cls.__name__}: identifier and slug must be unique.")
    _registry[exporter.identifier] = exporter
    return cls


def registered():
    """Every report, in the order of the reports page."""
    return list(_registry.values())


def get(identifier):
    """The report `identifier`; KeyError when there is none."""
    return _registry[identifier]


# --- the reports ------------------------------------------------------------------------


@register
class AnnexExporter(Exporter):
    identifier = "annex"
    slug = "phan-cong"
    title = _("Danh sách phân công theo phụ lục quyết định")
    description = _(
        "Lãnh đạo, chức vụ, cơ quan và xã được phân công, như phụ lục của quyết định: "
        "theo đơn vị hành chính hiện nay, các phân công đang có hiệu lực kèm xã, phường "
        "hiện nay; theo địa giới trước 01/07/2025, các phân công đến ngày 30/06/2025, "
        "xếp theo huyện."
    )
    form_class = forms.AnnexForm

    def build(self, user, form, today):
        decision, map = form.cleaned_data["decision"], form.cleaned_data["map"]
        scoped = access.assignments_visible_to(user, Assignment.objects.all())
        workbook = annex.annex_workbook(decision, scoped, today, map=map)
        return workbook, annex.file_stem(decision)


@register
class MatrixExporter(Exporter):
    identifier = "matrix"
    slug = "tieu-chi"
    title = _("Kết quả thực hiện bộ tiêu chí (xã × tiêu chí)")
    description = _(
        "Mỗi xã một dòng, mỗi tiêu chí của bộ tiêu chí của năm một cột: đến năm 2025 19 tiêu "
        "chí, cộng theo huyện (địa giới trước 01/07/2025) hoặc theo xã, phường hiện nay; từ "
        "năm 2026 10 tiêu chí, nhóm xã và trạng thái duyệt, cộng theo nhóm xã, kèm trang chỉ "
        "tiêu. Sửa trong Excel rồi nhập lại được."
    )
    form_class = forms.MatrixForm

    def build(self, user, form, today):
        year, district = form.cleaned_data["year"], form.cleaned_data["district"]
        map = form.cleaned_data["map"]
        communes = access.communes_visible_to(user, Commune.objects.all())
        workbook = matrix.matrix_workbook(
            year,
            matrix.matrix_communes(communes, district, year, map),
            whole_province=district is None and not access.is_leader_scoped(user),
            today=today,
            map=map,
        )
        return workbook, f"tieu-chi-{year}"


@register
class VisitLogExporter(Exporter):
    identifier = "visits"
    slug = "chuyen-cong-tac"
    title = _("Nhật ký chuyến công tác")
    description = _(
        "Các chuyến công tác theo bộ lọc, kèm các khoản hỗ trợ và kiến nghị "
        "(mỗi loại một trang tính), cộng theo xã, phường hiện nay hoặc theo huyện "
        "(địa giới trước 01/07/2025). Tổng cộng chỉ tính các chuyến đã xác nhận; các "
        "chuyến chưa xác nhận liệt kê ở phần riêng, cộng riêng."
    )

    def get_form(self, data=None):
        # The visits list's own filter (its map, hidden on the list, is chosen here).
        form = VisitFilter(data, queryset=FieldVisit.objects.none()).form
        field = form.fields["map"]
        field.widget = django_forms.Select(choices=field.choices)
        return form

    def is_valid(self, form):
        # The list shows every visit with a warning; a file would be the whole log headed
        # "Tất cả", so a value the list would ignore (31/02/2025) sends back to the form,
        # which says why in the list's words (the filter's own error).
        return form.is_valid()

    def build(self, user, form, today):
        scoped = access.visits_visible_to(user, FieldVisit.objects.all())
        filterset = VisitFilter(form.data, queryset=scoped)
        # The map is said by the log's title, not among its filters.
        map_filter = f"{filterset.form.fields['map'].label}:"
        filters = [f for f in describe_filters(filterset) if not f.startswith(map_filter)]
        workbook = visits.visits_workbook(
            filterset.qs, filters=filters, today=today, map=filterset.map
        )
        return workbook, "chuyen-cong-tac"


@register
class PeriodicExporter(Exporter):
    identifier = "periodic"
    slug = "dinh-ky"
    title = _("Báo cáo định kỳ (quý, 6 tháng, năm)")
    description = _(
        "Theo từng phân công: số chuyến, hỗ trợ theo hình thức, kiến nghị, số tiêu chí "
        "đạt đầu kỳ và cuối kỳ; trang tổng hợp theo huyện (địa giới trước 01/07/2025) "
        "hoặc theo xã, phường hiện nay, có biểu đồ. Chỉ tính các chuyến đã xác nhận."
    )
    form_class = forms.PeriodicForm

    def build(self, user, form, today):
        period, map = form.cleaned_data["period"], form.cleaned_data["map"]
        scoped = access.assignments_visible_to(user, Assignment.objects.all())
        workbook = periodic.periodic_workbook(
            scoped,
            period,
            whole_province=not access.is_leader_scoped(user),
            today=today,
            map=map,
        )
        return workbook, f"bao-cao-{period.code}"
