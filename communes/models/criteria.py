"""NTM criteria sets, with their groups, criteria and indicators."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..reference import NTM_SET


class CriteriaSetQuerySet(models.QuerySet):
    def programme(self):
        """The set of the 2021–2025 programme (Decision 318/QĐ-TTg, 19 criteria): one row,
        none before ``load_reference``. The one place that says which set it is."""
        return self.filter(code=NTM_SET)

    def years(self):
        """The years the sets apply to, oldest first: [2021, …, 2025] for programme().

        Callers that offer the newest first reverse it themselves.
        """
        years = set()
        for first, last in self.order_by().values_list("first_year", "last_year"):
            years.update(range(first, last + 1))
        return sorted(years)


class CriteriaSetManager(models.Manager.from_queryset(CriteriaSetQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class CriteriaSet(models.Model):
    class Level(models.TextChoices):
        NTM = "ntm", _("Xã nông thôn mới")
        ADVANCED = "nang_cao", _("Xã nông thôn mới nâng cao")
        MODEL = "kieu_mau", _("Xã nông thôn mới kiểu mẫu")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    level = models.CharField(_("mức"), max_length=10, choices=Level, default=Level.NTM)
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)
    is_provincial = models.BooleanField(_("bộ tiêu chí của tỉnh"), default=False)
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))

    objects = CriteriaSetManager()

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["-first_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="criteria_set_years_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class NumberedInSetManager(models.Manager):
    """Groups and criteria are identified by their set's code and their number."""

    def get_by_natural_key(self, criteria_set_code, number):
        return self.get(criteria_set__code=criteria_set_code, number=number)


class CriterionQuerySet(models.QuerySet):
    def programme(self):
        """The criteria of the programme's set (CriteriaSet.objects.programme())."""
        return self.filter(criteria_set__code=NTM_SET)


class CriterionManager(NumberedInSetManager.from_queryset(CriterionQuerySet)):
    """The queryset's filters on the manager, plus lookup by natural key."""


class CriterionGroup(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="groups", verbose_name=_("bộ tiêu chí")
    )
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    name = models.CharField(_("tên nhóm"), max_length=200)

    objects = NumberedInSetManager()

    class Meta:
        verbose_name = _("nhóm tiêu chí")
        verbose_name_plural = _("nhóm tiêu chí")
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "number"], name="criterion_group_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.roman}. {self.name}"

    @property
    def roman(self):
        numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        # A number the sets do not use (0, 11 typed in the admin) is shown as it is.
        return numerals[self.number - 1] if 0 < self.number <= len(numerals) else str(self.number)

    def natural_key(self):
        return (*self.criteria_set.natural_key(), self.number)

    natural_key.dependencies = ["communes.criteriaset"]


class Criterion(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("bộ tiêu chí"),
    )
    group = models.ForeignKey(
        CriterionGroup, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("nhóm")
    )
    number = models.PositiveSmallIntegerField(_("số"))
    name = models.CharField(_("tên tiêu chí"), max_length=200)

    objects = CriterionManager()

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "number"], name="criterion_number_unique_per_set"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def natural_key(self):
        return (*self.criteria_set.natural_key(), self.number)

    natural_key.dependencies = ["communes.criteriaset"]


class Indicator(models.Model):
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("tiêu chí")
    )
    code = models.CharField(_("số hiệu"), max_length=10, help_text=_("Ví dụ 17.8"))
    name = models.CharField(_("nội dung chỉ tiêu"), max_length=500)
    threshold = models.CharField(_("mức đạt"), max_length=200, blank=True)
    unit = models.CharField(_("đơn vị"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["criterion", "code"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="indicator_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"
