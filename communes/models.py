"""Administrative units with their history, NTM criteria sets and assessments."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import text


class Era(models.TextChoices):
    """Which administrative map a unit belongs to: codes are reused across the 2025 reform."""

    PRE_2025 = "pre2025", _("Trước 01/07/2025 (có cấp huyện)")
    FROM_2025 = "2025", _("Từ 01/07/2025 (không có cấp huyện)")


class UnitManager(models.Manager):
    """Units are identified by code and era (fixtures carry no database ids)."""

    def get_by_natural_key(self, code, era):
        return self.get(code=code, era=era)


class NamedUnit(models.Model):
    """Fields shared by provinces, districts and communes."""

    code = models.CharField(_("mã TCTK"), max_length=5)
    name = models.CharField(_("tên"), max_length=100)
    era = models.CharField(_("thời kỳ"), max_length=8, choices=Era, default=Era.PRE_2025)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(
        _("hiệu lực đến"), null=True, blank=True, help_text=_("Ngày cuối cùng đơn vị tồn tại.")
    )
    search_name = models.CharField(max_length=100, editable=False, db_index=True)
    sort_name = models.CharField(max_length=400, editable=False, db_index=True)

    objects = UnitManager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_keys()
        super().save(*args, **kwargs)

    def refresh_keys(self):
        """Keys for accent-free search and Vietnamese alphabetical order.

        bulk_create skips save(), so callers that bulk insert call this first.
        """
        self.search_name = text.search_key(self.name)
        self.sort_name = text.sort_key(text.strip_prefix(text.clean(self.name)))

    def is_current(self, on=None):
        on = on or datetime.date.today()
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    def natural_key(self):
        return (self.code, self.era)


class Province(NamedUnit):
    class Meta:
        verbose_name = _("tỉnh")
        verbose_name_plural = _("tỉnh")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "era"], name="province_code_unique_per_era"),
        ]


class District(NamedUnit):
    class Kind(models.TextChoices):
        RURAL_DISTRICT = "huyen", _("Huyện")
        TOWN = "thi_xa", _("Thị xã")
        CITY = "thanh_pho", _("Thành phố")
        URBAN_DISTRICT = "quan", _("Quận")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("tỉnh")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind, default=Kind.RURAL_DISTRICT)

    class Meta:
        verbose_name = _("huyện")
        verbose_name_plural = _("huyện")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "era"], name="district_code_unique_per_era"),
        ]


class CommuneQuerySet(models.QuerySet):
    def rural(self):
        return self.filter(kind=Commune.Kind.RURAL)

    def in_era(self, era=Era.PRE_2025):
        return self.filter(era=era)

    def in_district(self, district):
        return self.filter(district=district)

    def current(self, on=None):
        on = on or datetime.date.today()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )

    def in_programme(self):
        """The rural communes of the 2021–2025 programme, including those merged since."""
        return self.rural().in_era(Era.PRE_2025)

    def search(self, query):
        """Accent-insensitive search on the name ("ban vuoc" finds "Bản Vược")."""
        return self.filter(search_name__contains=text.search_key(query))

    def vietnamese_order(self):
        return self.order_by("sort_name", "code")


class CommuneManager(UnitManager.from_queryset(CommuneQuerySet)):
    """The queryset's filters on the manager, plus lookup by natural key."""


class Commune(NamedUnit):
    class Kind(models.TextChoices):
        RURAL = "xa", _("Xã")
        WARD = "phuong", _("Phường")
        TOWNSHIP = "thi_tran", _("Thị trấn")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("tỉnh")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="communes",
        null=True,
        blank=True,
        verbose_name=_("huyện"),
        help_text=_("Trống với đơn vị sau 01/07/2025 (không còn cấp huyện)."),
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind, default=Kind.RURAL)
    target_year = models.PositiveSmallIntegerField(
        _("năm phấn đấu đạt chuẩn NTM"), null=True, blank=True
    )

    objects = CommuneManager()

    class Meta:
        verbose_name = _("xã")
        verbose_name_plural = _("xã")
        ordering = ["sort_name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "era"], name="commune_code_unique_per_era"),
        ]

    def __str__(self):
        prefix = self.get_kind_display()
        if self.district_id is None:
            return f"{prefix} {self.name}"
        return f"{prefix} {self.name} ({self.district.name})"


class CommuneChangeManager(models.Manager):
    def get_by_natural_key(self, pred_code, pred_era, succ_code, succ_era, effective_on):
        return self.get(
            predecessor__code=pred_code,
            predecessor__era=pred_era,
            successor__code=succ_code,
            successor__era=succ_era,
            effective_on=effective_on,
        )


class CommuneChange(models.Model):
    """Lineage: on `effective_on`, `predecessor` became (part of) `successor`."""

    class Kind(models.TextChoices):
        MERGED = "merged", _("Sáp nhập vào")
        RENAMED = "renamed", _("Đổi tên thành")
        SPLIT = "split", _("Chia tách thành")
        # One old unit became one new unit of the 2025 map (same area, new unit).
        REORGANISED = "reorganised", _("Chuyển thành đơn vị mới")

    predecessor = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="successions", verbose_name=_("đơn vị cũ")
    )
    successor = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        related_name="predecessions",
        verbose_name=_("đơn vị mới"),
    )
    kind = models.CharField(_("hình thức"), max_length=12, choices=Kind, default=Kind.MERGED)
    effective_on = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)

    objects = CommuneChangeManager()

    class Meta:
        verbose_name = _("thay đổi địa giới")
        verbose_name_plural = _("thay đổi địa giới")
        ordering = ["effective_on", "predecessor__sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "effective_on"], name="commune_change_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="commune_change_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.predecessor.name} → {self.successor.name} ({self.effective_on:%d/%m/%Y})"

    def natural_key(self):
        return (*self.predecessor.natural_key(), *self.successor.natural_key(), self.effective_on)

    natural_key.dependencies = ["communes.commune"]


class CriteriaSetManager(models.Manager):
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

    objects = NumberedInSetManager()

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
        return f"{self.commune.name}: {self.get_level_display()} ({self.decided_on:%d/%m/%Y})"
