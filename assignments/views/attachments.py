"""A visit's files: download, delete, and add one (the phone's send queue sends each photo
in its own request after the visit, so that a lost connection costs one photo)."""

import re
from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, attachments
from ..forms.files import UploadForm
from ..models import Attachment
from ..services import visits
from . import queue_answers
from .queue_auth import from_queue, queue_login_required


def _attachment_for(request, pk, action):
    """The attachment, if the user may `action` its visit (404 out of scope, 403 not allowed)."""
    attachment = get_object_or_404(Attachment, pk=pk)
    access.get_visit_for_user(request, attachment.visit_id, action)
    return attachment


@login_required
def attachment_download(request, pk):
    """The file, only to those who may see its visit; never a public MEDIA_URL link."""
    attachment = _attachment_for(request, pk, "view")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    content_type = attachment.content_type
    inline = content_type in attachments.ALLOWED_CONTENT_TYPES
    name = attachment.original_name or attachment.file.name.rsplit("/", 1)[-1]
    # No path, no control characters in the name the browser offers to save.
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "_", name)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=name,
        content_type=content_type if inline else "application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@login_required
def attachment_delete(request, pk):
    attachment = _attachment_for(request, pk, "edit")
    visit_pk = attachment.visit_id
    name = str(attachment)
    visits.delete_attachment(attachment)
    messages.success(request, _("Đã xoá tệp «%(name)s».") % {"name": name})
    return redirect("assignments:visit_detail", pk=visit_pk)


@require_POST
@queue_login_required
def attachment_upload(request, pk):
    """One file added to a visit the user may edit, once per client_id (a retry answers
    with the attachment already stored, and the file sent again is not kept)."""
    queue = from_queue(request)
    try:
        visit = access.get_visit_for_user(request, pk, "edit")
    except (PermissionDenied, Http404) as exc:
        if queue:
            return queue_answers.for_exception(exc)
        raise
    form = UploadForm(request.POST, request.FILES, user=request.user, require_client_id=queue)
    attachment = created = None
    if form.is_valid():
        # A file refused when decoded (or the upload limit) is added to the form's errors.
        with suppress(ValidationError):
            attachment, created = visits.attach_once(
                visit,
                client_id=form.cleaned_data["client_id"],
                decode=form.decoded,
                kind=form.cleaned_data["kind"],
                by=request.user,
            )
    if attachment is None:
        message = " ".join(message for messages_ in form.errors.values() for message in messages_)
        if queue:
            return queue_answers.refused(message, status=429 if form.over_quota() else 400)
        messages.error(request, message)
    elif queue:
        return queue_answers.attachment_saved(attachment, created)
    elif created:
        messages.success(request, _("Đã đính kèm tệp «%(name)s».") % {"name": attachment})
    else:
        messages.info(
            request, _("Tệp «%(name)s» đã được đính kèm trước đó.") % {"name": attachment}
        )
    return redirect("assignments:visit_detail", pk=visit.pk)
