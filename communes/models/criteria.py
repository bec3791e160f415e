"""NTM criteria sets, with their groups, criteria and indicators."""

import itertools

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..reference import NTM_SET
from .programme import Level, Period


class CriteriaSetQuerySet(models.QuerySet):
    def programme(self):
        """The set of the 2021–2025 programme (Decision 318/QĐ-TTg, 19 criteria): one row,
        none before ``load_reference``. The one place that says which set it is."""
        return self.filter(code=NTM_SET)

    def for_year(self, year):
        """The commune NTM set a year is assessed against: the newest version of its period's
        national set (2021–2025: Decision 318/QĐ-TTg; 2026–2030: Decision 51/2025/QĐ-TTg),
        or None for a year no period covers."""
        return self.of_year(year).first()

    def of_year(self, year):
        """The versions of the year's commune NTM set, newest first (``for_year`` is the
        first): a queryset, for a subquery (``of_year(y).values("pk")[:1]``)."""
        return self.filter(
            period__first_year__lte=year,
            period__last_year__gte=year,
            level=Level.NTM,
            is_provincial=False,
        ).order_by("-version")

    def commune_sets(self):
        """Every version of every period's commune NTM set (what yearly results are
        made against)."""
        return self.filter(level=Level.NTM, is_provincial=False)

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
    Level = Level

    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="criteria_sets",
        verbose_name=_("giai đoạn"),
    )
    version = models.PositiveSmallIntegerField(
        _("phiên bản"),
        default=1,
        help_text=_("Bộ đã có kết quả được duyệt không sửa được, chỉ thay bằng phiên bản mới."),
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("thay cho phiên bản"),
    )
    indicators_note = models.TextField(
        _("nguồn các chỉ tiêu"),
        blank=True,
        help_text=_("Chỉ tiêu lấy từ đâu, hoặc vì sao chưa có."),
    )
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
            models.UniqueConstraint(
                fields=["period", "level", "is_provincial", "version"],
                name="criteria_set_version_unique",
            ),
        ]

    def __str__(self):
        if self.version > 1:
            return _("%(name)s (phiên bản %(version)s)") % {
                "name": self.name,
                "version": self.version,
            }
        return self.name

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["communes.period"]

    @property
    def is_locked(self):
        """Whether approved results were made against the set: then it is replaced, not edited."""
        from .reviews import CommuneYear

        return CommuneYear.objects.filter(
            criteria_set=self, status=CommuneYear.Status.APPROVED
        ).exists()


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
        CriterionGroup,
        on_delete=models.PROTECT,
        related_name="criteria",
        verbose_name=_("nhóm"),
        null=True,
        blank=True,
        help_text=_("Nhóm tiêu chí (bộ 2021–2025 có 5 nhóm; bộ 2026–2030 không chia nhóm)."),
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


def indicator_order(code):
    """The sort key of an indicator number: "2.10" after "2.9", "17.8a" after "17.8.5" and
    before "17.8b" and "17.9".

    Three levels of 0–999 (the first up to 2000, to fit the column); a letter after a
    level's number is a next level of 901–926. Parts past the third are not told apart.
    """
    parts = []
    for part in str(code).strip().split("."):
        digits = "".join(itertools.takewhile(str.isdigit, part))
        parts.append(int(digits) if digits else 0)
        letter = part[len(digits) :].strip()[:1].lower()
        if letter.isalpha() and "a" <= letter <= "z":
            parts.append(900 + ord(letter) - ord("a") + 1)
    parts = (parts + [0, 0, 0])[:3]
    return min(parts[0], 2000) * 1_000_000 + min(parts[1], 999) * 1_000 + min(parts[2], 999)


class IndicatorManager(models.Manager):
    def get_by_natural_key(self, criteria_set_code, code):
        return self.get(criterion__criteria_set__code=criteria_set_code, code=code)


class Indicator(models.Model):
    """One indicator (chỉ tiêu) of a criterion, numbered like "2.3", with a requirement per
    commune group (``Requirement``) where its period has groups."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("tiêu chí")
    )
    code = models.CharField(_("số hiệu"), max_length=10, help_text=_("Ví dụ 17.8"))
    name = models.CharField(_("nội dung chỉ tiêu"), max_length=500)
    threshold = models.CharField(_("mức đạt"), max_length=200, blank=True)
    unit = models.CharField(_("đơn vị"), max_length=30, blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0, editable=False)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False, editable=False)

    objects = IndicatorManager()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["criterion", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="indicator_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.order = indicator_order(self.code)
        super().save(*args, **kwargs)


class Requirement(models.Model):
    """What an indicator requires of a commune of one group: the text as printed and, where it
    is a number, the target and how a value is compared with it."""

    class Comparison(models.TextChoices):
        AT_LEAST = ">=", _("≥ (từ … trở lên)")
        MORE_THAN = ">", _("> (trên …)")
        AT_MOST = "<=", _("≤ (không quá …)")
        LESS_THAN = "<", _("< (dưới …)")
        EQUAL = "=", _("= (bằng …)")

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=_("chỉ tiêu"),
    )
    group = models.PositiveSmallIntegerField(_("nhóm xã"))
    text = models.CharField(_("yêu cầu (như văn bản)"), max_length=500)
    comparison = models.CharField(_("so sánh"), max_length=2, choices=Comparison, blank=True)
    target = models.DecimalField(
        _("mức đạt (số)"), max_digits=14, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("yêu cầu theo nhóm xã")
        verbose_name_plural = _("yêu cầu theo nhóm xã")
        ordering = ["indicator", "group"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "group"], name="requirement_unique"),
            models.CheckConstraint(
                condition=(Q(comparison="") & Q(target__isnull=True))
                | (~Q(comparison="") & Q(target__isnull=False)),
                name="requirement_target_with_comparison",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} – nhóm {self.group}: {self.text}"

    @property
    def is_numeric(self):
        return bool(self.comparison) and self.target is not None

    def check_value(self, value):
        """Whether `value` meets a numeric requirement; None when it cannot say (no number)."""
        if not self.is_numeric or value is None:
            return None
        compare = {
            ">=": value >= self.target,
            ">": value > self.target,
            "<=": value <= self.target,
            "<": value < self.target,
            "=": value == self.target,
        }
        return compare[self.comparison]
