"""A leader's assignment to a commune under a decision, and the figures of the assignments list."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune

from .decisions import Decision
from .people import Leader, WorkingGroup


def stale_cutoff(today=None, days=None):
    """The last visit must be on or after this day, or the assignment counts as stale."""
    today = today or timezone.localdate()
    days = settings.NTM_STALE_VISIT_DAYS if days is None else days
    return today - datetime.timedelta(days=days)


class AssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        if on is None:
            return self.filter(ended_on__isnull=True)
        return self.filter(started_on__lte=on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=on)
        )

    def with_visit_clock(self):
        """Annotate what the stale rule counts from:

        * `last_group_visit_on`: the last confirmed visit (FieldVisit.objects.counted) to the
          assignment's commune by its working group, whichever assignment the visit was
          recorded under (the group kept on under another decision, or before a hand-over
          that kept the group); an assignment without a group: its own visits;
        * `visit_clock_from`: the later of that visit and the assignment's start. An
          assignment that started today has had no time to visit yet.
        """
        # The commune first (indexed), then the group or the assignment itself.
        visits = (
            FieldVisit.objects.counted()
            .filter(assignment__commune=OuterRef("commune"))
            .filter(
                Q(assignment__working_group=OuterRef("working_group"))
                | Q(assignment=OuterRef("pk"))
            )
        )
        last = Subquery(visits.order_by("-visited_on").values("visited_on")[:1])
        return self.annotate(last_group_visit_on=last).annotate(
            visit_clock_from=Greatest("started_on", Coalesce("last_group_visit_on", "started_on"))
        )

    def stale(self, today=None, days=None):
        """Active assignments not visited for more than `days` (default NTM_STALE_VISIT_DAYS)
        days, counted from the later of their start and their group's last confirmed visit to
        the commune (with_visit_clock). The one rule of the dashboard card, the assignments
        list's filter, the agency page and the alerts digest."""
        cutoff = stale_cutoff(today, days)
        return self.active().with_visit_clock().filter(visit_clock_from__lt=cutoff)

    def with_open_recommendations(self):
        return self.filter(
            Exists(Recommendation.objects.unresolved().filter(visit__assignment=OuterRef("pk")))
        )

    def with_overdue_recommendations(self, today=None):
        overdue = Recommendation.objects.overdue(today).filter(visit__assignment=OuterRef("pk"))
        return self.filter(Exists(overdue))

    def for_list(self, today=None):
        """The assignments list (page, table, export): rows with their visit and support figures."""
        today = today or timezone.localdate()
        visits = FieldVisit.objects.counted().filter(assignment=OuterRef("pk"))
        recommendations = Recommendation.objects.unresolved().filter(
            visit__assignment=OuterRef("pk")
        )
        supports = Support.objects.counted().filter(visit__assignment=OuterRef("pk"))
        return (
            self.select_related("decision", "leader__agency", "commune__district")
            .annotate(
                visits_this_year=subquery_total(
                    visits.filter(visited_on__year=today.year), "COUNT"
                ),
                last_visit_on=Subquery(visits.order_by("-visited_on").values("visited_on")[:1]),
                support_total=subquery_total(supports, "SUM", "amount_vnd"),
                open_recommendations=subquery_total(recommendations, "COUNT"),
                overdue_recommendations=subquery_total(recommendations.overdue(today), "COUNT"),
            )
            .order_by("commune__sort_name", "-started_on", "pk")
        )


class Assignment(models.Model):
    class EndReason(models.TextChoices):
        TRANSFERRED = "transferred", _("Điều động, chuyển công tác")
        RETIRED = "retired", _("Nghỉ hưu")
        AMENDED = "amended", _("Quyết định sửa đổi")
        MERGED = "merged", _("Xã sáp nhập")
        # The 2025 reform: the commune ceased, the assignment went on at its successor.
        REORGANISED = "reorganised", _("Đơn vị hành chính sắp xếp lại")
        OTHER = "other", _("Lý do khác")

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("quyết định")
    )
    leader = models.ForeignKey(
        Leader, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("lãnh đạo")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("xã")
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("tổ giúp việc"),
    )
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    end_reason = models.CharField(_("lý do kết thúc"), max_length=12, choices=EndReason, blank=True)
    end_note = models.CharField(_("ghi chú kết thúc"), max_length=500, blank=True)
    successor = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessor",
        verbose_name=_("phân công kế tiếp"),
    )
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["commune__sort_name", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "decision"],
                condition=Q(ended_on__isnull=True),
                name="assignment_one_active_per_commune_and_decision",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="assignment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="assignment_ended_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.leader} → {self.commune.name} ({self.decision})"

    @property
    def is_active(self):
        return self.ended_on is None


# The visits' models point to Assignment, so they are defined after it (keeping the
# models' order); AssignmentQuerySet reads them only when it runs.
from .visits import FieldVisit, Recommendation, Support, subquery_total  # noqa: E402
