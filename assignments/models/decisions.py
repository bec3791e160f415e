"""The province's decisions assigning leaders to communes (and the decisions amending them)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Decision(models.Model):
    number = models.CharField(_("số quyết định"), max_length=50)
    issued_on = models.DateField(
        _("ngày ban hành"), null=True, blank=True, help_text=_("Để trống nếu chưa rõ.")
    )
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, default="UBND tỉnh Lào Cai")
    title = models.CharField(_("trích yếu"), max_length=500)
    period_start = models.PositiveSmallIntegerField(_("giai đoạn từ năm"))
    period_end = models.PositiveSmallIntegerField(_("giai đoạn đến năm"))
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("sửa đổi, bổ sung quyết định"),
    )
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False, editable=False)

    class Meta:
        verbose_name = _("quyết định")
        verbose_name_plural = _("quyết định")
        ordering = ["-period_start", "number"]
        constraints = [
            models.UniqueConstraint(fields=["number", "issuer"], name="decision_number_unique"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="decision_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.number}"

    def choice_label(self, limit=120):
        """ "1599/QĐ-UBND – Về việc phân công …" for a list to choose from: at most `limit`
        characters, a long title cut between two words, never inside one."""
        label = f"{self.number} – {self.title}"
        if len(label) <= limit:
            return label
        kept = label[: limit - 1]
        if label[limit - 1] != " " and " " in kept:
            kept = kept.rsplit(" ", 1)[0]  # the word cut at the limit goes whole
        return kept.rstrip(" ,;:–-") + "…"
