"""A commune's results: its assessments per criterion and year, the scores derived from
them, and its recognitions as meeting a standard."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import formats

from ..reference import NTM_SET
from .criteria import CriteriaSet, Criterion, Indicator
from .units import Commune


class AssessmentQuerySet(models.QuerySet):
    def programme(self):
        """Assessments against the programme's criteria (Criterion.objects.programme())."""
        return self.filter(criterion__criteria_set__code=NTM_SET)


class CriteriaScoreQuerySet(models.QuerySet):
    def programme(self):
        """Yearly results against the programme's set (CriteriaSet.objects.programme())."""
        return self.filter(criteria_set__code=NTM_SET)

    def in_their_period(self):
        """Yearly results against a commune NTM set of their year's own period (any version):
        what a year's figures read, so that they never mix two periods' sets (19 criteria
        up to 2025, 10 from 2026)."""
        return self.filter(
            criteria_set__level=CriteriaSet.Level.NTM,
            criteria_set__is_provincial=False,
            criteria_set__period__first_year__lte=models.F("year"),
            criteria_set__period__last_year__gte=models.F("year"),
        )


class Assessment(models.Model):
    """Whether a commune met one criterion in one year (the set is the criterion's)."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("xã")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("tiêu chí")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    met = models.BooleanField(_("đạt"), default=False)
    value = models.DecimalField(
        _("giá trị"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False, editable=False)
    history = HistoricalRecords()

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("đánh giá tiêu chí")
        verbose_name_plural = _("đánh giá tiêu chí")
        ordering = ["commune__sort_name", "-year", "criterion__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "criterion", "year"],
                name="assessment_unique_commune_criterion_year",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="assessment_year_plausible"
            ),
        ]
        indexes = [models.Index(fields=["year", "met"], name="assessment_year_met_idx")]

    def __str__(self):
        state = _("đạt") if self.met else _("chưa đạt")
        return f"{self.commune.name} – TC{self.criterion.number} – {self.year}: {state}"

    @property
    def criteria_set(self):
        return self.criterion.criteria_set

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the row was when read, so that moving an assessment to another
        # commune or year refreshes the score it leaves as well (communes.scores).
        instance._loaded_score_key = (
            instance.__dict__.get("commune_id"),
            instance.__dict__.get("year"),
        )
        return instance


class CriteriaScore(models.Model):
    """One commune's result against one criteria set in one year, derived from its assessments.

    A summary the lists and the dashboard read instead of counting 19 rows per
    commune: `assessed` and `met` criteria and `met_mask` (bit n set when
    criterion number n is met). Never edited by hand: communes.scores keeps it
    equal to the assessments in the same transaction as every change
    (`manage.py refresh_scores` rebuilds it and reports any drift).
    """

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="scores", verbose_name=_("xã")
    )
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="scores", verbose_name=_("bộ tiêu chí")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    assessed = models.PositiveSmallIntegerField(_("số tiêu chí được đánh giá"))
    met = models.PositiveSmallIntegerField(_("số tiêu chí đạt"))
    # Criteria numbered 1–62 (communes.scores.MASK_BITS); a set has about 20.
    met_mask = models.BigIntegerField(_("các tiêu chí đạt (bit theo số tiêu chí)"))

    objects = CriteriaScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("kết quả tổng hợp tiêu chí")
        verbose_name_plural = _("kết quả tổng hợp tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "criteria_set", "year"], name="criteria_score_unique"
            ),
            models.CheckConstraint(
                condition=Q(met__lte=models.F("assessed")), name="criteria_score_met_le_assessed"
            ),
        ]
        indexes = [
            models.Index(fields=["criteria_set", "year", "commune"], name="criteria_score_set_year")
        ]

    def __str__(self):
        return f"{self.commune_id} – {self.year}: {self.met}/{self.assessed}"

    def met_numbers(self):
        """The numbers of the criteria met, ascending."""
        return [n for n in range(self.met_mask.bit_length()) if self.met_mask >> n & 1]


class IndicatorResult(models.Model):
    """A commune's result on one indicator in one year (2026+): the value where the
    requirement is a number, and whether it is met for the commune's group.

    ``met`` is derived from the value when the commune's group has a numeric requirement
    (communes.evaluation), entered otherwise. The criterion's Assessment follows from
    its indicators' results (met when all are met).
    """

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="indicator_results", verbose_name=_("xã")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="results", verbose_name=_("chỉ tiêu")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    met = models.BooleanField(_("đạt"), default=False)
    value = models.DecimalField(
        _("giá trị"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết quả chỉ tiêu")
        verbose_name_plural = _("kết quả chỉ tiêu")
        ordering = ["commune__sort_name", "-year", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "indicator", "year"], name="indicator_result_unique"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="indicator_result_year_plausible"
            ),
        ]
        indexes = [models.Index(fields=["year", "commune"], name="indicator_result_year_idx")]

    def __str__(self):
        state = _("đạt") if self.met else _("chưa đạt")
        return f"{self.commune.name} – {self.indicator.code} – {self.year}: {state}"


class Recognition(models.Model):
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("xã")
    )
    level = models.CharField(_("mức công nhận"), max_length=10, choices=CriteriaSet.Level)
    decision_number = models.CharField(_("số quyết định"), max_length=50)
    decided_on = models.DateField(_("ngày quyết định"))
    note = models.TextField(_("ghi chú"), blank=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("công nhận đạt chuẩn")
        verbose_name_plural = _("công nhận đạt chuẩn")
        ordering = ["-decided_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "level", "decision_number"], name="recognition_unique"
            ),
        ]

    def __str__(self):
        return f"{self.commune.name}: {self.get_level_display()} ({formats.day(self.decided_on)})"
