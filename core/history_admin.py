"""Change histories in the portal's words, for the history pages and the admin's.

django-simple-history ships no Vietnamese and shows raw values ("submitted",
"None", "Deleted người dùng (pk=None)"). `shown()` writes a stored value as the
pages do (choice labels, dd/mm/yyyy, Có/Không, people by name, "–" for nothing);
`ReadableHistoryAdmin` gives every admin with a history Vietnamese titles and
those values (its templates are templates/simple_history/).
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

from core import formats
from core.templatetags.ntm_format import number, vnd

EMPTY = "–"

# history_type of a record → what the pages call it.
HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
KIND_LABELS = {
    "created": gettext_lazy("Tạo mới"),
    "changed": gettext_lazy("Sửa"),
    "deleted": gettext_lazy("Xoá"),
}


def is_empty(value):
    return value is None or value == "" or value == []


def shown(model_field, value):
    """A stored value of a field that is not a relation, as the pages write it."""
    if is_empty(value):
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime.datetime):
        return formats.moment(value)
    if isinstance(value, datetime.date):
        return formats.day(value)
    if model_field.name == "amount_vnd":
        return vnd(value)
    if isinstance(value, Decimal):
        return number(value)
    return str(value)


def deleted(pk):
    return _("#%(pk)s (đã xoá)") % {"pk": pk}


def named(obj):
    """A related row as the pages name it: a person by name, a row gone by its number."""
    if obj is None:
        return EMPTY
    if isinstance(obj, DeletedObject):  # also what the package says for an empty key
        return EMPTY if obj.pk is None else deleted(obj.pk)
    if isinstance(obj, get_user_model()):
        return formats.display_name(obj)
    return str(obj)


class ReadableChanges(HistoricalRecordContextHelper):
    """The "changes" column of the admin's history: labels and values as the pages write them."""

    def prepare_delta_change_value(self, change, value):
        model_field = self.model._meta.get_field(change.field)
        if model_field.many_to_many:
            target = get_m2m_reverse_field_name(model_field)
            return "; ".join(named(row[target]) for row in value) or EMPTY
        if model_field.many_to_one or model_field.one_to_one:
            return named(value)
        return shown(model_field, value)


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history pages speak the portal's language."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            record.kind_label = KIND_LABELS[HISTORY_TYPES[record.history_type]]
            record.user_label = formats.display_name(record.history_user, _("Hệ thống"))

    def history_view_title(self, request, obj):
        return _("Lịch sử thay đổi: %(object)s") % {"object": obj}

    def history_form_view_title(self, request, obj):
        if self.revert_disabled(request, obj):
            return _("Xem phiên bản cũ: %(object)s") % {"object": obj}
        return _("Khôi phục phiên bản cũ: %(object)s") % {"object": obj}
