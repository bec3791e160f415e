"""Field visits ("chuyến công tác") with their workflow steps, the support given, the
recommendations made and the files attached, and the figures of the visits list."""

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Func, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Criterion
from core import formats

from .assignments import Assignment
from .people import Member

LAST_VISIT_HELP = _(
    "Lần đi cơ sở gần nhất: ngày của chuyến công tác đã xác nhận gần nhất đến xã (với đơn vị "
    "hiện nay, gồm cả các xã cũ đã sáp nhập vào); chuyến nháp, đang chờ xác nhận hoặc bị trả "
    "lại không tính."
)


def subquery_total(queryset, function, field="pk"):
    """COUNT or SUM over a correlated queryset, 0 when it is empty.

    A subquery per figure, not a join: joining visits, supports and
    recommendations at once would multiply the rows and inflate every total.
    """
    aggregate = Func(F(field), function=function, output_field=models.BigIntegerField())
    values = queryset.order_by().annotate(_total=aggregate).values("_total")
    return Coalesce(Subquery(values), 0, output_field=models.BigIntegerField())


class FieldVisitQuerySet(models.QuerySet):
    def counted(self):
        """Visits that count in the figures (dashboard, lists, scorecards, reports):
        those the office, or the commune's leader, has confirmed. Drafts, visits
        waiting for confirmation and returned ones are listed but not counted."""
        return self.filter(status=FieldVisit.Status.CONFIRMED)

    def uncounted(self):
        """The visits counted() leaves out: drafts, waiting for confirmation, returned. A
        report that lists them marks them and totals them apart (reports/excel/visits.py).
        Deleted drafts are neither: they are in no list or report."""
        return self.exclude(status__in=[FieldVisit.Status.CONFIRMED, FieldVisit.Status.DELETED])

    def not_deleted(self):
        """Every visit but the drafts deleted by mistake (kept for history and restore)."""
        return self.exclude(status=FieldVisit.Status.DELETED)

    def on_same_day(self, assignment, day):
        """The visits (not deleted) already recorded for the assignment on that day: saving
        another one asks "Đã có chuyến công tác ngày … – vẫn lưu?"."""
        return self.not_deleted().filter(assignment=assignment, visited_on=day).order_by("pk")

    def last_visit_on(self, unit="pk"):
        """ "Lần đi cơ sở gần nhất" of a commune, as an expression over a query of communes
        (`unit`: the commune's path in it, "commune" over assignments): the date of the
        latest of these visits that counts (confirmed) made for the commune and, when it
        exists today, for the old units merged into it (its records roll up to it, as its
        dossier shows them); None without one. The communes list and its export, the
        dossier and "Việc của tôi" all read this; LAST_VISIT_HELP says it on the page.

        Two subqueries, each on an index (the commune's, or the current unit's), of which a
        row runs one: a single OR condition made the database read every visit per row."""
        prefix = "" if unit == "pk" else f"{unit}__"
        counted = self.counted().order_by("-visited_on").values("visited_on")

        def latest(path):
            return Subquery(counted.filter(**{path: OuterRef(unit)})[:1])

        return Case(
            When(**{f"{prefix}current_unit": F(unit)},
                 then=latest("assignment__commune__current_unit")),
            default=latest("assignment__commune"),
            output_field=models.DateField(),
        )  # fmt: skip

    def for_list(self):
        """The visits list: newest first, with counts and totals of what each visit brought."""
        supports = Support.objects.filter(visit=OuterRef("pk"))
        return (
            self.select_related("assignment__commune__district", "assignment__leader__agency")
            .annotate(
                support_count=subquery_total(supports, "COUNT"),
                support_total=subquery_total(supports, "SUM", "amount_vnd"),
                recommendation_count=subquery_total(
                    Recommendation.objects.filter(visit=OuterRef("pk")), "COUNT"
                ),
            )
            .order_by("-visited_on", "-pk")
        )


