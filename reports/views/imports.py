"""Excel imports for the office: upload → preview → confirm (or cancel), and blank templates.

Thin views over reports.imports.service, which `manage.py import_excel` uses too.
Office only: anyone else gets 403, anonymous users the login page.
"""

from datetime import timedelta
from functools import partial, wraps
from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assignments import access
from communes.models import CriteriaSet, Map
from core import security_log

from ..imports import picks, service, terms
from ..imports.criteria_set.forms import CriteriaSetUploadForm
from ..imports.files import ImportFileError
from ..imports.forms import AnnexUploadForm, GroupsUploadForm, MatrixUploadForm, programme_years
from ..models import ImportBatch

RECENT = 30
# Refused files are listed apart (they need a corrected file) for this many days.
FAILED_DAYS = 7
# A national criteria matrix may change every one of its 190,000 cells: the page lists the first.
PREVIEW_ROWS = 2000


def office_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.is_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _crumbs(*trail):
    return [(_("Nhập dữ liệu từ Excel"), reverse("reports:import_index")), *trail]


@require_GET
@office_only
def import_index(request):
    title = _("Nhập dữ liệu từ Excel")
    groups = _batch_groups(timezone.now())
    return render(
        request,
        "reports/import_index.html",
        {
            "page_title": title,
            "breadcrumbs": [(title, "")],
            "groups": groups,
            "has_batches": any(group.batches for group in groups),
            "years": programme_years(),
            "annex_templates": _template_links("phu-luc"),
            "group_templates": _template_links("nhom-xa"),
        },
    )


class BatchGroup(NamedTuple):
    slug: str
    heading: str
    about: str  # what the group is, in a sentence
    batches: list


def _batch_groups(now):
    """The import log, what needs the office first, as three BatchGroups."""
    batches = ImportBatch.objects.select_related("decision", "criteria_set", "uploaded_by")
    waiting = batches.waiting(now)
    failed = Q(status=ImportBatch.Status.FAILED, uploaded_at__gte=now - timedelta(days=FAILED_DAYS))
    return [
        BatchGroup(
            "waiting",
            _("Chờ xác nhận"),
            _(
                "Đã xem trước, chưa ghi gì: mở để xác nhận hoặc huỷ. Bản xem trước hết hạn "
                "%(hours)s giờ sau khi tải lên."
            )
            % {"hours": settings.NTM_IMPORT_PREVIEW_HOURS},
            list(waiting[:RECENT]),
        ),
        BatchGroup(
            "failed",
            _("Tệp bị từ chối trong %(days)s ngày qua") % {"days": FAILED_DAYS},
            _(
                "Không đọc được tệp hoặc tệp không đúng mẫu; không có gì được ghi. Hãy sửa tệp "
                "rồi tải lên lại."
            ),
            list(batches.filter(failed)[:RECENT]),
        ),
        BatchGroup(
            "done",
            _("Đã xong"),
            _("Đã nhập, đã huỷ hoặc hết hạn, mới nhất trước."),
            list(batches.exclude(pk__in=waiting.values("pk")).exclude(failed)[:RECENT]),
        ),
    ]


@require_http_methods(["GET", "POST"])
@office_only
def import_annex(request):
    return _upload(
        request,
        ImportBatch.Kind.ANNEX,
        AnnexUploadForm,
        _("Nhập phụ lục phân công của quyết định"),
        _(
            "Tệp phụ lục do văn phòng gõ: khối tiêu đề, dòng tiêu đề có các cột Họ và tên, "
            "Chức vụ, Cơ quan, Xã (thứ tự bất kỳ), các dòng huyện (“I. HUYỆN BÁT XÁT”) và "
            "mỗi xã một dòng. Hãy cho biết tệp là phụ lục của chính quyết định hay của một "
            "quyết định sửa đổi, và các cặp mới có hiệu lực từ ngày nào. Bạn sẽ xem trước "
            "từng dòng trước khi xác nhận."
        ),
        "phu-luc",
    )


