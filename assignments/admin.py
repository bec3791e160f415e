from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from communes.admin_search import (
    AccentInsensitiveSearchMixin,
    AutocompleteIdsMixin,
    SearchAdmin,
)
from core.history_admin import ReadableHistoryAdmin

from .models import (
    Agency,
    Assignment,
    Attachment,
    Decision,
    FieldVisit,
    Leader,
    Member,
    Recommendation,
    Support,
    WorkingGroup,
)
from .services.visits import unit_refusal


class FieldVisitAdminForm(forms.ModelForm):
    """A visit made or moved here goes to a unit that exists on its day (as in the app)."""

    def clean(self):
        data = super().clean()
        assignment, day = data.get("assignment"), data.get("visited_on")
        moved = {"assignment", "visited_on"} & set(self.changed_data)
        made = assignment and day and (self.instance.pk is None or moved)
        if made and (message := unit_refusal(assignment, day)):
            self.add_error("visited_on", message)
        return data


class SupportAdminForm(forms.ModelForm):
    """Support added here counts on its visit's day: refused for a unit gone by then."""

    def clean(self):
        data = super().clean()
        visit = data.get("visit")  # in the visit's inline: the visit being saved
        made = visit is not None and (self.instance.pk is None or "visit" in self.changed_data)
        if made and (message := unit_refusal(visit.assignment, visit.visited_on)):
            self.add_error(None, message)
        return data


class HistorySearchAdmin(AutocompleteIdsMixin, AccentInsensitiveSearchMixin, ReadableHistoryAdmin):
    """An admin whose saves and deletes say in the history that they came from the admin."""

    def save_model(self, request, obj, form, change):
        reason = _("Sửa trong trang quản trị") if change else _("Thêm trong trang quản trị")
        obj._change_reason = str(reason)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        obj._change_reason = str(_("Xoá trong trang quản trị"))
        super().delete_model(request, obj)


@admin.register(Decision)
class DecisionAdmin(AutocompleteIdsMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "issued_on",
        "issuer",
        "title",
        "period_start",
        "period_end",
        "amends",
    ]
    list_filter = ["issuer", "period_start"]
    search_fields = ["number", "title"]
    autocomplete_fields = ["amends"]


@admin.register(Agency)
class AgencyAdmin(SearchAdmin):
    list_display = ["name", "short_name", "kind", "bloc"]
    list_filter = ["kind", "bloc"]
    search_fields = ["search_name", "name", "short_name"]


@admin.register(Leader)
class LeaderAdmin(HistorySearchAdmin):
    list_display = ["full_name", "position", "agency", "phone", "user"]
    list_filter = ["agency__kind"]
    list_select_related = ["agency", "user"]
    search_fields = ["search_name", "position", "agency__search_name"]
    autocomplete_fields = ["agency", "user"]


class MemberInline(AutocompleteIdsMixin, admin.TabularInline):
    model = Member
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SearchAdmin):
    list_display = ["name", "agency", "member_count", "established_on"]
    list_select_related = ["agency"]
    search_fields = ["name", "agency__search_name"]
    autocomplete_fields = ["agency"]
    inlines = [MemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("số thành viên"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total


@admin.register(Member)
class MemberAdmin(SearchAdmin):
    list_display = ["full_name", "role", "position", "group", "phone", "joined_on", "left_on"]
    list_filter = ["role"]
    list_select_related = ["group"]
    search_fields = ["full_name", "group__name", "phone"]
    autocomplete_fields = ["group", "user"]


@admin.register(Assignment)
class AssignmentAdmin(HistorySearchAdmin):
    list_display = ["commune", "district", "leader", "agency", "decision", "started_on", "ended_on"]
    list_filter = [
        "decision",
        "commune__district",
        "end_reason",
        ("ended_on", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["commune__district", "leader__agency", "decision"]
    search_fields = ["commune__search_name", "leader__search_name", "leader__agency__search_name"]
    autocomplete_fields = ["decision", "leader", "commune", "working_group", "successor"]

    @admin.display(description=_("huyện"), ordering="commune__district__name")
    def district(self, obj):
        return obj.commune.district

    @admin.display(description=_("cơ quan"), ordering="leader__agency__name")
    def agency(self, obj):
        return obj.leader.agency


class SupportInline(AutocompleteIdsMixin, admin.TabularInline):
    model = Support
    form = SupportAdminForm
    extra = 0
    autocomplete_fields = ["criteria"]


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["uploaded_by", "uploaded_at"]


@admin.register(FieldVisit)
class FieldVisitAdmin(HistorySearchAdmin):
    form = FieldVisitAdminForm
    list_display = ["visited_on", "commune", "leader", "leader_present", "status"]
    list_filter = ["status", "leader_present", "assignment__commune__district"]
    list_select_related = ["assignment__commune", "assignment__leader"]
    search_fields = [
        "assignment__commune__search_name",
        "assignment__leader__search_name",
        "purpose",
        "findings",
    ]
    autocomplete_fields = ["assignment", "participants"]
    date_hierarchy = "visited_on"
    # The status moves only through the workflow (transitions.STEPS: submit, confirm,
    # return, answer, each with its event); the last editor is whoever saves.
    readonly_fields = ["status", "created_by", "created_at", "updated_by", "updated_at"]
    inlines = [SupportInline, RecommendationInline, AttachmentInline]

    @admin.display(description=_("xã"), ordering="assignment__commune__sort_name")
    def commune(self, obj):
        return obj.assignment.commune.name

    @admin.display(description=_("lãnh đạo"), ordering="assignment__leader__full_name")
    def leader(self, obj):
        return obj.assignment.leader

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            # A change here is a new version: a form opened before it is refused on save
            # (services.visits, optimistic locking) instead of overwriting it.
            obj.version += 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Support)
class SupportAdmin(HistorySearchAdmin):
    form = SupportAdminForm
    list_display = ["description", "kind", "amount_vnd", "quantity", "unit", "visit"]
    list_filter = ["kind"]
    list_select_related = ["visit__assignment__commune"]
    search_fields = ["description", "visit__assignment__commune__search_name"]
    autocomplete_fields = ["visit", "criteria"]


@admin.register(Recommendation)
class RecommendationAdmin(HistorySearchAdmin):
    list_display = ["__str__", "addressed_to", "due_on", "status", "visit"]
    list_filter = ["status", "addressed_to"]
    list_select_related = ["visit__assignment__commune"]
    search_fields = ["text", "visit__assignment__commune__search_name"]
    autocomplete_fields = ["visit"]


@admin.register(Attachment)
class AttachmentAdmin(AutocompleteIdsMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "visit", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    list_select_related = ["visit__assignment__commune", "uploaded_by"]
    search_fields = ["original_name"]
    autocomplete_fields = ["visit"]
    readonly_fields = ["uploaded_by", "uploaded_at"]
