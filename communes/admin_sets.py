"""The admin of programme periods and criteria sets (registered from communes/admin.py)."""

from django.contrib import admin

from .admin_search import AutocompleteIdsMixin
from .models import CriteriaSet, Criterion, CriterionGroup, Indicator


class CriterionGroupInline(admin.TabularInline):
    model = CriterionGroup
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "legal_basis", "first_year", "last_year"]
    list_filter = ["level", "is_provincial"]
    search_fields = ["name", "code", "legal_basis"]
    inlines = [CriterionGroupInline]


@admin.register(CriterionGroup)
class CriterionGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "criteria_set"]
    list_filter = ["criteria_set"]
    search_fields = ["name"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(AutocompleteIdsMixin, admin.ModelAdmin):
    list_display = ["number", "name", "group", "criteria_set"]
    list_filter = ["criteria_set", "group"]
    list_select_related = ["group", "criteria_set"]
    search_fields = ["name", "=number"]
    autocomplete_fields = ["group"]
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(AutocompleteIdsMixin, admin.ModelAdmin):
    list_display = ["code", "name", "criterion", "threshold", "unit"]
    list_filter = ["criterion__criteria_set"]
    list_select_related = ["criterion"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["criterion"]
