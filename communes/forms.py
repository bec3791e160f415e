"""Form parts every layer above shares for reading figures on a map (``?map=``)."""

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Map


def old_province_label(name):
    """An old map's province as offered: "Tỉnh Lào Cai" → "Lào Cai (cũ)" (today's
    province is "Tỉnh Lào Cai" too)."""
    return gettext("%(name)s (cũ)") % {"name": re.sub(r"^(Tỉnh|Thành phố)\s+", "", name)}


class OldProvinceField(forms.ModelChoiceField):
    """A province of the old map, offered as "Lào Cai (cũ)"."""

    def label_from_instance(self, obj):
        return old_province_label(obj.name)


class MapField(forms.TypedChoiceField):
    """``?map=old|current``: which administrative map a page reads its figures on.

    Empty or unknown values are not an error: the page uses ``Map.default()``
    (the current map from 01/07/2025), as a link without the parameter does.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Đọc theo"))
        kwargs.setdefault("choices", Map.choices)
        kwargs.setdefault("required", False)
        kwargs.setdefault("coerce", Map)
        kwargs.setdefault("empty_value", None)
        super().__init__(**kwargs)

    def clean(self, value):
        if value not in Map.values:
            return Map.default()
        return super().clean(value)