class FieldVisit(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SUBMITTED = "submitted", _("Đã gửi")
        RETURNED = "returned", _("Trả lại")
        CONFIRMED = "confirmed", _("Đã xác nhận")
        # A draft made by mistake, deleted by its group: kept (history), out of every
        # list and figure; the office may restore it to a draft.
        DELETED = "deleted", _("Đã xoá")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="visits", verbose_name=_("phân công")
    )
    visited_on = models.DateField(_("ngày đi cơ sở"))
    leader_present = models.BooleanField(_("lãnh đạo trực tiếp đi"), default=False)
    participants = models.ManyToManyField(
        Member, blank=True, related_name="visits", verbose_name=_("thành viên tham gia")
    )
    other_participants = models.CharField(_("người tham gia khác"), max_length=500, blank=True)
    purpose = models.CharField(_("mục đích"), max_length=500)
    findings = models.TextField(_("kết quả nắm tình hình"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người sửa gần nhất"),
    )
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    # Optimistic locking: a save must name the version it started from.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    # The draft token of the form (browser or phone queue) that created the visit: a retried
    # post with the same token finds this visit instead of making a second one.
    client_token = models.CharField(
        _("mã bản nháp"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    # Where and when the phone was when the member recorded the visit (optional, asked).
    latitude = models.DecimalField(
        _("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_accuracy = models.PositiveIntegerField(_("sai số vị trí (m)"), null=True, blank=True)
    located_at = models.DateTimeField(_("ghi vị trí lúc"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[participants])

    objects = FieldVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("chuyến công tác")
        verbose_name_plural = _("chuyến công tác")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["assignment", "-visited_on"], name="visit_assignment_date_idx"),
            # The lists' order (newest first, then id): a deep page walks the index.
            models.Index(fields=["visited_on", "id"], name="visit_date_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="visit_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="visit_longitude_range",
            ),
        ]

    def __str__(self):
        return f"{self.assignment.commune.name} – {formats.day(self.visited_on)}"


class VisitEvent(models.Model):
    """One step of a visit's workflow, with the comment the office and the group exchange."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Gửi văn phòng")
        RETURNED = "returned", _("Trả lại để bổ sung")
        ANSWERED = "answered", _("Trả lời")
        CONFIRMED = "confirmed", _("Xác nhận")
        DELETED = "deleted", _("Xoá bản nháp")
        RESTORED = "restored", _("Khôi phục")

    visit = models.ForeignKey(
        FieldVisit, on_delete=models.CASCADE, related_name="events", verbose_name=_("chuyến")
    )
    action = models.CharField(_("thao tác"), max_length=10, choices=Action)
    comment = models.TextField(_("ý kiến"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("bước xử lý chuyến công tác")
        verbose_name_plural = _("các bước xử lý chuyến công tác")
        ordering = ["visit", "created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} – {formats.moment(self.created_at)}"


class SupportQuerySet(models.QuerySet):
    def counted(self):
        """Support given on a visit the office has confirmed (see FieldVisit.objects.counted)."""
        return self.filter(visit__status=FieldVisit.Status.CONFIRMED)


class Support(models.Model):
    class Kind(models.TextChoices):
        MONEY = "money", _("Tiền")
        IN_KIND = "in_kind", _("Hiện vật")
        WORK_DAYS = "work_days", _("Ngày công")
        TECHNOLOGY = "technology", _("Chuyển giao khoa học kỹ thuật")
        OTHER = "other", _("Khác")

    visit = models.ForeignKey(
        FieldVisit, on_delete=models.CASCADE, related_name="supports", verbose_name=_("chuyến")
    )
    kind = models.CharField(_("hình thức"), max_length=12, choices=Kind)
    amount_vnd = models.BigIntegerField(
        _("giá trị (đồng)"), default=0, help_text=_("Quy ra tiền, đồng Việt Nam.")
    )
    quantity = models.DecimalField(
        _("số lượng"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("đơn vị tính"), max_length=30, blank=True)
    description = models.CharField(_("nội dung hỗ trợ"), max_length=500)
    criteria = models.ManyToManyField(
        Criterion, blank=True, related_name="supports", verbose_name=_("tiêu chí hướng tới")
    )
    history = HistoricalRecords(m2m_fields=[criteria])

    objects = SupportQuerySet.as_manager()

    class Meta:
        verbose_name = _("hỗ trợ")
        verbose_name_plural = _("hỗ trợ")
        ordering = ["visit", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__gte=0), name="support_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="support_quantity_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"


class RecommendationQuerySet(models.QuerySet):
    def counted(self):
        """Recommendations on record: made on a visit the office has confirmed."""
        return self.filter(visit__status=FieldVisit.Status.CONFIRMED)

    def unresolved(self):
        return self.counted().exclude(status=Recommendation.Status.RESOLVED)

    def overdue(self, today=None):
        """Not resolved and past the due date."""
        return self.unresolved().filter(due_on__lt=today or timezone.localdate())


class Recommendation(models.Model):
    class AddressedTo(models.TextChoices):
        COMMUNE = "commune", _("UBND xã")
        DISTRICT = "district", _("UBND huyện")
        AGENCY = "agency", _("Cơ quan, đơn vị")
        PROVINCE = "province", _("UBND tỉnh, các sở ngành")

    class Status(models.TextChoices):
        OPEN = "open", _("Chưa xử lý")
        IN_PROGRESS = "in_progress", _("Đang xử lý")
        RESOLVED = "resolved", _("Đã giải quyết")

    visit = models.ForeignKey(
        FieldVisit,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("chuyến"),
    )
    text = models.TextField(_("nội dung kiến nghị"))
    addressed_to = models.CharField(_("gửi đến"), max_length=10, choices=AddressedTo)
    due_on = models.DateField(_("hạn xử lý"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status, default=Status.OPEN)
    resolution_note = models.TextField(_("kết quả xử lý"), blank=True)
    resolved_on = models.DateField(_("ngày giải quyết"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("kiến nghị")
        verbose_name_plural = _("kiến nghị")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="recommendation_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="recommendation_resolved_has_date",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def is_overdue(self, on=None):
        on = on or timezone.localdate()
        return self.status != self.Status.RESOLVED and self.due_on is not None and self.due_on < on


def attachment_path(instance, filename):
    return f"visits/{instance.visit_id}/{filename}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Ảnh")
        MINUTES = "minutes", _("Biên bản")
        OTHER = "other", _("Khác")

    visit = models.ForeignKey(
        FieldVisit, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("chuyến")
    )
    file = models.FileField(_("tệp"), upload_to=attachment_path)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind, default=Kind.PHOTO)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("kiểu tệp"), max_length=50, blank=True)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    # The phone's id of the file it sends: a retried upload with the same id is not stored twice.
    client_id = models.CharField(_("mã tệp của máy gửi"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["visit", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "client_id"],
                condition=~Q(client_id=""),
                name="attachment_once_per_client_id",
            ),
        ]

    def __str__(self):
        return self.original_name or self.file.name
