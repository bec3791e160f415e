"""The office's review of a commune's yearly results, as one table and four steps.

    draft ──submit──▶ submitted ──approve──▶ approved (locked: communes.locks)
      ▲                   │                     │
      └──── return ───────┘◀──── reopen ────────┘   (return and reopen: with a written reason)

The table ``STEPS`` says, for each step, the states it starts from, the state it leads
to and the permission it needs; the service functions, the views and the panel's
buttons all read it. The office submits (``communes.change_communeyear``); approving,
returning and reopening need ``communes.approve_communeyear``, which only the office
head's group holds (assignments.roles). Every step writes a ``CommuneYearEvent``.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import locks
from .models import Assessment, CommuneYear, CommuneYearEvent, CriteriaSet, IndicatorResult
from .validation import unit_title

_S = CommuneYear.Status
_A = CommuneYearEvent.Action
SUBMIT_PERMISSION = "communes.change_communeyear"
APPROVE_PERMISSION = "communes.approve_communeyear"


class ReviewError(Exception):
    """A step that cannot be taken now; the message says why, for the office."""


@dataclass(frozen=True)
class Step:
    name: str  # also the CommuneYearEvent.Action it records
    verb: str  # "Không thể %(verb)s…"
    sources: frozenset
    target: str
    permission: str
    needs_reason: bool = False

    def may(self, user):
        return user.is_authenticated and user.has_perm(self.permission)


STEPS = {
    step.name: step
    for step in (
        Step(_A.SUBMIT, gettext_lazy("trình duyệt"), frozenset({_S.DRAFT}), _S.SUBMITTED,
             SUBMIT_PERMISSION),
        Step(_A.APPROVE, gettext_lazy("duyệt"), frozenset({_S.SUBMITTED}), _S.APPROVED,
             APPROVE_PERMISSION),
        Step(_A.RETURN, gettext_lazy("trả lại"), frozenset({_S.SUBMITTED}), _S.DRAFT,
             APPROVE_PERMISSION, needs_reason=True),
        Step(_A.REOPEN, gettext_lazy("mở lại"), frozenset({_S.APPROVED}), _S.DRAFT,
             APPROVE_PERMISSION, needs_reason=True),
    )
}  # fmt: skip


def has_results(commune, year, criteria_set):
    """Whether anything was recorded for the commune-year against its set."""
    return (
        Assessment.objects.filter(
            commune=commune, year=year, criterion__criteria_set=criteria_set
        ).exists()
        or IndicatorResult.objects.filter(
            commune=commune, year=year, indicator__criterion__criteria_set=criteria_set
        ).exists()
    )


def _commune_year(commune, year):
    """The commune-year, locked for this transaction; created (a draft) when missing."""
    found = CommuneYear.objects.select_for_update().filter(commune=commune, year=year).first()
    if found is not None:
        return found
    criteria_set = CriteriaSet.objects.for_year(year)
    if criteria_set is None:
        raise ReviewError(
            _("Năm %(year)s không thuộc giai đoạn nào của chương trình: không có kết quả để duyệt.")
            % {"year": year}
        )
    return CommuneYear.objects.create(commune=commune, year=year, criteria_set=criteria_set)


def take(step_name, commune, year, user, reason=""):
    """Take one step of STEPS on the commune-year; returns the CommuneYear.

    PermissionDenied when the user never takes that step; ReviewError (nothing written)
    when the commune-year is not in a state the step starts from, a reason is missing,
    or there is nothing to approve.
    """
    step = STEPS[step_name]
    if not step.may(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise ReviewError(
            _("Hãy ghi lý do %(verb)s kết quả năm %(year)s của %(unit)s.")
            % {"verb": step.verb, "year": year, "unit": unit_title(commune)}
        )
    with transaction.atomic():
        commune_year = _commune_year(commune, year)
        if commune_year.status not in step.sources:
            raise ReviewError(
                _(
                    "Không thể %(verb)s kết quả năm %(year)s của %(unit)s: kết quả đang ở "
                    "trạng thái “%(status)s”."
                )
                % {
                    "verb": step.verb,
                    "year": year,
                    "unit": unit_title(commune),
                    "status": commune_year.get_status_display(),
                }
            )
        if step.target != _S.DRAFT and not has_results(commune, year, commune_year.criteria_set):
            raise ReviewError(
                _(
                    "Không thể %(verb)s kết quả năm %(year)s của %(unit)s: chưa có kết quả "
                    "tiêu chí hay chỉ tiêu nào được ghi."
                )
                % {"verb": step.verb, "year": year, "unit": unit_title(commune)}
            )
        commune_year.status = step.target
        commune_year.save(update_fields=["status", "changed_at"])
        CommuneYearEvent.objects.create(
            commune_year=commune_year, action=step.name, actor=user, reason=reason
        )
    return commune_year


def submit(commune, year, user):
    return take(_A.SUBMIT, commune, year, user)


def approve(commune, year, user):
    return take(_A.APPROVE, commune, year, user)


def return_to_draft(commune, year, user, reason):
    return take(_A.RETURN, commune, year, user, reason)


def reopen(commune, year, user, reason):
    return take(_A.REOPEN, commune, year, user, reason)


def status_of(commune_year):
    return commune_year.status if commune_year is not None else _S.DRAFT


def steps_for(user, commune_year):
    """The steps the user may take on the commune-year now (the panel's buttons)."""
    status = status_of(commune_year)
    return [step for step in STEPS.values() if status in step.sources and step.may(user)]


class Panels:
    """The review panels of one commune's years, for one user: its review rows, their
    events and the year closings read once (three queries however many years a page
    shows). ``panels(year)`` is the dict the panel of that year draws."""

    def __init__(self, commune, user, today=None):
        self.commune, self.user = commune, user
        self.commune_years = {cy.year: cy for cy in CommuneYear.objects.filter(commune=commune)}
        self.events = defaultdict(list)
        for event in CommuneYearEvent.objects.filter(commune_year__commune=commune).select_related(
            "actor", "commune_year"
        ):
            self.events[event.commune_year.year].append(event)
        self.closed = locks.closed_years(today)

    def lock(self, year):
        """Why the year's results cannot change, as communes.locks.locked() says it (an
        approval first, then the year's closing), from the rows read once."""
        commune_year = self.commune_years.get(year)
        if commune_year is not None and commune_year.is_approved:
            return locks.message(self.commune, year, locks.APPROVED)
        if year in self.closed:
            return locks.message(self.commune, year, locks.CLOSED, self.closed[year])
        return ""

    def __call__(self, year):
        commune_year = self.commune_years.get(year)
        status = status_of(commune_year)
        return {
            "commune": self.commune,
            "year": year,
            "commune_year": commune_year,
            "status": status,
            "status_label": _S(status).label,
            "events": self.events.get(year, []),
            "steps": steps_for(self.user, commune_year),
            "lock": self.lock(year),
        }


def panel(commune, year, user):
    """What the review panel of a commune-year shows to `user`."""
    return Panels(commune, user)(year)
