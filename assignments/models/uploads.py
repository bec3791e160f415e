"""Who sent how many image pixels when: the per-user upload limit (assignments/upload_quota.py)
counts them over a short window; older rows are deleted as new ones come."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PhotoUpload(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("người gửi"),
    )
    at = models.DateTimeField(_("lúc"), db_index=True)
    pixels = models.PositiveBigIntegerField(_("số điểm ảnh"))

    class Meta:
        verbose_name = _("lượt gửi ảnh")
        verbose_name_plural = _("lượt gửi ảnh")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["user", "at"], name="photoupload_user_at_idx")]

    def __str__(self):
        return f"{self.user} {self.at:%d/%m/%Y %H:%M} {self.pixels}"
