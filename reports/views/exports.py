"""Excel reports the office prints: the reports page and one download per report.

Each download reads its parameters from GET (the forms below validate them),
applies the same scoping as the pages (a leader's files hold their own
communes, readers get no drafts) and writes nothing to the database. Bad
parameters lead back to the reports page with a message. The files are
official Vietnamese documents, so they are written in Vietnamese whatever the
interface language.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from assignments import access
from assignments.filters import VisitFilter
from assignments.models import Assignment, Decision, FieldVisit
from communes.models import Commune, CriteriaSet, District, Era
from core import security_log
from core.excel import writer
from core.excel.table import describe_filters

from .. import queries
from ..excel import annex, matrix, periodic, visits


def programme_years():
    """The years of the programme's criteria set (2021–2025)."""
    criteria_set = CriteriaSet.objects.filter(code=queries.PROGRAMME_CRITERIA_SET).first()
    return list(range(criteria_set.first_year, criteria_set.last_year + 1)) if criteria_set else []


def matrix_years():
    """Years a matrix can be made for: assessed years and the programme's own years."""
    return sorted(set(queries.assessment_years()) | set(programme_years()), reverse=True)


def programme_districts():
    programme = Commune.objects.in_programme()
    return District.objects.filter(era=Era.PRE_2025, communes__in=programme).distinct()


def report_years():
    """Years a periodic report can cover: from the programme's first year to this one."""
    this_year = timezone.localdate().year
    first = min([*programme_years(), *queries.assessment_years(), this_year])
    return list(range(max([this_year, *programme_years()]), first - 1, -1))


class AnnexForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=gettext_lazy("Quyết định"), queryset=Decision.objects.all(), empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].label_from_instance = lambda d: f"{d.number} – {d.title}"[:120]


class MatrixForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Năm"), coerce=int)
    district = forms.ModelChoiceField(
        label=gettext_lazy("Huyện"),
        queryset=District.objects.none(),
        required=False,
        empty_label=gettext_lazy("Toàn tỉnh"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in matrix_years()]
        self.fields["district"].queryset = programme_districts().order_by("code")


class PeriodicForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Kỳ báo cáo"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (str(year), [(p.code, p.label) for p in periodic.periods_of(year)])
            for year in report_years()
        ]


def default_decision():
    """The decision an annex is made of when none is chosen: the latest original one."""
    return Decision.objects.filter(amends__isnull=True).first() or Decision.objects.first()


def _back(request, text):
    messages.warning(request, text)
    return redirect("reports:report_index")


def _value(request, name):
    return request.GET.get(name, "")[:40]


@require_GET
@login_required
def report_index(request):
    title = _("Báo cáo Excel")
    assessed = queries.assessment_years()
    visit_form = VisitFilter(queryset=FieldVisit.objects.none()).form
    visit_form.auto_id = "visits_%s"
    reports = [
        (
            "annex",
            _("Danh sách phân công theo phụ lục quyết định"),
            _(
                "Lãnh đạo, chức vụ, cơ quan và xã được phân công đang có hiệu lực, "
                "xếp theo huyện như phụ lục của quyết định."
            ),
            "reports:export_annex",
            AnnexForm(auto_id="annex_%s", initial={"decision": default_decision()}),
        ),
        (
            "matrix",
            _("Kết quả thực hiện bộ tiêu chí (xã × 19 tiêu chí)"),
            _(
                "Mỗi xã một dòng, mỗi tiêu chí một cột, cộng theo huyện và toàn tỉnh. "
                "Sửa trong Excel rồi nhập lại được."
            ),
            "reports:export_matrix",
            MatrixForm(auto_id="matrix_%s", initial={"year": assessed[-1] if assessed else None}),
        ),
        (
            "visits",
            _("Nhật ký chuyến công tác"),
            _(
                "Các chuyến công tác theo bộ lọc, kèm các khoản hỗ trợ và kiến nghị "
                "(mỗi loại một trang tính)."
            ),
            "reports:export_visits",
            visit_form,
        ),
        (
            "periodic",
            _("Báo cáo định kỳ (quý, 6 tháng, năm)"),
            _(
                "Theo từng phân công: số chuyến, hỗ trợ theo hình thức, kiến nghị, số tiêu chí "
                "đạt đầu kỳ và cuối kỳ; trang tổng hợp theo huyện có biểu đồ. Chỉ tính các "
                "chuyến đã xác nhận."
            ),
            "reports:export_periodic",
            PeriodicForm(auto_id="periodic_%s", initial={"period": str(timezone.localdate().year)}),
        ),
    ]
    return render(
        request,
        "reports/report_index.html",
        {
            "page_title": title,
            "breadcrumbs": [(title, "")],
            "reports": reports,
            "may_import": access.is_office(request.user),
        },
    )