@require_http_methods(["GET", "POST"])
@office_only
def import_matrix(request):
    return _upload(
        request,
        ImportBatch.Kind.MATRIX,
        MatrixUploadForm,
        _("Nhập bảng kết quả tiêu chí"),
        _(
            "Bảng tiêu chí theo mẫu xuất từ NTM Portal cho năm đã chọn (mỗi xã một dòng có mã "
            "xã, mỗi tiêu chí của bộ tiêu chí năm đó một cột: TC1 … TC19 đến năm 2025, TC1 … "
            "TC10 từ năm 2026; ô “Đạt” hoặc để trống). Từ năm 2026, tiêu chí có chỉ tiêu được "
            "tính từ trang “Chỉ tiêu” (giá trị số hoặc Đạt / Chưa đạt theo nhóm của xã). Bạn sẽ "
            "xem trước từng ô thay đổi trước khi xác nhận; ô của xã đã duyệt hoặc năm đã khóa sổ "
            "không sửa được."
        ),
        "tieu-chi",
    )


@require_http_methods(["GET", "POST"])
@office_only
def import_groups(request):
    return _upload(
        request,
        ImportBatch.Kind.GROUPS,
        GroupsUploadForm,
        _("Nhập nhóm xã của giai đoạn"),
        _(
            "Mỗi xã một dòng: Mã xã (nếu có), Tên xã, Nhóm (1, 2 hoặc 3) và Căn cứ xếp nhóm. "
            "Dòng để trống Nhóm giữ nguyên nhóm đang có. Bạn sẽ xem trước nhóm trước và sau của "
            "từng xã; khi xác nhận, kết quả các năm đã nhập của xã đổi nhóm được đánh giá lại "
            "(trừ năm đã duyệt hoặc đã khóa sổ)."
        ),
        "nhom-xa",
    )


@require_http_methods(["GET", "POST"])
@office_only
def import_criteria_set(request):
    """The indicators of a criteria set (reports/imports/criteria_set); ?set= picks the set."""
    initial = (
        {"criteria_set": request.GET.get("set")} if request.GET.get("set", "").isdigit() else {}
    )
    return _upload(
        request,
        ImportBatch.Kind.INDICATORS,
        partial(CriteriaSetUploadForm, initial=initial),
        _("Nạp chỉ tiêu của bộ tiêu chí"),
        _(
            "Mỗi chỉ tiêu một dòng: Tiêu chí, Số chỉ tiêu (ví dụ 2.3), Nội dung chỉ tiêu, Đơn vị "
            "và với mỗi nhóm xã của giai đoạn: Yêu cầu nhóm n (nguyên văn), So sánh nhóm n "
            "(≥ > ≤ < = hoặc để trống) và Mức đạt nhóm n (một số). Tệp thay toàn bộ chỉ tiêu "
            "của bộ; bạn sẽ xem trước từng chỉ tiêu thêm mới, thay đổi hoặc bị xoá trước khi "
            "xác nhận."
        ),
        "bo-tieu-chi",
    )


