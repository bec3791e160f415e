"""The visit workflow as one table: each step, who may take it from which states, the
state it leads to and the event it records.

Access checks (`access.may`), the services (`services.workflow`), the workflow views
and the buttons of the visit page all read this table; nothing else lists states.

    draft ──submit──▶ submitted ──confirm──▶ confirmed
      returned ──submit / answer──▶ submitted        submitted, confirmed ──return──▶ returned
    draft ──delete──▶ deleted ──restore (office)──▶ draft

Once the office has returned a visit, answering and resubmitting it are the group's
steps: the office waits for the group (it may still edit the visit, as any visit).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import FieldVisit, VisitEvent

_S = FieldVisit.Status
_E = VisitEvent.Action


class Party(models.TextChoices):
    """Who someone is to a visit (access decides it for a user and a visit)."""

    GROUP = "group", _("tổ giúp việc")  # members of the assignment's working group
    LEADER = "leader", _("lãnh đạo phụ trách xã")  # the leader assigned to the commune
    OFFICE = "office", _("văn phòng điều phối")


@dataclass(frozen=True)
class Step:
    name: str
    verb: str  # "Không thể %(verb)s…", "Bạn không có quyền %(verb)s…"
    # Party → the states from which that party may take the step.
    may: dict
    target: str | None = None  # None: the visit keeps its state (an edit)
    event: str | None = None  # the VisitEvent.Action the step records

    @property
    def sources(self):
        """Every state the step starts from, for someone."""
        return frozenset().union(*self.may.values())

    def parties_from(self, status):
        """The parties who may take the step from `status`."""
        return [party for party, states in self.may.items() if status in states]


STEPS = {
    step.name: step
    for step in (
        Step(
            "edit",
            _("sửa"),
            # A deleted draft is edited by no one: the office restores it first.
            {
                Party.GROUP: frozenset({_S.DRAFT, _S.RETURNED}),
                Party.OFFICE: frozenset(_S) - {_S.DELETED},
            },
        ),
        Step(
            "submit",
            _("gửi văn phòng"),
            {Party.GROUP: frozenset({_S.DRAFT, _S.RETURNED}), Party.OFFICE: frozenset({_S.DRAFT})},
            _S.SUBMITTED,
            _E.SUBMITTED,
        ),
        # The group's answer to the office's comment goes back to the office with the visit.
        Step(
            "answer",
            _("trả lời và gửi lại văn phòng"),
            {Party.GROUP: frozenset({_S.RETURNED})},
            _S.SUBMITTED,
            _E.ANSWERED,
        ),
        Step(
            "confirm",
            _("xác nhận"),
            {Party.LEADER: frozenset({_S.SUBMITTED}), Party.OFFICE: frozenset({_S.SUBMITTED})},
            _S.CONFIRMED,
            _E.CONFIRMED,
        ),
        Step(
            "return",
            _("trả lại"),
            {Party.OFFICE: frozenset({_S.SUBMITTED, _S.CONFIRMED})},
            _S.RETURNED,
            _E.RETURNED,
        ),
        # A draft made by mistake leaves every list and figure; nothing is removed.
        Step(
            "delete",
            _("xoá bản nháp"),
            {Party.GROUP: frozenset({_S.DRAFT}), Party.OFFICE: frozenset({_S.DRAFT})},
            _S.DELETED,
            _E.DELETED,
        ),
        Step(
            "restore",
            _("khôi phục"),
            {Party.OFFICE: frozenset({_S.DELETED})},
            _S.DRAFT,
            _E.RESTORED,
        ),
    )
}

# The states in which the group still holds the visit (may change it).
EDITABLE_BY_GROUP = STEPS["edit"].may[Party.GROUP]
