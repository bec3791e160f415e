"""The admin of programme periods and criteria sets (registered from communes/admin.py).

A set with approved results (CriteriaSet.is_locked) is read-only here, with its
criterion groups, criteria, indicators and requirements: no change, no delete, nothing
added to it, and the page says why. The office makes a new version instead (the
"Tạo phiên bản mới" action, communes.criteria_versions) and edits that.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import criteria_versions
from .admin_search import AutocompleteIdsMixin
from .models import (
    CriteriaSet,
    Criterion,
    CriterionGroup,
    GroupDefinition,
    Indicator,
    Period,
    Requirement,
)


def set_of(obj):
    """The criteria set an object of the admin belongs to (None for none)."""
    if obj is None:
        return None
    if isinstance(obj, CriteriaSet):
        return obj
    if isinstance(obj, Criterion | CriterionGroup):
        return obj.criteria_set if obj.criteria_set_id else None
    if isinstance(obj, Indicator):
        return obj.criterion.criteria_set if obj.criterion_id else None
    if isinstance(obj, Requirement):
        return set_of(obj.indicator) if obj.indicator_id else None
    return None


def lock_reason(request, criteria_set):
    """Why the set cannot be edited, or "" (asked once per set and request)."""
    if criteria_set is None or criteria_set.pk is None:
        return ""
    known = request.__dict__.setdefault("_locked_criteria_sets", {})
    if criteria_set.pk not in known:
        known[criteria_set.pk] = (
            _(
                "Bộ tiêu chí “%(set)s” đã có kết quả được duyệt nên chỉ xem được, không sửa, "
                "thêm hay xoá tiêu chí, chỉ tiêu, yêu cầu. Hãy tạo phiên bản mới của bộ (thao "
                "tác “Tạo phiên bản mới” ở danh sách bộ tiêu chí) rồi sửa phiên bản đó."
            )
            % {"set": criteria_set}
            if criteria_set.is_locked
            else ""
        )
    return known[criteria_set.pk]


class LockedSetForm(forms.ModelForm):
    """Nothing is added to, or moved into, a locked set."""

    def clean(self):
        data = super().clean()
        chosen = data.get("criteria_set") or data.get("criterion") or data.get("indicator")
        target = set_of(chosen) if chosen is not None else set_of(self.instance)
        if target is not None and target.pk and target.is_locked:
            raise ValidationError(
                _(
                    "Bộ tiêu chí “%(set)s” đã có kết quả được duyệt nên không sửa được; hãy tạo "
                    "phiên bản mới của bộ."
                )
                % {"set": target}
            )
        return data


class LockedSetMixin:
    """Read-only objects of a locked set, for a ModelAdmin or an inline (`obj` is then the
    parent); its change page says why."""

    form = LockedSetForm

    def _locked(self, request, obj):
        return bool(lock_reason(request, set_of(obj)))

    def has_change_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, *args):
        obj = args[0] if args else None  # an inline's parent
        return not self._locked(request, obj) and super().has_add_permission(request, *args)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        reason = lock_reason(request, set_of(obj))
        if reason and request.method == "GET":
            messages.warning(request, reason)
        return super().change_view(request, object_id, form_url, extra_context)


class GroupDefinitionInline(admin.TabularInline):
    model = GroupDefinition
    extra = 0


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "first_year", "last_year", "legal_basis"]
    search_fields = ["name", "code", "legal_basis"]
    inlines = [GroupDefinitionInline]


class CriterionGroupInline(LockedSetMixin, admin.TabularInline):
    model = CriterionGroup
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(LockedSetMixin, admin.ModelAdmin):
    list_display = ["name", "code", "period", "version", "level", "is_provincial", "locked"]
    list_filter = ["period", "level", "is_provincial"]
    list_select_related = ["period"]
    search_fields = ["name", "code", "legal_basis"]
    inlines = [CriterionGroupInline]
    actions = ["make_new_version"]

    @admin.display(boolean=True, description=gettext_lazy("đã có kết quả được duyệt"))
    def locked(self, obj):
        return obj.is_locked

    @admin.action(description=gettext_lazy("Tạo phiên bản mới của các bộ đã chọn"))
    def make_new_version(self, request, queryset):
        for criteria_set in queryset:
            try:
                new = criteria_versions.new_version(criteria_set)
            except ValidationError as error:
                messages.error(request, f"{criteria_set.code}: {' '.join(error.messages)}")
            else:
                messages.success(
                    request,
                    _("Đã tạo %(new)s (mã %(code)s) từ %(old)s.")
                    % {"new": new, "code": new.code, "old": criteria_set.code},
                )


@admin.register(CriterionGroup)
class CriterionGroupAdmin(LockedSetMixin, admin.ModelAdmin):
    list_display = ["__str__", "criteria_set"]
    list_filter = ["criteria_set"]
    list_select_related = ["criteria_set"]
    search_fields = ["name"]


class IndicatorInline(LockedSetMixin, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["code", "name", "unit", "threshold"]


@admin.register(Criterion)
class CriterionAdmin(LockedSetMixin, AutocompleteIdsMixin, admin.ModelAdmin):
    list_display = ["number", "name", "group", "criteria_set"]
    list_filter = ["criteria_set", "group"]
    list_select_related = ["group", "criteria_set"]
    search_fields = ["name", "=number"]
    autocomplete_fields = ["group"]
    inlines = [IndicatorInline]


class RequirementInline(LockedSetMixin, admin.TabularInline):
    model = Requirement
    extra = 0
    fields = ["group", "text", "comparison", "target"]


@admin.register(Indicator)
class IndicatorAdmin(LockedSetMixin, AutocompleteIdsMixin, admin.ModelAdmin):
    list_display = ["code", "name", "criterion", "criteria_set", "unit"]
    list_filter = ["criterion__criteria_set"]
    list_select_related = ["criterion__criteria_set"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["criterion"]
    inlines = [RequirementInline]

    @admin.display(description=gettext_lazy("bộ tiêu chí"), ordering="criterion__criteria_set")
    def criteria_set(self, obj):
        return obj.criterion.criteria_set
