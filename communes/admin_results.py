"""The admin of yearly results (registered from communes/admin.py): assessments and
indicator results, read-only where their commune-year is locked (approved, or the year
closed: communes.locks); the review log of commune-years, read-only (its steps are taken
on the results pages, communes.reviews); and the days years close for entry.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.history_admin import ReadableHistoryAdmin

from . import evaluation, locks
from .admin_search import AccentInsensitiveSearchMixin, AutocompleteIdsMixin
from .models import (
    Assessment,
    CommuneYear,
    CommuneYearEvent,
    IndicatorResult,
    Period,
    YearClosing,
)
from .validation import ceased_in_year_message


class ResultAdminForm(forms.ModelForm):
    """A result made or moved here is for a unit that exists in its year, and never
    written into a locked commune-year (nor out of one: a revert from the history
    screen included)."""

    def clean(self):
        data = super().clean()
        commune, year = data.get("commune"), data.get("year")
        moved = {"commune", "year"} & set(self.changed_data)
        made = commune and year and (self.instance.pk is None or moved)
        if made and (message := ceased_in_year_message(commune, year)):
            self.add_error("year", message)
        pairs = [(commune.pk, year)] if commune and year else []
        if self.instance.pk is not None:
            live = (
                type(self.instance)
                ._default_manager.filter(pk=self.instance.pk)
                .values_list("commune_id", "year")
                .first()
            )
            pairs += [live] if live else []
        reasons = locks.locked(pairs)
        if reasons:
            raise ValidationError(
                [ValidationError(text, code="locked") for _pair, text in sorted(reasons.items())]
            )
        return data


class LockedResultAdmin(AutocompleteIdsMixin, AccentInsensitiveSearchMixin, ReadableHistoryAdmin):
    """A result of a locked commune-year can be read, not changed or deleted: the page
    says why."""

    form = ResultAdminForm
    autocomplete_fields = ["commune"]
    search_fields = ["commune__search_name", "commune__code"]

    def lock_reason(self, obj):
        if obj is None or obj.pk is None:
            return ""
        return locks.locked([(obj.commune_id, obj.year)]).get((obj.commune_id, obj.year), "")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.lock_reason(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.lock_reason(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and (reason := self.lock_reason(obj)):
            self.message_user(request, reason, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            delete, name, description = actions["delete_selected"]
            actions["delete_selected"] = (self._unlocked_only(delete), name, description)
        return actions

    @staticmethod
    def _unlocked_only(delete):
        """The bulk delete, refused as a whole (nothing deleted) when a row is locked."""

        def delete_unlocked(modeladmin, request, queryset):
            pairs = set(queryset.values_list("commune_id", "year"))
            reasons = locks.locked(pairs)
            if reasons:
                for text in sorted(set(reasons.values())):
                    modeladmin.message_user(request, text, messages.ERROR)
                return None
            return delete(modeladmin, request, queryset)

        return delete_unlocked


@admin.register(Assessment)
class AssessmentAdmin(LockedResultAdmin):
    list_display = ["commune", "criterion", "year", "met", "value"]
    list_filter = ["year", "met", "criterion__criteria_set", "criterion", "commune__district"]
    list_select_related = ["commune__district", "criterion"]
    autocomplete_fields = ["commune", "criterion"]


@admin.register(IndicatorResult)
class IndicatorResultAdmin(LockedResultAdmin):
    """Saving a result re-derives whether it is met (from the value, for the commune's
    group) and its criterion's result (communes.evaluation), and says what changed."""

    list_display = ["commune", "indicator", "year", "met", "value"]
    list_filter = ["year", "met", "indicator__criterion__criteria_set", "commune__district"]
    list_select_related = ["commune__district", "indicator"]
    autocomplete_fields = ["commune", "indicator"]

    def _evaluate(self, request, pairs):
        changes = []
        for commune_id, year in sorted(set(pairs)):
            changes += evaluation.evaluate([commune_id], year)
        if changes:
            self.message_user(
                request,
                _("Kết quả tiêu chí thay đổi: %(changes)s")
                % {"changes": "; ".join(str(c) for c in changes)},
                messages.INFO,
            )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        before = [(form.initial.get("commune"), form.initial.get("year"))] if change else []
        self._evaluate(request, [(obj.commune_id, obj.year), *before])

    def delete_model(self, request, obj):
        pair = (obj.commune_id, obj.year)
        super().delete_model(request, obj)
        self._evaluate(request, [pair])

    def delete_queryset(self, request, queryset):
        pairs = list(queryset.values_list("commune_id", "year").distinct())
        super().delete_queryset(request, queryset)
        self._evaluate(request, pairs)


class EventInline(admin.TabularInline):
    model = CommuneYearEvent
    fields = ["action", "actor", "at", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CommuneYear)
class CommuneYearAdmin(AccentInsensitiveSearchMixin, admin.ModelAdmin):
    """The review's state and log, read-only: submit, approve, return and reopen are
    taken on the results pages (communes.reviews), which log who did it and why."""

    list_display = ["commune", "year", "criteria_set", "status", "changed_at"]
    list_filter = ["year", "status", "criteria_set"]
    list_select_related = ["commune", "criteria_set"]
    search_fields = ["commune__search_name", "commune__code"]
    fields = ["commune", "year", "criteria_set", "status", "changed_at"]
    readonly_fields = fields
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class YearClosingForm(forms.ModelForm):
    def clean_year(self):
        year = self.cleaned_data["year"]
        if year not in Period.objects.years():
            raise ValidationError(
                _("Năm %(year)s không thuộc giai đoạn nào của chương trình."),
                code="year",
                params={"year": year},
            )
        return year


@admin.register(YearClosing)
class YearClosingAdmin(admin.ModelAdmin):
    """From its day on, a year's results can no longer be entered or changed anywhere."""

    form = YearClosingForm
    list_display = ["year", "closes_on", "closed", "note"]

    @admin.display(boolean=True, description=gettext_lazy("đã khóa sổ"))
    def closed(self, obj):
        return obj.closes_on <= timezone.localdate()
