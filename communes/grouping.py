"""Setting communes' groups (nhóm 1 / 2 / 3) for a period, and what that changes.

From 2026 an indicator's requirement depends on the commune's group
(Decision 51/2025/QĐ-TTg), so a group set or changed after results were
recorded changes what those results mean. :func:`set_groups` is the one
workflow every path calls (the groups page, the dossier's form, the Excel
import): in one transaction it writes the groups (each with its history), then
re-evaluates every year of the period where the commune has indicator results
(communes.evaluation) and reports which criteria changed. An approved or closed
commune-year is not re-evaluated (communes.locks); the report says so.

A refused assignment (a group outside 1–3, a period without groups, a unit not
of the period's programme, a unit that ceased) refuses them all: nothing is written.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.formats import day as format_day

from . import evaluation, locks
from .models import (
    Commune,
    CommuneGroup,
    CriteriaSet,
    IndicatorResult,
    Map,
    Period,
)
from .validation import ceased_in_year_message, unit_title

BASIS_LENGTH = CommuneGroup._meta.get_field("basis").max_length


def period_map(period):
    """The map a period's communes are on: today's units for a period after the 2025 reform."""
    return Map.of_year(period.first_year)


def programme_communes(period):
    """The units a period's groups are set for (2026–2030: today's units of the programme)."""
    return Commune.objects.in_programme(period_map(period))


def grouped_periods():
    """The periods whose communes are put in groups (2026–2030), newest first."""
    return Period.objects.filter(group_definitions__isnull=False).distinct().order_by("-first_year")


def grouped_period(code=None, today=None):
    """The period with groups whose code is `code` (None if there is none); without a code,
    today's period if it has groups, else the newest one that has (None: no period has)."""
    periods = list(grouped_periods())
    if code is not None:
        return next((p for p in periods if p.code == code), None)
    year = (today or timezone.localdate()).year
    today_s = [p for p in periods if p.first_year <= year <= p.last_year]
    return (today_s or periods or [None])[0]


def group_label(number, basis=""):
    """ "Nhóm 2 – căn cứ khu vực III …", or "Nhóm 2" without a basis."""
    if not basis:
        return _("Nhóm %(number)s") % {"number": number}
    return _("Nhóm %(number)s – căn cứ %(basis)s") % {"number": number, "basis": basis}


@dataclass
class CommuneReport:
    """What setting one commune's group did: before, after, and the criteria it turned."""

    commune: Commune
    before: tuple | None  # (number, basis) or None: no group before
    after: tuple
    changes: list = field(default_factory=list)  # [evaluation.Change]
    evaluated: list = field(default_factory=list)  # years re-evaluated
    skipped: list = field(default_factory=list)  # sentences: years not re-evaluated, and why

    @property
    def regrouped(self):
        """The group's number is new or changed (a new basis alone changes no result)."""
        return self.before is None or self.before[0] != self.after[0]

    def lines(self):
        """Vietnamese sentences: the change of group, then each year's outcome."""
        if self.before is None:
            head = _("%(unit)s: xếp %(after)s") % {
                "unit": unit_title(self.commune),
                "after": group_label(*self.after),
            }
        elif self.regrouped:
            head = _("%(unit)s: nhóm %(before)s → nhóm %(after)s") % {
                "unit": unit_title(self.commune),
                "before": self.before[0],
                "after": self.after[0],
            }
        else:
            head = _("%(unit)s: giữ nhóm %(number)s, sửa căn cứ") % {
                "unit": unit_title(self.commune),
                "number": self.after[0],
            }
        lines = [head]
        for year in self.evaluated:
            changed = [change for change in self.changes if change.year == year]
            if changed:
                lines.extend(
                    _("Năm %(year)s – %(change)s") % {"year": year, "change": change}
                    for change in changed
                )
            else:
                lines.append(
                    _("Năm %(year)s: đánh giá lại, không tiêu chí nào đổi kết quả") % {"year": year}
                )
        lines.extend(self.skipped)
        return lines


@dataclass
class Report:
    period: object
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    communes: list = field(default_factory=list)  # [CommuneReport] of the communes written

    def summary(self):
        return _(
            "Nhóm xã giai đoạn %(period)s: %(created)s xếp mới, %(changed)s thay đổi, "
            "%(unchanged)s không đổi."
        ) % {
            "period": self.period.label,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
        }

    @property
    def changes(self):
        return [change for commune in self.communes for change in commune.changes]

    def lines(self):
        """The summary, then every written commune's lines."""
        return [self.summary()] + [line for c in self.communes for line in c.lines()]

    def text(self):
        return "\n".join(self.lines())


def set_groups(assignments, period, user=None, reason=""):
    """Set each commune's group for `period`; the Report of what was written and re-evaluated.

    `assignments` is {Commune or commune id: (number, basis)}. ValidationError, with
    nothing written, when any assignment is refused (one message each).
    """
    with transaction.atomic():
        return _set_groups(assignments, period, user, reason)


def _set_groups(assignments, period, user, reason):
    wanted = _checked(assignments, period)
    existing = {
        group.commune_id: group
        for group in CommuneGroup.objects.select_for_update().filter(
            period=period, commune_id__in=wanted
        )
    }
    report = Report(period)
    created, updated = [], []
    for commune, number, basis in sorted(wanted.values(), key=lambda item: item[0].sort_name):
        group = existing.get(commune.pk)
        if group is None:
            created.append(CommuneGroup(commune=commune, period=period, number=number, basis=basis))
            report.communes.append(CommuneReport(commune, None, (number, basis)))
        elif (group.number, group.basis) == (number, basis):
            report.unchanged += 1
        else:
            before = (group.number, group.basis)
            group.number, group.basis = number, basis
            updated.append(group)
            report.communes.append(CommuneReport(commune, before, (number, basis)))
    history = {"default_user": user, "default_change_reason": reason[:100] or None}
    if created:
        bulk_create_with_history(created, CommuneGroup, batch_size=500, **history)
    if updated:
        bulk_update_with_history(
            updated, CommuneGroup, ["number", "basis"], batch_size=500, **history
        )
    report.created, report.changed = len(created), len(updated)
    _re_evaluate([c for c in report.communes if c.regrouped], period)
    return report


