"""The JSON answers to the phone's send queue (requests with `X-NTM-Queue: 1`, see
queue_auth): what the visit form and the upload endpoint say to it instead of a page
or a redirect. The shapes are the contract of issue 17 with static/js/queue.js."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core import formats

NO_STORE = "no-store"


def answer(data, status=200):
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = NO_STORE
    return response


def refused(message, status=403):
    return answer({"message": str(message)}, status=status)


def for_exception(exc):
    """403 / 404 in JSON for PermissionDenied / Http404 raised by the access helpers."""
    if isinstance(exc, Http404):
        return refused(_("Không tìm thấy chuyến công tác này."), status=404)
    if isinstance(exc, PermissionDenied):
        return refused(_("Bạn không có quyền ghi chuyến công tác này."), status=403)
    raise exc


def visit_saved(visit, created):
    """201 when the visit was created now, 200 when it was already there (a retry) or edited."""
    return answer(
        {
            "visit": visit.pk,
            "created": created,
            "url": reverse("assignments:visit_detail", args=[visit.pk]),
            "edit_url": reverse("assignments:visit_edit", args=[visit.pk]),
            "upload_url": reverse("assignments:attachment_upload", args=[visit.pk]),
            "version": visit.version,
            "status": visit.status,
        },
        status=201 if created else 200,
    )


def _each_form(forms):
    """Every form of the visit form page (the visit, its rows, follow-ups, files)."""
    yield forms["form"]
    for name in ("supports", "recommendations"):
        yield from forms[name].forms
    yield from forms["followups"]
    yield forms["files"]


def form_errors(forms, message):
    """400: every message keyed by the input's name as the HTML form names it
    (`purpose`, `supports-0-amount_vnd`); those of no one input under `__all__`."""
    errors = {}
    common = []
    for form in _each_form(forms):
        for field, messages in form.errors.items():
            if field == "__all__":
                common.extend(messages)
            else:
                errors.setdefault(form.add_prefix(field), []).extend(messages)
    for name in ("supports", "recommendations"):
        common.extend(forms[name].non_form_errors())
    if common:
        errors["__all__"] = common
    return answer({"message": str(message), "errors": errors}, status=400)


def field_error(name, message, status=400):
    return answer({"message": str(message), "errors": {name: [str(message)]}}, status=status)


def same_day(visits, day, message):
    """409: other visits on that day; the phone asks, then posts again with same_day_ok=1."""
    return answer(
        {
            "same_day": True,
            "message": str(message),
            "date": day.isoformat(),
            "visits": [
                {
                    "url": reverse("assignments:visit_detail", args=[visit.pk]),
                    "status": visit.status,
                    "purpose": visit.purpose,
                }
                for visit in visits
            ],
        },
        status=409,
    )


def same_day_message(day):
    return _("Đã có chuyến công tác ngày %(date)s – vẫn lưu?") % {"date": formats.day(day)}


def _value(bound):
    value = bound.value()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if isinstance(value, bool):
        return "on" if value else ""
    shown = bound.field.widget.format_value(value)
    return "" if shown is None else str(shown)


def current_values(forms):
    """The visit as stored, by input name, as the edit form would show it now."""
    values = {}
    for name in ("supports", "recommendations"):
        management = forms[name].management_form
        for field in management:
            values[field.html_name] = _value(field)
    for form in _each_form(forms):
        if form is forms["files"]:
            continue
        for field in form:
            if field.name in ("DELETE", "same_day_ok", "draft_token"):
                continue
            values[field.html_name] = _value(field)
    return values


def conflict(visit, message, current, locked):
    """409: the posted version is stale (someone saved since) or the visit left an editable
    state (`locked`); `current` is what is stored, for the phone to show what differs."""
    return answer(
        {
            "conflict": True,
            "locked": locked,
            "message": str(message),
            "version": visit.version,
            "status": visit.status,
            "edit_url": reverse("assignments:visit_edit", args=[visit.pk]),
            "url": reverse("assignments:visit_detail", args=[visit.pk]),
            "current": current,
        },
        status=409,
    )


def attachment_saved(attachment, created):
    return answer(
        {
            "attachment": attachment.pk,
            "created": created,
            "name": str(attachment),
            "size": attachment.size,
        },
        status=201 if created else 200,
    )
