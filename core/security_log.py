"""The security log: one line per login, failed login, lockout, unlock, refused
access, import, export and deletion, on the logger ``ntm.security``.

Each line says what happened, who (username and id), from where (the client
IP as django-axes sees it, so the log and the lockouts agree), on what (model
label, pk and a short text, or the file) and the request id, as key=value
pairs (values with spaces quoted), e.g. (one line, wrapped here)::

    2025-06-02 09:14:03,512 ntm.security event=login_failed user=vanphong user_id=-
    ip=203.0.113.7 request_id=4b1e… object=- path=/accounts/login/

It never holds a password or any other submitted form data: only the
username typed on the login form, file names and counts.

The lines go to their own handler (settings.LOGGING: stderr, or the file named
by NTM_SECURITY_LOG). Where each event is logged:

* logins, logouts, failed logins: Django's auth signals (every login form,
  the admin's included);
* lockouts: django-axes' ``user_locked_out`` signal; unlocks: the office's
  unlock page (core/lockouts.py);
* password changes: the user's own page (core/passwords.py);
* refused access: the 403 handler (core/errors.py) — every
  PermissionDenied raised by assignments/access.py and the views' role
  checks ends there; a refused CSRF token is logged as csrf_refused. 404s
  are not logged: "out of scope" and "does not exist" are the same answer on
  purpose, and every crawler's 404 would drown the log;
* imports and exports: their views;
* deletions: a post_delete receiver on the project's models and auth's, for
  rows deleted during a signed-in person's request (admin or the app's own
  pages); bulk deletions by the system (remove_demo_data) log one summary line.
"""

import json
import logging
import re
from functools import wraps

from axes.helpers import get_client_ip_address
from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete
from simple_history.models import HistoricalChanges

from .request_id import current_request, request_id_of

logger = logging.getLogger("ntm.security")

# Deletions are logged for the models of these apps.
DELETION_APPS = ("auth", "communes", "assignments", "reports")
# Derived rows the system deletes and rebuilds by itself (and by the thousand).
NOT_LOGGED_DELETIONS = {"communes.CriteriaScore"}
SHORT = 80
_PLAIN = re.compile(r"^[^\s\"=\\]+$")


def _value(value):
    """A logfmt value: bare when plain, else quoted with escapes (no newline reaches the log)."""
    if value is None or value == "":
        return "-"
    text = str(value)
    return text if _PLAIN.match(text) else json.dumps(text, ensure_ascii=False)


def describe(obj):
    """'app.Model#pk short text' for a model instance."""
    try:
        text = str(obj)
    except Exception:  # a log line must never break the deletion or page it describes
        text = ""
    return f"{obj._meta.label}#{obj.pk} {text[:SHORT]}".strip()


def client_ip(request):
    """The client's IP exactly as django-axes resolves it (see settings: NTM_TRUSTED_PROXIES)."""
    if request is None:
        return None
    ip = getattr(request, "axes_ip_address", None)
    return ip or get_client_ip_address(request)


def _request_user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def fields(event, request=None, *, user=None, username=None, obj=None, **details):
    """The fields of one line, in order."""
    user = user or _request_user(request)
    if username is None and user is not None:
        username = user.get_username()
    values = {
        "event": event,
        "user": username,
        "user_id": user.pk if user is not None else None,
        "ip": client_ip(request),
        "request_id": request_id_of(request),
        "object": obj if isinstance(obj, str | None) else describe(obj),
    }
    if request is not None:
        values["path"] = request.path
    values.update(details)
    return values


def write(values):
    message = " ".join(f"{key}={_value(value)}" for key, value in values.items())
    logger.info(message, extra={"security": values})


def log(event, request=None, **kwargs):
    write(fields(event, request, **kwargs))


# --- one function per event -----------------------------------------------------------


def logged_in(sender, request, user, **kwargs):
    log("login", request, user=user)


def logged_out(sender, request, user, **kwargs):
    log("logout", request, user=user)


def login_failed(sender, credentials, request=None, **kwargs):
    # Django masks the password in `credentials`; only the username is kept anyway.
    username = str(credentials.get("username") or "")[:150]
    log("login_failed", request, username=username)


def locked_out(sender, request, username, ip_address, **kwargs):
    log("lockout", request, username=str(username or "")[:150])


def unlocked(request, username, ip_address, attempts):
    """The office lifted the lockout of `username` on the computer `ip_address`."""
    log(
        "unlock",
        request,
        obj=f"axes.AccessAttempt {username}@{ip_address}",
        unlocked_user=username,
        unlocked_ip=ip_address,
        attempts=attempts,
    )


def access_denied(request):
    log("access_denied", request, method=request.method)


def imported(request, action, batch):
    """`action`: preview, apply or cancel."""
    log(
        f"import_{action}",
        request,
        obj=batch,
        batch=batch.pk,
        file=batch.file_name,
        status=batch.status,
        created=batch.created_count,
        updated=batch.updated_count,
        unchanged=batch.unchanged_count,
        errors=batch.error_count,
    )


def exported(request, response):
    """An Excel download: logged when the response is a file (not a redirect back).

    Downloads are FileResponses (core.excel.download.workbook_download), which
    know their file's name.
    """
    filename = getattr(response, "filename", None)
    if response.status_code == 200 and filename:
        log("export", request, obj=f"file {filename}", file=filename)
    return response


def logs_export(view):
    """Decorate a download view: each file it serves is logged."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return exported(request, view(request, *args, **kwargs))

    return wrapper


def deleted(sender, instance, **kwargs):
    request = current_request()
    user = _request_user(request) if request is not None else None
    if user is None:  # not deleted by a person: the system's own clean-ups
        return
    values = fields("delete", request, user=user, obj=instance)
    # Written when the deletion is committed; a rolled-back one did not happen.
    transaction.on_commit(lambda: write(values), using=kwargs.get("using"))


def bulk_deleted(what, counts):
    """One summary line for a deletion by the system, e.g. remove_demo_data."""
    done = {label: count for label, count in counts.items() if count}
    detail = ", ".join(f"{label}: {count}" for label, count in done.items())
    log("bulk_delete", obj=what, rows=sum(done.values()), detail=detail)


def connect():
    """Connect the receivers (core.apps.CoreConfig.ready)."""
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(logged_in, dispatch_uid="ntm_security_login")
    user_logged_out.connect(logged_out, dispatch_uid="ntm_security_logout")
    user_login_failed.connect(login_failed, dispatch_uid="ntm_security_login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="ntm_security_lockout")
    # Per model, not for every sender: a receiver for all models would stop Django's
    # fast (single statement) deletes of derived tables such as the scores.
    for label in DELETION_APPS:
        for model in apps.get_app_config(label).get_models():
            if issubclass(model, HistoricalChanges) or model._meta.label in NOT_LOGGED_DELETIONS:
                continue
            post_delete.connect(
                deleted, sender=model, dispatch_uid=f"ntm_security_delete_{model._meta.label}"
            )
