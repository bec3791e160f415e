"""Programme periods (2021–2025, 2026–2030), their commune groups, and each commune's group.

A period is a record with its years, its recognition levels and its criteria sets
(``CriteriaSet.period``); every page that takes a year asks ``Period.objects.of_year``
which period and set that year belongs to. From 2026 a criterion's requirement
differs by commune group (nhóm 1 / 2 / 3, Decision 51/2025/QĐ-TTg): the period
holds the groups' definitions, and the office sets each commune's group for the
period with its basis (``CommuneGroup``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .units import Commune


class Level(models.TextChoices):
    """Recognition levels of every period; a period lists the ones it has (Period.levels)."""

    NTM = "ntm", _("Xã nông thôn mới")
    ADVANCED = "nang_cao", _("Xã nông thôn mới nâng cao")
    MODEL = "kieu_mau", _("Xã nông thôn mới kiểu mẫu")
    MODERN = "hien_dai", _("Xã nông thôn mới hiện đại (thí điểm)")


class PeriodQuerySet(models.QuerySet):
    def of_year(self, year):
        """The period a year belongs to, or None (a year before 2021 or after the last period)."""
        if year is None:
            return None
        return self.filter(first_year__lte=year, last_year__gte=year).first()

    def years(self):
        """Every year of every period, oldest first."""
        years = set()
        for first, last in self.order_by().values_list("first_year", "last_year"):
            years.update(range(first, last + 1))
        return sorted(years)


class PeriodManager(models.Manager.from_queryset(PeriodQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Period(models.Model):
    code = models.SlugField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên giai đoạn"), max_length=255)
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    levels = models.JSONField(
        _("các mức công nhận"),
        default=list,
        help_text=_('Mã các mức công nhận của giai đoạn, ví dụ ["ntm", "hien_dai"].'),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    objects = PeriodManager()

    class Meta:
        verbose_name = _("giai đoạn chương trình")
        verbose_name_plural = _("giai đoạn chương trình")
        ordering = ["first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")), name="period_years_ordered"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    @property
    def years(self):
        return range(self.first_year, self.last_year + 1)

    @property
    def label(self):
        return f"{self.first_year}–{self.last_year}"

    @property
    def has_groups(self):
        """Whether requirements differ by commune group (2026–2030) or not (2021–2025)."""
        return bool(self.group_definitions.all())

    def level_choices(self):
        return [(code, label) for code, label in Level.choices if code in self.levels]

    def clean(self):
        unknown = sorted(set(self.levels or []) - set(Level.values))
        if unknown:
            raise ValidationError({"levels": _("Mức công nhận không có: %s") % ", ".join(unknown)})


class GroupDefinitionManager(models.Manager):
    def get_by_natural_key(self, period_code, number):
        return self.get(period__code=period_code, number=number)


class GroupDefinition(models.Model):
    """What commune group n of a period means (three groups from 2026, none before)."""

    period = models.ForeignKey(
        Period,
        on_delete=models.CASCADE,
        related_name="group_definitions",
        verbose_name=_("giai đoạn"),
    )
    number = models.PositiveSmallIntegerField(_("nhóm"))
    definition = models.TextField(_("tiêu chí phân nhóm"))

    objects = GroupDefinitionManager()

    class Meta:
        verbose_name = _("định nghĩa nhóm xã")
        verbose_name_plural = _("định nghĩa nhóm xã")
        ordering = ["period", "number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="group_definition_unique"),
        ]

    def __str__(self):
        return _("Nhóm %(n)s") % {"n": self.number}

    def natural_key(self):
        return (*self.period.natural_key(), self.number)

    natural_key.dependencies = ["communes.period"]


class CommuneGroup(models.Model):
    """Which group (nhóm 1 / 2 / 3) a commune is in for a period, and why (set by the office)."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="groups", verbose_name=_("xã")
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="commune_groups", verbose_name=_("giai đoạn")
    )
    number = models.PositiveSmallIntegerField(
        _("nhóm"), choices=[(1, _("Nhóm 1")), (2, _("Nhóm 2")), (3, _("Nhóm 3"))]
    )
    basis = models.CharField(
        _("căn cứ phân nhóm"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: khu vực III theo Quyết định 2752/QĐ-UBND ngày 31/12/2025."),
    )
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhóm xã")
        verbose_name_plural = _("nhóm xã")
        ordering = ["period", "commune__sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "period"], name="commune_group_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=3), name="commune_group_number_1_3"
            ),
        ]

    def __str__(self):
        return f"{self.commune} – {self.period.label}: {self.get_number_display()}"
