from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.history_admin import ReadableHistoryAdmin

from .admin_search import AccentInsensitiveSearchMixin, AutocompleteIdsMixin, SearchAdmin
from .models import (
    Commune,
    CommuneChange,
    District,
    Province,
    Recognition,
)
from .validation import ceased_message

# Periods, criteria sets, criteria, indicators and their requirements.
from . import admin_sets  # noqa: E402,F401  isort: skip

# Assessments, indicator results (read-only when locked), the review log, year closings.
from . import admin_results  # noqa: E402,F401  isort: skip


@admin.register(Province)
class ProvinceAdmin(SearchAdmin):
    list_display = ["code", "name", "era", "valid_from", "valid_to"]
    list_filter = ["era"]
    search_fields = ["code", "search_name"]


@admin.register(District)
class DistrictAdmin(SearchAdmin):
    list_display = ["code", "name", "kind", "province", "era", "valid_to"]
    list_filter = ["era", "kind", "province"]
    list_select_related = ["province"]
    search_fields = ["code", "search_name"]
    autocomplete_fields = ["province"]


class SuccessionInline(AutocompleteIdsMixin, admin.TabularInline):
    model = CommuneChange
    fk_name = "predecessor"
    autocomplete_fields = ["successor"]
    extra = 0
    verbose_name = _("sáp nhập / đổi thành")
    verbose_name_plural = _("đơn vị kế thừa")


class PredecessionInline(AutocompleteIdsMixin, admin.TabularInline):
    model = CommuneChange
    fk_name = "successor"
    autocomplete_fields = ["predecessor"]
    extra = 0
    verbose_name = _("hình thành từ")
    verbose_name_plural = _("đơn vị tiền thân")


@admin.register(Commune)
class CommuneAdmin(SearchAdmin):
    list_display = ["name", "code", "kind", "district", "era", "valid_to", "target_year"]
    list_filter = ["era", "kind", "district", "target_year"]
    list_select_related = ["district"]
    search_fields = ["code", "search_name"]
    autocomplete_fields = ["province", "district"]
    inlines = [PredecessionInline, SuccessionInline]


@admin.register(CommuneChange)
class CommuneChangeAdmin(SearchAdmin):
    list_display = ["predecessor", "kind", "successor", "effective_on", "legal_basis"]
    list_filter = ["kind", "effective_on"]
    list_select_related = ["predecessor__district", "successor__district"]
    search_fields = ["predecessor__search_name", "successor__search_name", "legal_basis"]
    autocomplete_fields = ["predecessor", "successor"]


class RecognitionAdminForm(forms.ModelForm):
    """A recognition made or moved here is for a unit that exists on its day."""

    def clean(self):
        data = super().clean()
        commune, day = data.get("commune"), data.get("decided_on")
        moved = {"commune", "decided_on"} & set(self.changed_data)
        made = commune and day and (self.instance.pk is None or moved)
        if made and (message := ceased_message(commune, day)):
            self.add_error("decided_on", message)
        return data


@admin.register(Recognition)
class RecognitionAdmin(AutocompleteIdsMixin, AccentInsensitiveSearchMixin, ReadableHistoryAdmin):
    form = RecognitionAdminForm
    list_display = ["commune", "level", "decision_number", "decided_on"]
    list_filter = ["level", "commune__district"]
    list_select_related = ["commune__district"]
    search_fields = ["commune__search_name", "decision_number"]
    autocomplete_fields = ["commune"]
    date_hierarchy = "decided_on"
