"""Reading a history: consecutive records turned into field-by-field changes (old → new)
that people can read: field labels, choice labels, names instead of ids, dd/mm/yyyy dates."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history import utils as history_utils

from core import formats, history_admin
from core.history_admin import EMPTY, HISTORY_TYPES

from ..models import Assignment, FieldVisit
from .registry import REGISTRY, RESTORE_MARK, Tracked

KIND_LABELS = {**history_admin.KIND_LABELS, "restored": gettext_lazy("Khôi phục")}


@dataclass
class Change:
    field: models.Field
    old: object
    new: object
    old_text: str = EMPTY
    new_text: str = EMPTY

    @property
    def label(self):
        return capfirst(self.field.verbose_name)


@dataclass
class Entry:
    tracked: Tracked
    record: object
    kind: str
    changes: list = field(default_factory=list)
    object_label: str = ""  # set on a child's entries (a support shown with its visit)
    restored_from: datetime.datetime | None = None
    is_latest: bool = False  # the newest record of its object
    object_exists: bool | None = None  # None: not asked
    restore_url: str = ""

    @property
    def date(self):
        return self.record.history_date

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def user_label(self):
        return formats.display_name(self.record.history_user, _("Hệ thống"))

    @property
    def reason(self):
        """Where the change came from, when it was recorded: "Nhập từ tệp … (lần nhập #N)",
        "Sửa trong trang quản trị" (a restore says so by its kind)."""
        return "" if self.kind == "restored" else self.record.history_change_reason or ""

    @property
    def may_be_restored(self):
        """Every version but the current state of a live object."""
        return not (self.object_exists and self.is_latest)


def _fields(tracked):
    """The fields a difference shows, in the model's order: plain fields, then many-to-many."""
    opts = tracked.model._meta
    plain = [
        f
        for f in opts.concrete_fields
        if f.editable and not f.primary_key and f.name not in tracked.hidden
    ]
    many = [f for f in opts.many_to_many if f.name not in tracked.hidden]
    return plain, many


def _m2m_history(tracked, m2m_field):
    """(model, accessor on a record, name of the target on a row) of a many-to-many's history."""
    rows_model = tracked.records.model.__dict__[m2m_field.name].model
    accessor = rows_model._meta.get_field("history").remote_field.get_accessor_name()
    return rows_model, accessor, history_utils.get_m2m_reverse_field_name(m2m_field)


def _records(tracked):
    """History records with their user and the many-to-many rows, in a fixed number of queries."""
    _plain, many = _fields(tracked)
    prefetches = []
    for m2m_field in many:
        rows_model, accessor, target = _m2m_history(tracked, m2m_field)
        prefetches.append(
            Prefetch(accessor, queryset=rows_model.objects.select_related(target).order_by("pk"))
        )
    return tracked.records.select_related("history_user", *tracked.related).prefetch_related(
        *prefetches
    )


def m2m_value(tracked, record, m2m_field):
    """[(pk, related object or None when deleted)] of a many-to-many as the record saw it."""
    _rows_model, accessor, target = _m2m_history(tracked, m2m_field)
    rows = getattr(record, accessor).all()
    values = {getattr(row, f"{target}_id"): getattr(row, target) for row in rows}
    return sorted(values.items(), key=lambda item: item[0])


def _changes(tracked, record, previous):
    plain, many = _fields(tracked)
    if record.history_type == "-":
        return []
    if previous is None:
        if record.history_type != "+":
            return []  # the history starts later: nothing to compare with
        changes = [Change(f, None, getattr(record, f.attname)) for f in plain]
        changes += [Change(f, [], m2m_value(tracked, record, f)) for f in many]
        return [c for c in changes if not history_admin.is_empty(c.new)]
    delta = record.diff_against(previous, included_fields=[f.name for f in plain])
    by_name = {change.field: change for change in delta.changes}
    changes = [
        Change(f, by_name[f.name].old, by_name[f.name].new) for f in plain if f.name in by_name
    ]
    for f in many:
        old, new = m2m_value(tracked, previous, f), m2m_value(tracked, record, f)
        if [pk for pk, _obj in old] != [pk for pk, _obj in new]:
            changes.append(Change(f, old, new))
    return changes


def _describe(record):
    """A child's label: its kind and what it is (a support's description, a recommendation)."""
    try:
        text = str(record.instance)
    except ObjectDoesNotExist:  # its str() needs a row deleted with it
        text = f"#{record.id}"
    return f"{capfirst(record.instance_type._meta.verbose_name)}: {text}"


