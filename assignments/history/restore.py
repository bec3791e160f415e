"""Restoring an earlier version of an audited object as a new change."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .diff import m2m_value
from .registry import RESTORE_MARK


class RestoreError(Exception):
    """A version cannot be restored; the message says why, in words for the office."""


def _check_parents(instance):
    """Rows the version points to must exist: a missing required one stops the restore,
    a missing optional one (a successor, an account) is left empty."""
    missing = []
    for f in instance._meta.concrete_fields:
        if not f.is_relation:
            continue
        value = getattr(instance, f.attname)
        if value is None or f.related_model._base_manager.filter(pk=value).exists():
            continue
        if f.null:
            setattr(instance, f.attname, None)
        else:
            missing.append(str(f.verbose_name))
    if missing:
        raise RestoreError(
            _(
                "Không khôi phục được: %(parent)s của phiên bản này không còn nữa (đã bị xoá). "
                "Hãy khôi phục %(parent)s trước."
            )
            % {"parent": ", ".join(missing)}
        )


def restore(tracked, record, user):
    """Save the version `record` as a new change by `user` (recreating a deleted object).

    Returns the object. One transaction: the fields, the many-to-many and the
    history record are all saved, or nothing is.
    """
    model = tracked.model
    restorable = {f.name for f in model._meta.concrete_fields} - {model._meta.pk.name}
    with transaction.atomic():
        live = model._default_manager.select_for_update().filter(pk=record.id).first()
        locked = tracked.locks([record], live) if tracked.locks is not None else {}
        if reason := locked.get(record.history_id):
            raise RestoreError(
                _("Không khôi phục được phiên bản này: %(reason)s") % {"reason": reason}
            )
        instance = live if live is not None else model(pk=record.id)
        for f in model._meta.concrete_fields:
            if f.name not in restorable or (live is not None and f.name in tracked.keep):
                continue
            setattr(instance, f.attname, getattr(record, f.attname))
        _check_parents(instance)
        if tracked.on_restore is not None:
            tracked.on_restore(instance, live, record, user)
        try:
            instance.validate_unique()
            instance.validate_constraints()
        except ValidationError as error:
            raise RestoreError(
                _("Không khôi phục được phiên bản này: %(reason)s")
                % {"reason": " ".join(error.messages)}
            ) from None
        m2m = {}
        for f in model._meta.many_to_many:
            pks = [pk for pk, _obj in m2m_value(tracked, record, f)]
            m2m[f] = list(
                f.related_model._base_manager.filter(pk__in=pks).values_list("pk", flat=True)
            )
        instance._history_user = user
        instance._change_reason = f"{RESTORE_MARK}{record.history_id}"
        try:
            with transaction.atomic():
                _save(instance, m2m, creating=live is None)
        except IntegrityError:
            raise RestoreError(
                _(
                    "Không khôi phục được phiên bản này: nó trái với dữ liệu hiện có "
                    "(ví dụ một phân công khác đang hiệu lực)."
                )
            ) from None
        except ValidationError as error:
            # A model's own refusal while saving (communes.locks: a locked commune-year).
            raise RestoreError(
                _("Không khôi phục được phiên bản này: %(reason)s")
                % {"reason": " ".join(error.messages)}
            ) from None
    return instance


def _save(instance, m2m, creating):
    """Save fields and many-to-many, writing one history record that holds both."""
    if not m2m:
        instance.save(force_insert=creating)
        return
    instance.skip_history_when_saving = True
    try:
        instance.save(force_insert=creating)
        for m2m_field, pks in m2m.items():
            getattr(instance, m2m_field.name).set(pks)
    finally:
        del instance.skip_history_when_saving
    instance.save()
