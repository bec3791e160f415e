"""Accent-insensitive search for admin changelists."""

from django.contrib import admin

from .text import search_key


class AccentInsensitiveSearchMixin:
    """Search the typed words as typed and with accents folded away.

    Folded ``search_name`` columns then match "ban vuoc" and "Bản Vược" alike,
    while ordinary text columns still match what the user typed.
    """

    def get_search_results(self, request, queryset, search_term):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        folded = search_key(search_term)
        if search_term and folded != search_term:
            more, more_duplicates = super().get_search_results(request, queryset, folded)
            results = results | more
            duplicates = duplicates or more_duplicates
        return results, duplicates


class SearchAdmin(AccentInsensitiveSearchMixin, admin.ModelAdmin):
    pass
