"""The import log: every Excel file the office uploads, from preview to result."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Period


def stored_import_path(instance, filename):
    # Never the uploaded name: it is shown, not trusted.
    return f"imports/{uuid.uuid4().hex}.xlsx"


def stored_rows_path(instance, filename):
    # The record's SHA-256 (the given name) stays in its name: the confirm checks it.
    return f"imports/{uuid.uuid4().hex}-{filename}"


def preview_lifetime():
    """How long a preview waits for its confirmation (NTM_IMPORT_PREVIEW_HOURS)."""
    return timedelta(hours=settings.NTM_IMPORT_PREVIEW_HOURS)


class ImportBatchQuerySet(models.QuerySet):
    def waiting(self, now=None):
        """Previews that may still be confirmed."""
        cutoff = (now or timezone.now()) - preview_lifetime()
        return self.filter(status=ImportBatch.Status.PREVIEWED, uploaded_at__gt=cutoff)

    def stale(self, now=None):
        """Previews past their time that nothing has marked expired yet."""
        cutoff = (now or timezone.now()) - preview_lifetime()
        return self.filter(status=ImportBatch.Status.PREVIEWED, uploaded_at__lte=cutoff)


class ImportBatch(models.Model):
    """One uploaded workbook: what it would change (preview) and what it changed (applied)."""

    class Kind(models.TextChoices):
        ANNEX = "annex", _("Phụ lục phân công")
        MATRIX = "matrix", _("Bảng tiêu chí")
        INDICATORS = "indicators", _("Chỉ tiêu của bộ tiêu chí")
        # Commune groups of a period: `year` holds the period's first year.
        GROUPS = "groups", _("Nhóm xã")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Chờ xác nhận")
        APPLIED = "applied", _("Đã nhập")
        FAILED = "failed", _("Tệp bị từ chối")
        CANCELLED = "cancelled", _("Đã huỷ")
        # Previewed and never confirmed within NTM_IMPORT_PREVIEW_HOURS: its file is deleted.
        EXPIRED = "expired", _("Hết hạn")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind)
    decision = models.ForeignKey(
        "assignments.Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("quyết định"),
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    # Indicators: the criteria set whose indicators and requirements the file replaces.
    criteria_set = models.ForeignKey(
        "communes.CriteriaSet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("bộ tiêu chí"),
    )
    # Annex: from which day the file's new pairs take effect, and the decision amending
    # `decision` that the file is the annex of (created on confirm); no number: the
    # file is the annex of `decision` itself.
    effective_on = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    amendment_number = models.CharField(_("số quyết định sửa đổi"), max_length=50, blank=True)
    amendment_issued_on = models.DateField(
        _("ngày ban hành quyết định sửa đổi"), null=True, blank=True
    )
    amendment_title = models.CharField(
        _("trích yếu quyết định sửa đổi"), max_length=500, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status, default=Status.PREVIEWED
    )
    created_count = models.PositiveIntegerField(_("thêm mới"), default=0)
    updated_count = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged_count = models.PositiveIntegerField(_("không đổi"), default=0)
    error_count = models.PositiveIntegerField(_("lỗi"), default=0)
    message = models.TextField(_("thông báo"), blank=True)
    # Kept until the batch is applied or cancelled, so that confirm re-reads the same bytes.
    stored_file = models.FileField(
        _("tệp đã lưu"), upload_to=stored_import_path, blank=True, max_length=200
    )
    # The rows the preview read (imports/replay.py), so that confirm need not parse the file
    # again; kept and released with the file.
    stored_rows = models.FileField(
        _("dữ liệu đã đọc"), upload_to=stored_rows_path, blank=True, max_length=200
    )
    applied_at = models.DateTimeField(_("nhập lúc"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xác nhận"),
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="matrix") | Q(year__isnull=False),
                name="import_batch_matrix_has_year",
            ),
            models.CheckConstraint(
                condition=~Q(status="applied") | Q(applied_at__isnull=False),
                name="import_batch_applied_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.target_label} – {self.file_name}"

    @property
    def target_label(self):
        if self.kind == self.Kind.MATRIX:
            return _("năm %(year)s") % {"year": self.year}
        if self.kind == self.Kind.GROUPS:
            period = Period.objects.of_year(self.year)
            return _("giai đoạn %(period)s") % {"period": period.label if period else self.year}
        if self.kind == self.Kind.INDICATORS:
            if self.criteria_set_id is None:
                return _("bộ tiêu chí đã xoá")
            return str(self.criteria_set)
        if self.decision_id is None:
            return _("quyết định đã xoá")
        return _("Quyết định %(number)s") % {"number": self.decision.number}

    @property
    def is_pending(self):
        return self.status == self.Status.PREVIEWED

    @property
    def expires_at(self):
        """When this preview can no longer be confirmed."""
        return self.uploaded_at + preview_lifetime()

    def is_stale(self, now=None):
        """A preview past its time, not yet marked expired."""
        return self.is_pending and self.expires_at <= (now or timezone.now())

    @property
    def state(self):
        """The status as the office should read it: a stale preview is expired already."""
        return self.Status.EXPIRED if self.is_stale() else self.Status(self.status)


class CommuneAlias(models.Model):
    """A spelling of a commune's name that the office picked once in an import's preview.

    The next annex with the same spelling typed under the same district matches
    the commune by itself (and its preview says so). Made by confirming a pick,
    never typed in the admin; removable there.
    """

    spelling = models.CharField(_("tên gõ trong tệp"), max_length=255)
    # communes.text.match_key of the spelling: what a later file's name is compared with.
    key = models.CharField(_("khoá so khớp"), max_length=255, db_index=True)
    district = models.ForeignKey(
        "communes.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("huyện ghi trong tệp"),
        help_text=_("Để trống: tệp không ghi huyện cho dòng đó."),
    )
    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("xã"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người chọn"),
    )
    created_at = models.DateTimeField(_("chọn lúc"))
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aliases",
        verbose_name=_("lần nhập"),
    )

    class Meta:
        verbose_name = _("tên gọi khác của xã")
        verbose_name_plural = _("tên gọi khác của xã")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One commune per spelling and district typed under (or none).
            models.UniqueConstraint(
                fields=["district", "key"],
                condition=Q(district__isnull=False),
                name="commune_alias_one_per_district",
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(district__isnull=True),
                name="commune_alias_one_without_district",
            ),
        ]

    def __str__(self):
        return f"“{self.spelling}” → {self.commune.name}"