def _checked(assignments, period):
    """{commune id: (Commune, number, basis)}, or ValidationError listing every refusal."""
    if not period.has_groups:
        raise ValidationError(
            _("Giai đoạn %(period)s không chia nhóm xã; không xếp nhóm được.")
            % {"period": period.label},
            code="no_groups",
        )
    numbers = set(period.group_definitions.values_list("number", flat=True))
    ids = {getattr(key, "pk", key) for key in assignments}
    programme = set(programme_communes(period).filter(pk__in=ids).values_list("pk", flat=True))
    communes = Commune.objects.select_related("current_unit").in_bulk(ids)
    errors, wanted = [], {}
    for key, (number, basis) in assignments.items():
        commune = communes.get(getattr(key, "pk", key))
        if commune is None:
            errors.append(ValidationError(_("Không có xã mã số %(id)s.") % {"id": key}))
            continue
        basis = (basis or "").strip()
        if isinstance(number, bool) or number not in numbers:
            errors.append(
                ValidationError(
                    _("%(unit)s: nhóm “%(number)s” không có; chỉ có nhóm %(numbers)s.")
                    % {
                        "unit": unit_title(commune),
                        "number": number,
                        "numbers": ", ".join(map(str, sorted(numbers))),
                    },
                    code="group",
                )
            )
        elif len(basis) > BASIS_LENGTH:
            errors.append(
                ValidationError(
                    _("%(unit)s: căn cứ dài quá %(max)s ký tự.")
                    % {"unit": unit_title(commune), "max": BASIS_LENGTH},
                    code="basis",
                )
            )
        elif commune.pk not in programme:
            errors.append(ValidationError(refusal(commune, period), code="not_in_programme"))
        else:
            wanted[commune.pk] = (commune, number, basis)
    if errors:
        raise ValidationError(errors)
    return wanted


def refusal(commune, period):
    """Why `commune` takes no group for `period`: it ceased (naming its successor), or it is
    not a unit of the period's programme."""
    ceased = ceased_in_year_message(
        commune, period.first_year, _("Hãy xếp nhóm cho %(successor)s.")
    )
    if ceased:
        return ceased
    return _("%(unit)s không thuộc danh sách xã của chương trình giai đoạn %(period)s.") % {
        "unit": unit_title(commune),
        "period": period.label,
    }


def _re_evaluate(reports, period):
    """Re-evaluate the years of `period` where the regrouped communes have indicator results."""
    if not reports:
        return
    by_id = {report.commune.pk: report for report in reports}
    recorded = (
        IndicatorResult.objects.filter(
            commune_id__in=by_id,
            year__gte=period.first_year,
            year__lte=period.last_year,
            indicator__criterion__criteria_set__period=period,
        )
        .values_list("year", "indicator__criterion__criteria_set", "commune_id")
        .distinct()
        .order_by("year")
    )
    to_evaluate = defaultdict(set)  # (year, set id) → commune ids
    for year, criteria_set, commune_id in recorded:
        to_evaluate[(year, criteria_set)].add(commune_id)
    pairs = {(c, year) for (year, _set), communes in to_evaluate.items() for c in communes}
    held = locks.holds(pairs)
    sets = CriteriaSet.objects.in_bulk({criteria_set for _year, criteria_set in to_evaluate})
    for (year, criteria_set), communes in sorted(to_evaluate.items()):
        for commune_id in sorted(communes):
            if (commune_id, year) not in held:
                if year not in by_id[commune_id].evaluated:
                    by_id[commune_id].evaluated.append(year)
            elif held[(commune_id, year)][0] == locks.APPROVED:
                by_id[commune_id].skipped.append(
                    _("Năm %(year)s đã duyệt: không đánh giá lại") % {"year": year}
                )
            else:
                by_id[commune_id].skipped.append(
                    _("Năm %(year)s đã khóa sổ từ ngày %(day)s: không đánh giá lại")
                    % {"year": year, "day": format_day(held[(commune_id, year)][1])}
                )
        free = [c for c in communes if (c, year) not in held]
        if free:
            for change in evaluation.evaluate(free, year, sets[criteria_set]):
                by_id[change.commune_id].changes.append(change)


def for_list(period, communes):
    """`communes` with their group of `period` and its last change: group_number,
    group_basis, group_changed_at, group_changed_by (a name; None: no group yet)."""
    group = CommuneGroup.objects.filter(period=period, commune=OuterRef("pk"))
    last = CommuneGroup.history.model.objects.filter(
        period_id=period.pk, commune_id=OuterRef("pk")
    ).order_by("-history_date", "-history_id")
    full_name = NullIf(
        Trim(Concat("history_user__first_name", Value(" "), "history_user__last_name")),
        Value(""),
    )
    name = Coalesce(full_name, "history_user__username", output_field=CharField())
    return communes.annotate(
        group_number=Subquery(group.values("number")[:1]),
        group_basis=Subquery(group.values("basis")[:1]),
        group_changed_at=Subquery(last.values("history_date")[:1]),
        group_changed_by=Subquery(last.annotate(name=name).values("name")[:1]),
    )
