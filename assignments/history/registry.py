"""Which models have a change history, who may see it, and the page that shows each object."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from communes import locks
from communes.models import Assessment, Commune, IndicatorResult, Recognition

from .. import access
from ..models import Assignment, FieldVisit, Leader, Recommendation, Support

# history_change_reason of a restore: the mark, then the history_id restored.
RESTORE_MARK = "restore:"


def _on_visible_visits(model):
    return lambda user: model.objects.filter(visit__in=access.visits_visible_to(user))


def _in_visible_communes(model):
    return lambda user: model.objects.filter(
        commune__in=access.communes_visible_to(user, Commune.objects.all())
    )


def _commune_page(values, exists):
    return _("Hồ sơ xã"), reverse("reports:commune_detail", args=[values.commune_id])


def _leader_page(values, exists):
    if exists:
        return _("Lãnh đạo"), reverse("assignments:leader_detail", args=[values.pk])
    return _("Phân công"), reverse("assignments:assignment_list")


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


def _result_locks(records, live):
    """{history_id: why that version may not be restored now, or ""}: the commune-year
    it was in, or the live row is in, is locked (approved, or the year closed:
    communes.locks). One look-up for every record."""
    pairs = {(r.commune_id, r.year) for r in records}
    if live is not None:
        pairs.add((live.commune_id, live.year))
    reasons = locks.locked(pairs)
    now = reasons.get((live.commune_id, live.year), "") if live is not None else ""
    return {
        r.history_id: " ".join(sorted({reasons.get((r.commune_id, r.year), ""), now} - {""}))
        for r in records
    }


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
    # (records, live or None) -> {history_id: why restoring it is refused now, or ""}
    locks: object = None
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
            "leader",
            Leader,
            access.leaders_visible_to,
            _leader_page,
            # Personal contacts and the account are not for every reader of the history,
            # and a restore leaves them as they are.
            hidden=frozenset({"phone", "email", "user"}),
            keep=frozenset({"phone", "email", "user"}),
            related=("agency",),
        ),
        Tracked(
            "visit",
            FieldVisit,
            # A deleted draft keeps its history: the office (and its group) still read it.
            lambda user: access.visits_visible_to(user, deleted=True),
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
            locks=_result_locks,
            related=("commune", "criterion"),
        ),
        Tracked(
            "indicator-result",
            IndicatorResult,
            _in_visible_communes(IndicatorResult),
            _commune_page,
            locks=_result_locks,
            related=("commune", "indicator"),
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
