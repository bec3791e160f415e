"""Change history ("Lịch sử thay đổi") of a record, and restoring an earlier version (office)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import formats, redirects

from .. import access
from ..history.diff import load, object_label
from ..history.registry import REGISTRY
from ..history.restore import RestoreError
from ..history.restore import restore as restore_version


def _tracked(slug):
    try:
        return REGISTRY[slug]
    except KeyError:
        raise Http404 from None


def _object_in_scope(request, tracked, pk):
    """The live object, or None when it was deleted (only the office reads a deleted one's
    history); 404 when out of the user's scope or when there is no such record at all."""
    live = tracked.visible(request.user).filter(pk=pk).first()
    if live is not None:
        return live
    if access.is_office(request.user) and tracked.records.filter(id=pk).exists():
        return None
    raise Http404


def _lock_reasons(tracked, live, entries):
    """Each entry's lock_reason: why its version may not be restored now (a result of a
    locked commune-year), or ""."""
    for entry in entries:
        entry.lock_reason = ""
    if tracked.locks is None:
        return
    own = [entry for entry in entries if entry.tracked is tracked]
    reasons = tracked.locks([entry.record for entry in own], live)
    for entry in own:
        entry.lock_reason = reasons.get(entry.record.history_id, "")


@login_required
def history(request, model, pk):
    tracked = _tracked(model)
    live = _object_in_scope(request, tracked, pk)
    entries, total = load(tracked, pk, with_state=True)
    if access.may_restore_history(request.user):
        _lock_reasons(tracked, live, entries)
        for entry in entries:
            if entry.may_be_restored and not entry.lock_reason:
                entry.restore_url = reverse(
                    "assignments:history_restore",
                    args=[entry.tracked.slug, entry.record.id, entry.record.history_id],
                )
    latest = next((e.record for e in entries if e.tracked is tracked), None)
    subject = object_label(tracked, live if live is not None else latest)
    page_label, page_url = tracked.page(live if live is not None else latest, live is not None)
    title = _("Lịch sử thay đổi – %(subject)s") % {"subject": subject}
    return render(
        request,
        "assignments/history.html",
        {
            "page_title": title,
            "subject": subject,
            "breadcrumbs": [(page_label, page_url), (_("Lịch sử thay đổi"), None)],
            "back_url": page_url,
            "back_label": page_label,
            "deleted": live is None,
            "entries": entries,
            "total": total,
            "full": True,
            "may_restore": access.may_restore_history(request.user),
            "heading_id": "history-entries",
        },
    )


@require_POST
@login_required
def restore(request, model, pk, history_id):
    tracked = _tracked(model)
    _object_in_scope(request, tracked, pk)
    if not access.may_restore_history(request.user):
        raise PermissionDenied
    record = tracked.records.filter(id=pk, history_id=history_id).first()
    if record is None:
        raise Http404
    try:
        restore_version(tracked, record, request.user)
    except RestoreError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Đã khôi phục phiên bản lúc %(date)s. Việc khôi phục được ghi thành "
                "một thay đổi mới trong lịch sử."
            )
            % {"date": formats.moment(record.history_date)},
        )
    return redirects.back(request, reverse("assignments:history", args=[tracked.slug, pk]))
