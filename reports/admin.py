from django.contrib import admin

from .models import ImportBatch


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
