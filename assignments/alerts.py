"""The alerts digest: per agency, its assignments without a recent visit and its
overdue recommendations, as the dashboard and the agency page count them.

Used by `manage.py send_alerts`, which prints the digests or e-mails them.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import formats

from .models import Agency, Assignment, Leader, Member, Recommendation


@dataclass
class Digest:
    agency: Agency
    today: datetime.date
    days: int
    stale: list = field(default_factory=list)  # assignments, with last_group_visit_on
    overdue: list = field(default_factory=list)  # recommendations
    recipients: list = field(default_factory=list)  # e-mail addresses

    def __bool__(self):
        return bool(self.stale or self.overdue)

    @property
    def subject(self):
        return _("[NTM Portal] %(agency)s: %(stale)s, %(overdue)s") % {
            "agency": self.agency.short_name or self.agency.name,
            "stale": ngettext(
                "%(n)d xã quá %(days)d ngày chưa đi cơ sở",
                "%(n)d xã quá %(days)d ngày chưa đi cơ sở",
                len(self.stale),
            )
            % {"n": len(self.stale), "days": self.days},
            "overdue": ngettext(
                "%(n)d kiến nghị quá hạn", "%(n)d kiến nghị quá hạn", len(self.overdue)
            )
            % {"n": len(self.overdue)},
        }

    @property
    def text(self):
        day = formats.day
        lines = [
            _("Cơ quan: %(agency)s") % {"agency": self.agency.name},
            _("Tình hình đến ngày %(date)s") % {"date": day(self.today)},
            "",
            _("1. Phân công quá %(days)d ngày chưa đi cơ sở (kể cả chưa đi lần nào): %(n)d")
            % {"days": self.days, "n": len(self.stale)},
        ]
        for a in self.stale:
            # What the rule counted from (Assignment.objects.with_visit_clock).
            if a.last_group_visit_on and a.last_group_visit_on >= a.started_on:
                last = _("lần gần nhất %(date)s") % {"date": day(a.last_group_visit_on)}
            else:
                last = _("chưa đi lần nào từ ngày nhận phân công %(date)s") % {
                    "date": day(a.started_on)
                }
            lines.append(
                _("   - Xã %(commune)s%(district)s – %(leader)s: %(last)s")
                % {
                    "commune": a.commune.name,
                    "district": f" ({a.commune.district.name})" if a.commune.district else "",
                    "leader": a.leader.full_name,
                    "last": last,
                }
            )
        lines += [
            "",
            _("2. Kiến nghị quá hạn chưa giải quyết: %(n)d") % {"n": len(self.overdue)},
        ]
        for r in self.overdue:
            lines.append(
                _("   - Hạn %(due)s · xã %(commune)s: %(text)s (%(status)s; chuyến %(visit)s)")
                % {
                    "due": day(r.due_on),
                    "commune": r.visit.assignment.commune.name,
                    "text": Truncator(" ".join(r.text.split())).words(25),
                    "status": r.get_status_display(),
                    "visit": day(r.visit.visited_on),
                }
            )
        lines += [
            "",
            _("Thư này do NTM Portal gửi tự động; số liệu như trên trang Tổng quan."),
        ]
        return "\n".join(lines)


def digests(today=None, days=None, agency=None):
    """One Digest per agency that has something to report, agencies by name."""
    today = today or timezone.localdate()
    days = settings.NTM_STALE_VISIT_DAYS if days is None else days
    stale = Assignment.objects.stale(today, days).select_related(
        "commune__district", "leader__agency"
    )
    overdue = (
        Recommendation.objects.overdue(today)
        .select_related("visit__assignment__commune", "visit__assignment__leader__agency")
        .order_by("due_on", "pk")
    )
    if agency is not None:
        stale = stale.filter(leader__agency=agency)
        overdue = overdue.filter(visit__assignment__leader__agency=agency)
    found = {}
    for a in stale.order_by("commune__sort_name", "pk"):
        agency_ = a.leader.agency
        found.setdefault(agency_.pk, Digest(agency_, today, days)).stale.append(a)
    for r in overdue:
        agency_ = r.visit.assignment.leader.agency
        found.setdefault(agency_.pk, Digest(agency_, today, days)).overdue.append(r)
    result = sorted(found.values(), key=lambda d: d.agency.name)
    _add_recipients(result, today)
    return result


def _add_recipients(found, today):
    """Its leaders' e-mail and its groups' members' account e-mail, per agency (two queries)."""
    by_agency = {d.agency.pk: set() for d in found}
    leaders = Leader.objects.filter(agency__in=list(by_agency)).exclude(email="")
    for agency_id, email in leaders.values_list("agency_id", "email"):
        by_agency[agency_id].add(email)
    members = (
        Member.objects.filter(group__agency__in=list(by_agency), user__isnull=False)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=today))
        .filter(user__is_active=True)
        .exclude(user__email="")
    )
    for agency_id, email in members.values_list("group__agency_id", "user__email"):
        by_agency[agency_id].add(email)
    for digest in found:
        digest.recipients = sorted(by_agency[digest.agency.pk], key=str.lower)


def agencies_without_anything(found, agency=None):
    """How many agencies were skipped for having nothing to report."""
    agencies = Agency.objects.all() if agency is None else Agency.objects.filter(pk=agency.pk)
    return agencies.count() - len(found)