def load(tracked, pk, *, limit=None, with_state=False):
    """(entries newest first, how many in all) of the object and of its children.

    `with_state` also asks, per object, whether it still exists (for the restore
    buttons). Values are labelled only for the entries returned.
    """
    sources = [(tracked, {"id": pk}, False)]
    sources += [(REGISTRY[slug], {attname: pk}, True) for slug, attname in tracked.children]
    entries, names = [], {}
    for source, lookup, is_child in sources:
        records = list(_records(source).filter(**lookup).order_by("history_date", "history_id"))
        _remember_related(source, records, names)
        dates = {r.history_id: r.history_date for r in records}
        previous, latest = {}, {}
        for record in records:
            entry = Entry(
                source, record, _kind(record), _changes(source, record, previous.get(record.id))
            )
            if entry.kind == "restored":
                entry.restored_from = dates.get(_restored_id(record))
            if is_child:
                entry.object_label = _describe(record)
            entries.append(entry)
            previous[record.id] = latest[record.id] = record
        if with_state:
            existing = set(
                source.model._base_manager.filter(pk__in=list(latest)).values_list("pk", flat=True)
            )
            for entry in entries:
                if entry.tracked is source:
                    entry.is_latest = latest[entry.record.id] is entry.record
                    entry.object_exists = entry.record.id in existing
    entries.sort(key=lambda e: (e.record.history_date, e.record.history_id), reverse=True)
    total = len(entries)
    if limit is not None:
        entries = entries[:limit]
    _label(entries, names)
    return entries, total


def _restored_id(record):
    try:
        return int(record.history_change_reason[len(RESTORE_MARK) :])
    except (TypeError, ValueError):
        return None


def _kind(record):
    if record.history_type != "-" and (record.history_change_reason or "").startswith(RESTORE_MARK):
        return "restored"
    return HISTORY_TYPES[record.history_type]


# --- values people can read ------------------------------------------------------------


# How a related row is named in a difference: (select_related, label).
_RELATED_LABELS = {
    Assignment: (("leader", "commune"), lambda a: f"{a.leader.full_name} → {a.commune.name}"),
    FieldVisit: (("assignment__commune",), str),
}


def _related_label(model):
    if model is get_user_model():
        return (), formats.display_name
    return _RELATED_LABELS.get(model, ((), str))


def _remember_related(tracked, records, names):
    """Name the related rows the records were joined with ({(model, pk): label})."""
    joined = {path.split("__")[0] for path in tracked.related}
    fields = [tracked.records.model._meta.get_field(name) for name in joined]
    for record in records:
        for f in fields:
            obj = f.get_cached_value(record, None)
            if obj is not None:
                names[f.related_model, obj.pk] = _related_label(f.related_model)[1](obj)


def _label(entries, names):
    """Fill old_text/new_text; related rows not joined already cost one query per model."""
    wanted = defaultdict(set)
    for entry in entries:
        for change in entry.changes:
            if change.field.many_to_one or change.field.one_to_one:
                model = change.field.related_model
                wanted[model].update(
                    v for v in (change.old, change.new) if v is not None and (model, v) not in names
                )
    for model, pks in wanted.items():
        if not pks:
            continue
        related, label = _related_label(model)
        for pk, obj in model._base_manager.select_related(*related).in_bulk(pks).items():
            names[model, pk] = label(obj)
    for entry in entries:
        for change in entry.changes:
            change.old_text = _text(change.field, change.old, names)
            change.new_text = _text(change.field, change.new, names)


def _text(model_field, value, names):
    if history_admin.is_empty(value):
        return EMPTY
    deleted = history_admin.deleted
    if model_field.many_to_many:
        related, label = _related_label(model_field.related_model)
        return "; ".join(label(obj) if obj is not None else deleted(pk) for pk, obj in value)
    if model_field.many_to_one or model_field.one_to_one:
        return names.get((model_field.related_model, value)) or deleted(value)
    return history_admin.shown(model_field, value)


def object_label(tracked, obj):
    """What the history page is about, for a live object or a deleted one's last record."""
    is_record = hasattr(obj, "history_id")
    try:
        return f"{tracked.label}: {obj.instance if is_record else obj}"
    except ObjectDoesNotExist:  # its str() needs a row deleted with it
        return f"{tracked.label} #{obj.id if is_record else obj.pk}"
