"""The people of the assignments: agencies, their leaders, and the working groups (with
their members) that advise a leader."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes import text


class Agency(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "co_quan", _("Cơ quan")
        UNIT = "don_vi", _("Đơn vị sự nghiệp")
        ENTERPRISE = "doanh_nghiep", _("Doanh nghiệp")
        ORGANISATION = "to_chuc", _("Tổ chức chính trị – xã hội")

    name = models.CharField(_("tên cơ quan, đơn vị"), max_length=255, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    kind = models.CharField(_("loại"), max_length=15, choices=Kind, default=Kind.AGENCY)
    bloc = models.CharField(
        _("khối"), max_length=100, blank=True, default="Khối Cơ quan – Doanh nghiệp tỉnh"
    )
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False, editable=False)

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        self.search_name = text.search_key(f"{self.name} {self.short_name}")
        super().save(*args, **kwargs)

    @property
    def long_name(self):
        """The name, and after it the abbreviation people also know: "Sở Tài chính (STC)"."""
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name


class Leader(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=100)
    position = models.CharField(_("chức vụ"), max_length=200)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="leaders", verbose_name=_("cơ quan")
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leader",
        verbose_name=_("tài khoản"),
    )
    search_name = models.CharField(max_length=100, editable=False, db_index=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False, editable=False)
    # Name, position and agency change by import and in the admin: the history says from where.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lãnh đạo")
        verbose_name_plural = _("lãnh đạo")
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_name = text.search_key(self.full_name)
        super().save(*args, **kwargs)


class WorkingGroup(models.Model):
    """An agency's group that advises its leader; it carries over when the leader changes."""

    name = models.CharField(_("tên tổ"), max_length=255)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="working_groups", verbose_name=_("cơ quan")
    )
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False, editable=False)

    class Meta:
        verbose_name = _("tổ giúp việc")
        verbose_name_plural = _("tổ giúp việc")
        ordering = ["agency__name", "name"]

    def __str__(self):
        return self.name

    @classmethod
    def name_for(cls, agency, commune):
        """The name a group of `agency` for `commune` gets, as the office writes it.

        Stored data, always in Vietnamese whatever the interface language.
        """
        name = f"Tổ giúp việc {agency.short_name or agency.name} – xã {commune.name}"
        return name[: cls._meta.get_field("name").max_length]


class Member(models.Model):
    class Role(models.TextChoices):
        HEAD = "to_truong", _("Tổ trưởng")
        DEPUTY = "to_pho", _("Tổ phó")
        MEMBER = "thanh_vien", _("Thành viên")

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("tổ")
    )
    full_name = models.CharField(_("họ và tên"), max_length=100)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    role = models.CharField(_("vai trò"), max_length=12, choices=Role, default=Role.MEMBER)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("tài khoản"),
    )
    joined_on = models.DateField(_("tham gia từ"), null=True, blank=True)
    left_on = models.DateField(_("rời tổ ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("thành viên tổ")
        verbose_name_plural = _("thành viên tổ")
        ordering = ["group", "role", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="member_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_role_display()})"