def _upload(request, kind, form_class, title, intro, template_kind):
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch, _plan = service.preview(
                kind, form.cleaned_data["file"], form.target(), request.user, **form.options()
            )
        except ImportFileError as error:
            security_log.log(
                "import_refused", request, file=form.cleaned_data["file"].name, kind=kind
            )
            form.add_error("file", str(error))
        else:
            security_log.imported(request, "preview", batch)
            return redirect("reports:import_preview", pk=batch.pk)
    return render(
        request,
        "reports/import_upload.html",
        {
            "page_title": title,
            "breadcrumbs": _crumbs((title, "")),
            "intro": intro,
            "form": form,
            "template_links": _template_links(template_kind),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@office_only
def import_preview(request, pk):
    batch = get_object_or_404(
        ImportBatch.objects.select_related("decision", "criteria_set", "uploaded_by", "applied_by"),
        pk=pk,
    )
    picked = None
    if request.method == "POST":
        response, picked = _act(request, batch)
        if response is not None:
            return response
        batch.refresh_from_db()
    plan = problem = None
    rows = []
    if batch.is_pending:
        try:
            plan = _plan_with(request, batch, picked)
        except service.ImportRefused as error:
            problem = str(error)
        else:
            rows = plan.for_display()
            _offer_picks(plan)
    if len(rows) > PREVIEW_ROWS:
        messages.info(
            request,
            _(
                "Bảng dưới đây liệt kê %(shown)s trong %(total)s dòng (dòng lỗi trước); các số "
                "đếm tính tất cả."
            )
            % {
                "shown": number_format(PREVIEW_ROWS, force_grouping=True),
                "total": number_format(len(rows), force_grouping=True),
            },
        )
        rows = rows[:PREVIEW_ROWS]
    title = _("Lần nhập #%(pk)s: %(kind)s") % {"pk": batch.pk, "kind": batch.get_kind_display()}
    annex_terms = None
    if batch.kind == ImportBatch.Kind.ANNEX and batch.decision is not None:
        annex_terms = terms.of(batch).describe(batch.decision)
    return render(
        request,
        "reports/import_preview.html",
        {
            "page_title": title,
            "breadcrumbs": _crumbs((title, "")),
            "batch": batch,
            "plan": plan,
            "rows": rows,
            "problem": problem,
            "annex_terms": annex_terms,
            "earlier": service.earlier_imports(batch).select_related("uploaded_by")[:5],
        },
    )


def _plan_with(request, batch, picked):
    """The batch's plan with the office's picks; without them (and why) when they do not fit."""
    if picked:
        try:
            return service.plan_for(batch, picked)
        except service.ImportRefused as error:
            if not isinstance(error.__cause__, picks.PickError):
                raise
            messages.error(request, str(error))
    return service.plan_for(batch)


def _offer_picks(plan):
    """Fill in what the select of each row waiting for its commune offers."""
    if plan.kind != ImportBatch.Kind.ANNEX:
        return
    for row in plan.rows:
        if row.choice is not None:
            row.choice.options = picks.options(
                plan.reference, row.choice.district, row.choice.candidates, row.choice.province
            )


def _act(request, batch):
    """(the response, None), or (None, the picks) to show the preview again with them."""
    action = request.POST.get("action")
    if action not in ("confirm", "cancel", "check"):
        return HttpResponseBadRequest(_("Thao tác không hợp lệ.")), None
    chosen = {}
    if action != "cancel" and batch.kind == ImportBatch.Kind.ANNEX:
        try:
            chosen = picks.from_post(request.POST)
        except picks.PickError as error:
            messages.error(request, str(error))
            return redirect("reports:import_preview", pk=batch.pk), None
    if action == "check":
        return None, chosen
    try:
        if action == "confirm":
            batch, done = service.apply(batch, request.user, picks=chosen)
            if done:
                security_log.imported(request, "apply", batch)
                messages.success(
                    request,
                    _(
                        "Đã nhập: %(created)s thêm mới, %(updated)s cập nhật, "
                        "%(unchanged)s không đổi."
                    )
                    % {
                        "created": batch.created_count,
                        "updated": batch.updated_count,
                        "unchanged": batch.unchanged_count,
                    },
                )
            else:
                messages.info(request, _("Lần nhập này đã được ghi trước đó; không ghi lại."))
        else:
            batch = service.cancel(batch, request.user)
            security_log.imported(request, "cancel", batch)
            messages.info(request, _("Đã huỷ lần nhập; không có gì được ghi."))
    except service.ImportRefused as error:
        messages.error(request, str(error))
        if chosen and not isinstance(error.__cause__, picks.PickError):
            return None, chosen  # the picks stay on the page, to be completed
    return redirect("reports:import_preview", pk=batch.pk), None


def _template_links(kind):
    """(label, url) of the blank templates an upload page offers."""
    url = reverse("reports:import_template", args=[kind])
    if kind == "bo-tieu-chi":
        return [(_("Mẫu: %(set)s") % {"set": s}, f"{url}?set={s.pk}") for s in template_sets()]
    if kind == "nhom-xa":
        return [(_("Tải mẫu nhóm xã (danh sách xã của giai đoạn hiện nay)"), url)]
    if kind != "phu-luc":
        return [(_("Tải mẫu trống"), url)]
    return [
        (_("Tải mẫu trống (đơn vị hành chính từ 01/07/2025)"), f"{url}?map={Map.CURRENT}"),
        (_("Mẫu theo huyện, trước 01/07/2025"), f"{url}?map={Map.OLD}"),
    ]


def template_sets():
    """The criteria sets a template is offered for."""
    return CriteriaSet.objects.select_related("period").order_by(
        "-first_year", "is_provincial", "level", "-version"
    )