@require_GET
@login_required
@security_log.logs_export
def export_annex(request):
    if request.GET.get("decision"):
        form = AnnexForm(request.GET)
        if not form.is_valid():
            return _back(request, _("Không có quyết định “%s”.") % _value(request, "decision"))
        decision = form.cleaned_data["decision"]
    else:
        decision = default_decision()
        if decision is None:
            return _back(request, _("Chưa có quyết định phân công nào."))
    today = timezone.localdate()
    scoped = access.assignments_visible_to(request.user, Assignment.objects.all())
    with translation.override("vi"):
        workbook = annex.annex_workbook(decision, scoped, today)
    return writer.workbook_download(
        workbook, writer.dated_filename(annex.file_stem(decision), today)
    )


@require_GET
@login_required
@security_log.logs_export
def export_matrix(request):
    data = request.GET.copy()
    years = queries.assessment_years()
    if not data.get("year") and years:
        data["year"] = str(years[-1])
    form = MatrixForm(data)
    if not form.is_valid():
        if "year" in form.errors:
            return _back(
                request, _("Không lập được bảng tiêu chí năm “%s”.") % _value(request, "year")
            )
        return _back(request, _("Không có huyện “%s”.") % _value(request, "district"))
    year, district = form.cleaned_data["year"], form.cleaned_data["district"]
    today = timezone.localdate()
    communes = access.communes_visible_to(request.user, Commune.objects.all())
    whole_province = district is None and not access.is_leader_scoped(request.user)
    with translation.override("vi"):
        workbook = matrix.matrix_workbook(
            year,
            matrix.matrix_communes(communes, district, year),
            whole_province=whole_province,
            today=today,
        )
    return writer.workbook_download(workbook, writer.dated_filename(f"tieu-chi-{year}", today))


@require_GET
@login_required
@security_log.logs_export
def export_visits(request):
    scoped = access.visits_visible_to(request.user, FieldVisit.objects.all())
    # The visits list's own filter: invalid values are ignored, as on the page.
    filterset = VisitFilter(request.GET, queryset=scoped)
    today = timezone.localdate()
    with translation.override("vi"):
        workbook = visits.visits_workbook(
            filterset.qs, filters=describe_filters(filterset), today=today
        )
    return writer.workbook_download(workbook, writer.dated_filename("chuyen-cong-tac", today))


@require_GET
@login_required
@security_log.logs_export
def export_periodic(request):
    code = request.GET.get("period") or str(timezone.localdate().year)
    try:
        period = periodic.parse_period(code)
    except ValueError:
        return _back(
            request,
            _("Kỳ báo cáo “%s” không hợp lệ; chọn một năm, 6 tháng hoặc một quý.")
            % _value(request, "period"),
        )
    today = timezone.localdate()
    scoped = access.assignments_visible_to(request.user, Assignment.objects.all())
    with translation.override("vi"):
        workbook = periodic.periodic_workbook(
            scoped, period, whole_province=not access.is_leader_scoped(request.user), today=today
        )
    return writer.workbook_download(
        workbook, writer.dated_filename(f"bao-cao-{period.code}", today)
    )
