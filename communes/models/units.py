"""Administrative units (provinces, districts, communes) of both maps, and their lineage."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import formats

from .. import text
from ..reference import REFORM_DAY


class Era(models.TextChoices):
    """Which administrative map a unit belongs to: codes are reused across the 2025 reform."""

    PRE_2025 = "pre2025", _("Trước 01/07/2025 (có cấp huyện)")
    FROM_2025 = "2025", _("Từ 01/07/2025 (không có cấp huyện)")


class Map(models.TextChoices):
    """How a figure is read: on the map of its time or on today's (the ``?map=`` of pages).

    On the old map records are counted on the unit they were made for, grouped by old
    province and district (how the 2021–2025 reports were made). On the current map
    they roll up to the unit that exists now (``Commune.current_unit``), old district
    shown as a label. Both maps count the same records, so their totals are equal.
    """

    CURRENT = "current", _("Bản đồ hiện nay (từ 01/07/2025)")
    OLD = "old", _("Bản đồ cũ (trước 01/07/2025, theo huyện)")

    @classmethod
    def default(cls, today=None):
        """The current map from the reform day on, the old one before it."""
        today = today or timezone.localdate()
        return cls.CURRENT if today >= REFORM_DAY else cls.OLD

    @classmethod
    def parse(cls, value, today=None):
        """The map a ``?map=`` value names, else the default (never an error page)."""
        return cls(value) if value in cls.values else cls.default(today)

    @classmethod
    def of_year(cls, year):
        """The map a year's results are recorded on: the old xã up to 2025 (the 2021–2025
        programme's last year is assessed on them), today's units from 2026."""
        return cls.OLD if year <= REFORM_DAY.year else cls.CURRENT

    @property
    def era(self):
        return Era.FROM_2025 if self == Map.CURRENT else Era.PRE_2025

    def unit(self, path="commune"):
        """The field path of a record's unit on this map: ``path`` on the old map,
        ``path__current_unit`` (the unit it rolled up to) on the current one."""
        return f"{path}__current_unit" if self == Map.CURRENT else path


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
        on = on or timezone.localdate()
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


class DistrictQuerySet(models.QuerySet):
    def in_programme(self):
        """The districts of the 2021–2025 programme: those with a commune in it.

        Every page and export that offers or counts "the programme's districts"
        reads this (the dashboard, the lists' filters, the reports' forms), so a
        district the dashboard links to is one the lists accept. EXISTS, not a
        join with DISTINCT: 700 districts, not 10,000 communes, at national scale.
        """
        communes = Commune.objects.in_programme().filter(district=OuterRef("pk"))
        return self.filter(Exists(communes))


class DistrictManager(UnitManager.from_queryset(DistrictQuerySet)):
    """The queryset's filters on the manager, plus lookup by natural key."""


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

    objects = DistrictManager()

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
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )

    def in_programme(self, map=None):
        """The programme's units on a map (default: the old one).

        Old map: the rural communes of the 2021–2025 programme, including those
        merged since. Current map: the units that exist now and are xã, or hold
        one of those (an old xã merged into a phường brings its records there), so
        that both maps count the same records.
        """
        old = self.rural().in_era(Era.PRE_2025)
        if map is None or map == Map.OLD:
            return old
        rolled_up = Commune.objects.rural().in_era(Era.PRE_2025).values("current_unit")
        return self.in_era(Era.FROM_2025).filter(Q(kind=Commune.Kind.RURAL) | Q(pk__in=rolled_up))

    def on_map(self, map):
        """Every unit of a map (any kind)."""
        return self.in_era(Map(map).era)

    def rolled_up_to(self, unit):
        """The units whose records count for ``unit`` today: itself and its predecessors
        (one query however many there are, through ``current_unit``)."""
        return self.filter(current_unit=unit)

    def search(self, query):
        """Accent-insensitive search on the name ("ban vuoc" finds "Bản Vược")."""
        return self.filter(search_name__contains=text.search_key(query))

    def vietnamese_order(self):
        return self.order_by("sort_name", "code")


class CommuneManager(UnitManager.from_queryset(CommuneQuerySet)):
    """The queryset's filters on the manager, plus lookup by natural key."""


class Commune(NamedUnit):
    class Kind(models.TextChoices):
        # The kind of unit before its name ("Xã Bản Phố": a commune); the menu's "Xã"
        # is the list of communes, another word in English.
        RURAL = "xa", pgettext_lazy("loại đơn vị", "Xã")
        WARD = "phuong", pgettext_lazy("loại đơn vị", "Phường")
        TOWNSHIP = "thi_tran", pgettext_lazy("loại đơn vị", "Thị trấn")

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
    current_unit = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="rolled_up",
        verbose_name=_("đơn vị hiện nay"),
        help_text=_(
            "Đơn vị đang tồn tại mà hồ sơ của đơn vị này được tính vào: chính nó nếu còn "
            "tồn tại, nếu không là đơn vị kế thừa cuối cùng theo lịch sử sáp nhập. Tính từ "
            "các thay đổi địa giới (communes.lineage), không nhập tay."
        ),
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

    @property
    def has_ceased(self):
        """Merged into another unit: its records roll up to ``current_unit``."""
        return self.current_unit_id is not None and self.current_unit_id != self.pk


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
        return f"{self.predecessor.name} → {self.successor.name} ({formats.day(self.effective_on)})"

    def natural_key(self):
        return (*self.predecessor.natural_key(), *self.successor.natural_key(), self.effective_on)

    natural_key.dependencies = ["communes.commune"]
