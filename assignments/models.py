"""Decisions, agencies, leaders, leader–commune assignments, working groups and visits."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes import text
from communes.models import Commune, Criterion


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


def _subquery_total(queryset, function, field="pk"):
    """COUNT or SUM over a correlated queryset, 0 when it is empty.

    A subquery per figure, not a join: joining visits, supports and
    recommendations at once would multiply the rows and inflate every total.
    """
    aggregate = Func(F(field), function=function, output_field=models.BigIntegerField())
    values = queryset.order_by().annotate(_total=aggregate).values("_total")
    return Coalesce(Subquery(values), 0, output_field=models.BigIntegerField())


def stale_cutoff(today=None, days=None):
    """The last visit must be on or after this day, or the assignment counts as stale."""
    today = today or timezone.localdate()
    days = settings.NTM_STALE_VISIT_DAYS if days is None else days
    return today - datetime.timedelta(days=days)


class AssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        if on is None:
            return self.filter(ended_on__isnull=True)
        return self.filter(started_on__lte=on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=on)
        )

    def stale(self, today=None, days=None):
        """Active assignments with no visit for more than `days` (default
        NTM_STALE_VISIT_DAYS) days, or never."""
        recent = FieldVisit.objects.counted().filter(
            assignment=OuterRef("pk"), visited_on__gte=stale_cutoff(today, days)
        )
        return self.active().exclude(Exists(recent))

    def with_open_recommendations(self):
        return self.filter(
            Exists(Recommendation.objects.unresolved().filter(visit__assignment=OuterRef("pk")))
        )

    def with_overdue_recommendations(self, today=None):
        overdue = Recommendation.objects.overdue(today).filter(visit__assignment=OuterRef("pk"))
        return self.filter(Exists(overdue))

    def for_list(self, today=None):
        """The assignments list (page, table, export): rows with their visit and support figures."""
        today = today or timezone.localdate()
        visits = FieldVisit.objects.counted().filter(assignment=OuterRef("pk"))
        recommendations = Recommendation.objects.unresolved().filter(
            visit__assignment=OuterRef("pk")
        )
        supports = Support.objects.counted().filter(visit__assignment=OuterRef("pk"))
        return (
            self.select_related("decision", "leader__agency", "commune__district")
            .annotate(
                visits_this_year=_subquery_total(
                    visits.filter(visited_on__year=today.year), "COUNT"
                ),
                last_visit_on=Subquery(visits.order_by("-visited_on").values("visited_on")[:1]),
                support_total=_subquery_total(supports, "SUM", "amount_vnd"),
                open_recommendations=_subquery_total(recommendations, "COUNT"),
                overdue_recommendations=_subquery_total(recommendations.overdue(today), "COUNT"),
            )
            .order_by("commune__sort_name", "-started_on", "pk")
        )


class Assignment(models.Model):
    class EndReason(models.TextChoices):
        TRANSFERRED = "transferred", _("Điều động, chuyển công tác")
        RETIRED = "retired", _("Nghỉ hưu")
        AMENDED = "amended", _("Quyết định sửa đổi")
        MERGED = "merged", _("Xã sáp nhập")
        OTHER = "other", _("Lý do khác")

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("quyết định")
    )
    leader = models.ForeignKey(
        Leader, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("lãnh đạo")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("xã")
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("tổ giúp việc"),
    )
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    end_reason = models.CharField(_("lý do kết thúc"), max_length=12, choices=EndReason, blank=True)
    end_note = models.CharField(_("ghi chú kết thúc"), max_length=500, blank=True)
    successor = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessor",
        verbose_name=_("phân công kế tiếp"),
    )
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["commune__sort_name", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "decision"],
                condition=Q(ended_on__isnull=True),
                name="assignment_one_active_per_commune_and_decision",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="assignment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="assignment_ended_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.leader} → {self.commune.name} ({self.decision})"

    @property
    def is_active(self):
        return self.ended_on is None


class FieldVisitQuerySet(models.QuerySet):
    def counted(self):
        """Visits that count in the figures (dashboard, lists, scorecards, reports):
        those the office, or the commune's leader, has confirmed. Drafts, visits
        waiting for confirmation and returned ones are listed but not counted."""
        return self.filter(status=FieldVisit.Status.CONFIRMED)

    def for_list(self):
        """The visits list: newest first, with counts and totals of what each visit brought."""
        supports = Support.objects.filter(visit=OuterRef("pk"))
        return (
            self.select_related("assignment__commune__district", "assignment__leader__agency")
            .annotate(
                support_count=_subquery_total(supports, "COUNT"),
                support_total=_subquery_total(supports, "SUM", "amount_vnd"),
                recommendation_count=_subquery_total(
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

    def __str__(self):
        return f"{self.assignment.commune.name} – {self.visited_on:%d/%m/%Y}"


class VisitEvent(models.Model):
    """One step of a visit's workflow, with the comment the office and the group exchange."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Gửi văn phòng")
        RETURNED = "returned", _("Trả lại để bổ sung")
        ANSWERED = "answered", _("Trả lời")
        CONFIRMED = "confirmed", _("Xác nhận")

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
        return f"{self.get_action_display()} – {self.created_at:%d/%m/%Y %H:%M}"


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
        on = on or datetime.date.today()
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

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["visit", "id"]

    def __str__(self):
        return self.original_name or self.file.name
