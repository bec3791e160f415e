"""Change history ("Lịch sử thay đổi") of the audited records, and restoring a version.

django-simple-history writes a record of every save and delete, with its user
(HistoryRequestMiddleware). This module says which models have a history page
(REGISTRY, keyed by the slug in the URL), turns consecutive records into
field-level differences people can read (field labels, choice labels, names
instead of ids, dd/mm/yyyy dates) and restores an earlier version as a new
change, recreating the object when it was deleted.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history import utils as history_utils

from communes.models import Assessment, Commune, Recognition
from core.templatetags.ntm_format import number, vnd

from . import access
from .models import Assignment, FieldVisit, Recommendation, Support

# history_change_reason of a restore: the mark, then the history_id restored.
RESTORE_MARK = "restore:"
EMPTY = "–"

KIND_LABELS = {
    "created": gettext_lazy("Tạo mới"),
    "changed": gettext_lazy("Sửa"),
    "deleted": gettext_lazy("Xoá"),
    "restored": gettext_lazy("Khôi phục"),
}
HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


class RestoreError(Exception):
    """A version cannot be restored; the message says why, in words for the office."""


# --- which models have a history, and who may see it ---------------------------------


def _on_visible_visits(model):
    return lambda user: model.objects.filter(visit__in=access.visits_visible_to(user))


def _in_visible_communes(model):
    return lambda user: model.objects.filter(
        commune__in=access.communes_visible_to(user, Commune.objects.all())
    )


def _commune_page(values, exists):
    return _("Hồ sơ xã"), reverse("reports:commune_detail", args=[values.commune_id])


def _visit_page(values, exists):
    if exists:
        return _("Chuyến công tác"), reverse("assignments:visit_detail", args=[values.pk])
    return _("Chuyến công tác"), reverse("assignments:visit_list")


def _parent_visit_page(values, exists):
    if FieldVisit.objects.filter(pk=values.visit_id).exists():
        return _("Chuyến công tác"), reverse("assignments:visit_detail", args=[values.visit_id])
    return _("Chuyến công tác"), reverse("assignments:visit_list")


def _visit_restored(instance, live, record, user):
    """A restore is an edit: it moves the lock's version on and names who made it."""
    newest = live.version if live is not None else record.version
    instance.version = newest + 1
    instance.updated_by = user


@dataclass(frozen=True)
class Tracked:
    slug: str
    model: type
    visible: object  # user -> queryset of the live objects the user may see
    page: object  # (object or record, exists) -> (label, url) of the page showing it
    hidden: frozenset = frozenset()  # fields no difference shows
    keep: frozenset = frozenset()  # fields a restore of a live object leaves as they are
    children: tuple = ()  # (slug, attname of the foreign key): histories shown with this one
    on_restore: object = None  # (instance, live, record, user) -> None, before saving
    # Joined with the records, so that differences name related rows without more queries.
    related: tuple = ()

    @property
    def label(self):
        return capfirst(self.model._meta.verbose_name)

    @property
    def records(self):
        return self.model.history


REGISTRY = {
    t.slug: t
    for t in (
        Tracked(
            "assignment",
            Assignment,
            access.assignments_visible_to,
            _commune_page,
            related=(
                "decision",
                "leader",
                "commune",
                "working_group",
                "successor__leader",
                "successor__commune",
            ),
        ),
        Tracked(
            "visit",
            FieldVisit,
            access.visits_visible_to,
            _visit_page,
            # The entry names who saved (updated_by would repeat it); a restore leaves the
            # workflow's state (it has its own log) and the author as they are.
            hidden=frozenset({"updated_by"}),
            keep=frozenset({"status", "created_by", "version"}),
            children=(("support", "visit_id"), ("recommendation", "visit_id")),
            on_restore=_visit_restored,
            related=("assignment__leader", "assignment__commune", "created_by"),
        ),
        Tracked(
            "support",
            Support,
            _on_visible_visits(Support),
            _parent_visit_page,
            hidden=frozenset({"visit"}),
        ),
        Tracked(
            "recommendation",
            Recommendation,
            _on_visible_visits(Recommendation),
            _parent_visit_page,
            hidden=frozenset({"visit"}),
        ),
        Tracked(
            "assessment",
            Assessment,
            _in_visible_communes(Assessment),
            _commune_page,
            related=("commune", "criterion"),
        ),
        Tracked(
            "recognition",
            Recognition,
            _in_visible_communes(Recognition),
            _commune_page,
            related=("commune",),
        ),
    )
}
_BY_MODEL = {t.model: t for t in REGISTRY.values()}


def tracked_for(obj_or_model):
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _BY_MODEL[model]


def history_url(obj):
    return reverse("assignments:history", args=[tracked_for(obj).slug, obj.pk])


# --- reading the history ---------------------------------------------------------------


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
        user = self.record.history_user
        return _("Hệ thống") if user is None else _user_label(user)

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


def _m2m_value(tracked, record, m2m_field):
    """[(pk, related object or None when deleted)] of a many-to-many as the record saw it."""
    _rows_model, accessor, target = _m2m_history(tracked, m2m_field)
    rows = getattr(record, accessor).all()
    values = {getattr(row, f"{target}_id"): getattr(row, target) for row in rows}
    return sorted(values.items(), key=lambda item: item[0])


def _is_empty(value):
    return value is None or value == "" or value == []


def _changes(tracked, record, previous):
    plain, many = _fields(tracked)
    if record.history_type == "-":
        return []
    if previous is None:
        if record.history_type != "+":
            return []  # the history starts later: nothing to compare with
        changes = [Change(f, None, getattr(record, f.attname)) for f in plain]
        changes += [Change(f, [], _m2m_value(tracked, record, f)) for f in many]
        return [c for c in changes if not _is_empty(c.new)]
    delta = record.diff_against(previous, included_fields=[f.name for f in plain])
    by_name = {change.field: change for change in delta.changes}
    changes = [
        Change(f, by_name[f.name].old, by_name[f.name].new) for f in plain if f.name in by_name
    ]
    for f in many:
        old, new = _m2m_value(tracked, previous, f), _m2m_value(tracked, record, f)
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


def _user_label(user):
    return user.get_full_name() or user.get_username()


# How a related row is named in a difference: (select_related, label).
_RELATED_LABELS = {
    Assignment: (("leader", "commune"), lambda a: f"{a.leader.full_name} → {a.commune.name}"),
    FieldVisit: (("assignment__commune",), str),
}


def _related_label(model):
    if model is get_user_model():
        return (), _user_label
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


def _deleted(pk):
    return _("#%(pk)s (đã xoá)") % {"pk": pk}


def _text(model_field, value, names):
    if _is_empty(value):
        return EMPTY
    if model_field.many_to_many:
        related, label = _related_label(model_field.related_model)
        return "; ".join(label(obj) if obj is not None else _deleted(pk) for pk, obj in value)
    if model_field.many_to_one or model_field.one_to_one:
        return names.get((model_field.related_model, value)) or _deleted(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if model_field.name == "amount_vnd":
        return vnd(value)
    if isinstance(value, Decimal):
        return number(value)
    return str(value)


def object_label(tracked, obj):
    """What the history page is about, for a live object or a deleted one's last record."""
    is_record = hasattr(obj, "history_id")
    try:
        return f"{tracked.label}: {obj.instance if is_record else obj}"
    except ObjectDoesNotExist:  # its str() needs a row deleted with it
        return f"{tracked.label} #{obj.id if is_record else obj.pk}"


# --- restoring -------------------------------------------------------------------------


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
            pks = [pk for pk, _obj in _m2m_value(tracked, record, f)]
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
