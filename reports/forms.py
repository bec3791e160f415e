"""Forms of the reports pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import LongSelect


class DashboardFilterForm(forms.Form):
    """District and year of the dashboard; choices come from the caller (already queried)."""

    district = forms.TypedChoiceField(
        label=_("Huyện"), coerce=int, empty_value=None, required=False, widget=LongSelect
    )
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, districts=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("Toàn tỉnh"))] + [
            (d.pk, d.name) for d in districts
        ]
        self.fields["year"].choices = [(y, y) for y in sorted(years, reverse=True)]
