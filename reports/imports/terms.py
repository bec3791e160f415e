"""Which decision an annex file is, and from which day its new pairs take effect.

The office answers when it uploads (the page's form, `import_excel`'s options):

* the file is the annex of the chosen decision itself (the original decision's
  own annex): a commune without a pair gets one from the decision's issue date
  (or from the effective day when that date is unknown, as a first import
  always did); a pair that replaces one in force takes effect from the
  effective day, by default the day of the upload, and the replaced
  assignment ends with reason "other" and a note naming the file;
* or the file is the annex of a decision amending the chosen one (number, date
  issued, title): that decision is created on confirm, as amend_decision
  creates one, every new pair is under it from the effective day (by default
  its issue date), and each replaced assignment ends with reason "amended" and
  a note naming it.

Either way a replaced assignment ends the day before its successor starts
(assignments.services.succession.succeed).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.models import Assignment
from assignments.services import succession
from assignments.services.errors import WorkflowError, plausible
from core.formats import day

ONE_DAY = datetime.timedelta(days=1)


class TermsError(ValueError):
    """The decision or the day given for an annex cannot be used; the message says why."""


@dataclass(frozen=True)
class AnnexTerms:
    effective_on: datetime.date
    amendment_number: str = ""
    amendment_issued_on: datetime.date | None = None
    amendment_title: str = ""

    @property
    def amends(self):
        return bool(self.amendment_number)

    @property
    def end_reason(self):
        return Assignment.EndReason.AMENDED if self.amends else Assignment.EndReason.OTHER

    def new_pair_start(self, decision, ended=None):
        """The day a commune without a pair in force gets one.

        `ended` is the day the commune's latest earlier pair ended, if any. None
        when no day works (the effective day is not after `ended`).
        """
        if not self.amends and decision.issued_on and (ended is None or ended < decision.issued_on):
            return decision.issued_on
        if ended is not None and self.effective_on <= ended:
            return None
        return self.effective_on

    def describe(self, decision):
        """One sentence for the preview and the command: which decision, from when."""
        values = {
            "decision": decision.number,
            "effective": day(self.effective_on),
            "ended": day(self.effective_on - ONE_DAY),
            "reason": Assignment.EndReason(self.end_reason).label,
        }
        if self.amends:
            values.update(number=self.amendment_number, issued=day(self.amendment_issued_on))
            return (
                _(
                    "Phụ lục của Quyết định %(number)s ngày %(issued)s sửa đổi, bổ sung Quyết "
                    "định %(decision)s (quyết định này được ghi khi xác nhận). Các cặp mới có "
                    "hiệu lực từ ngày %(effective)s; phân công được thay thế kết thúc ngày "
                    "%(ended)s (lý do: %(reason)s)."
                )
                % values
            )
        values["start"] = day(decision.issued_on or self.effective_on)
        return (
            _(
                "Phụ lục của chính Quyết định %(decision)s. Xã chưa có phân công được phân công "
                "từ ngày %(start)s; cặp thay cho phân công đang hiệu lực có hiệu lực từ ngày "
                "%(effective)s, phân công cũ kết thúc ngày %(ended)s (lý do: %(reason)s)."
            )
            % values
        )


def resolve(decision, *, effective_on=None, amendment=None, today=None):
    """The AnnexTerms of an upload into `decision`, or TermsError.

    `amendment` is None (the decision's own annex) or {"number", "issued_on", "title"}.
    """
    try:
        plausible(effective_on)
        if amendment is None:
            return AnnexTerms(effective_on=effective_on or today or timezone.localdate())
        number, title = succession.check_amendment(
            decision,
            number=amendment.get("number"),
            issued_on=amendment.get("issued_on"),
            title=amendment.get("title"),
        )
    except WorkflowError as error:
        raise TermsError(str(error)) from error
    issued_on = amendment["issued_on"]
    return AnnexTerms(
        effective_on=effective_on or issued_on,
        amendment_number=number,
        amendment_issued_on=issued_on,
        amendment_title=title,
    )


def store(batch, terms):
    batch.effective_on = terms.effective_on
    batch.amendment_number = terms.amendment_number
    batch.amendment_issued_on = terms.amendment_issued_on
    batch.amendment_title = terms.amendment_title


def of(batch):
    """The terms the batch was previewed with (a batch from before they existed: its own
    decision's annex, effective on the day it was uploaded)."""
    return AnnexTerms(
        effective_on=batch.effective_on or timezone.localdate(batch.uploaded_at),
        amendment_number=batch.amendment_number,
        amendment_issued_on=batch.amendment_issued_on,
        amendment_title=batch.amendment_title,
    )
