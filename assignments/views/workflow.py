"""The visit workflow: submit, confirm, return with a comment, answer (and resubmit),
delete a draft and restore it.

Thin views: the workflow table (transitions.STEPS, through access) decides who may
act, services.workflow does the work.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access
from ..forms.workflow import AnswerForm, ReturnForm
from ..services import errors, workflow


def _visit_for(request, pk, step):
    """The visit, 404 when out of scope, 403 when the user never takes `step` on it.

    A visit that has moved on meanwhile (a second click, someone acted first)
    passes, so that the service refuses it with a message instead of an error page.
    """
    visit = access.get_visit_for_user(request, pk, "view")
    if not access.takes_part_in(request.user, visit, step):
        raise PermissionDenied
    return visit


def _act(request, visit, step, done, *args):
    try:
        step(visit, request.user, *args)
    except errors.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("assignments:visit_detail", pk=visit.pk)


def _comment(request, form_class):
    form = form_class(request.POST)
    if form.is_valid():
        return form.cleaned_data["comment"]
    messages.error(request, " ".join(form.errors["comment"]))
    return None


@require_POST
@login_required
def visit_submit(request, pk):
    visit = _visit_for(request, pk, "submit")
    return _act(request, visit, workflow.submit_visit, _("Đã gửi chuyến công tác cho văn phòng."))


@require_POST
@login_required
def visit_confirm(request, pk):
    visit = _visit_for(request, pk, "confirm")
    return _act(request, visit, workflow.confirm_visit, _("Đã xác nhận chuyến công tác."))


@require_POST
@login_required
def visit_return(request, pk):
    visit = _visit_for(request, pk, "return")
    comment = _comment(request, ReturnForm)
    if comment is None:
        return redirect("assignments:visit_detail", pk=visit.pk)
    return _act(
        request,
        visit,
        workflow.return_visit,
        _("Đã trả lại chuyến công tác cho tổ giúp việc kèm ý kiến."),
        comment,
    )


@require_POST
@login_required
def visit_answer(request, pk):
    visit = _visit_for(request, pk, "answer")
    comment = _comment(request, AnswerForm)
    if comment is None:
        return redirect("assignments:visit_detail", pk=visit.pk)
    return _act(
        request,
        visit,
        workflow.answer_visit,
        _(
            "Đã gửi trả lời cho văn phòng và gửi lại chuyến công tác: "
            "chuyến đang chờ văn phòng xem xét."
        ),
        comment,
    )


@require_POST
@login_required
def visit_delete(request, pk):
    visit = _visit_for(request, pk, "delete")
    return _act(
        request,
        visit,
        workflow.delete_visit,
        _(
            "Đã xoá bản nháp: chuyến công tác không còn trong danh sách và số liệu. "
            "Văn phòng điều phối có thể khôi phục nếu cần."
        ),
    )


@require_POST
@login_required
def visit_restore(request, pk):
    visit = _visit_for(request, pk, "restore")
    return _act(
        request, visit, workflow.restore_visit, _("Đã khôi phục chuyến công tác thành bản nháp.")
    )
