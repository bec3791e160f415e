from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import CommuneAlias, ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """The import log, read-only: batches are made and applied by the import pages."""

    list_display = [
        "uploaded_at",
        "kind",
        "decision",
        "year",
        "file_name",
        "status",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
        "uploaded_by",
        "applied_at",
    ]
    list_filter = ["kind", "status", "year"]
    list_select_related = ["decision", "uploaded_by"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "uploaded_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CommuneAlias)
class CommuneAliasAdmin(admin.ModelAdmin):
    """Spellings picked in import previews: listed to be checked, removed when wrong.

    Made only by confirming a pick (who, when and which import are the record);
    nothing here to add or edit.
    """

    list_display = ["spelling", "commune", "district", "created_by", "created_at", "import_batch"]
    list_filter = [("commune__district", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["commune__district", "district", "created_by", "batch"]
    search_fields = ["spelling", "key", "commune__name", "commune__search_name"]
    date_hierarchy = "created_at"

    @admin.display(description=_("lần nhập"), ordering="batch")
    def import_batch(self, alias):
        if alias.batch_id is None:
            return "—"
        url = reverse("reports:import_preview", args=[alias.batch_id])
        return format_html('<a href="{}">#{}</a>', url, alias.batch_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
