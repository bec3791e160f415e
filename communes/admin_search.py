"""Accent-insensitive search for admin changelists, and autocomplete fields that
survive tampered ids."""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple

from core.fields import ModelMultipleIdsField, is_value_of

from .text import search_key


class _ValidIdsOnly:
    """Draws only the posted values that can be ids of the related model.

    Django's autocomplete widget looks the posted values up to draw the chosen
    options; a value that cannot be an id ("abc", "1.5", an integer past the
    database's range) made that lookup raise while redrawing a refused form: a
    server error instead of the form's message.
    """

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        return super().optgroups(name, [v for v in value if is_value_of(target, v)], attr)


class ValidIdsAutocompleteSelect(_ValidIdsOnly, AutocompleteSelect):
    pass


class ValidIdsAutocompleteSelectMultiple(_ValidIdsOnly, AutocompleteSelectMultiple):
    pass


class AutocompleteIdsMixin:
    """For a ModelAdmin or an inline: its autocomplete_fields use the widgets above, and
    its many-to-many fields refuse ids past the database's range (core.fields)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidIdsAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidIdsAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", ModelMultipleIdsField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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


class SearchAdmin(AutocompleteIdsMixin, AccentInsensitiveSearchMixin, admin.ModelAdmin):
    pass
