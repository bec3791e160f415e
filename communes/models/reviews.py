"""The office's review of a commune's yearly results: draft → submitted → approved, then locked.

A commune-year without a ``CommuneYear`` row is a draft. Approved results are read-only by
every path (communes.locks refuses the write); the approver can reopen one with a written
reason, and every step is logged (``CommuneYearEvent``). A year can also be closed for
entry from a day the office sets (``YearClosing``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .criteria import CriteriaSet
from .units import Commune


class CommuneYear(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang nhập")
        SUBMITTED = "submitted", _("Đã trình duyệt")
        APPROVED = "approved", _("Đã duyệt")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="result_years", verbose_name=_("xã")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.PROTECT,
        related_name="commune_years",
        verbose_name=_("bộ tiêu chí"),
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status, default=Status.DRAFT)
    changed_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False, editable=False)

    class Meta:
        verbose_name = _("kết quả năm của xã")
        verbose_name_plural = _("kết quả năm của xã")
        ordering = ["-year", "commune__sort_name"]
        permissions = [("approve_communeyear", _("Duyệt và mở lại kết quả năm của xã"))]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="commune_year_unique"),
        ]
        indexes = [models.Index(fields=["year", "status"], name="commune_year_status_idx")]

    def __str__(self):
        return f"{self.commune} – {self.year}: {self.get_status_display()}"

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED


class CommuneYearEvent(models.Model):
    class Action(models.TextChoices):
        SUBMIT = "submit", _("Trình duyệt")
        APPROVE = "approve", _("Duyệt")
        RETURN = "return", _("Trả lại")
        REOPEN = "reopen", _("Mở lại")

    commune_year = models.ForeignKey(
        CommuneYear, on_delete=models.CASCADE, related_name="events", verbose_name=_("kết quả năm")
    )
    action = models.CharField(_("thao tác"), max_length=10, choices=Action)
    # Kept when the account is deleted: the step stays in the log, "tài khoản đã xóa".
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("nhật ký duyệt kết quả")
        verbose_name_plural = _("nhật ký duyệt kết quả")
        ordering = ["commune_year", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="reopen") | ~Q(reason=""), name="commune_year_reopen_reason"
            ),
        ]

    def __str__(self):
        return f"{self.commune_year} – {self.get_action_display()}"


class YearClosing(models.Model):
    """From ``closes_on`` on, a year's results can no longer be entered or changed."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    closes_on = models.DateField(_("khóa sổ từ ngày"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("khóa sổ năm")
        verbose_name_plural = _("khóa sổ năm")
        ordering = ["-year"]

    def __str__(self):
        return _("Năm %(year)s khóa sổ từ %(day)s") % {
            "year": self.year,
            "day": self.closes_on.strftime("%d/%m/%Y"),
        }
