from django.contrib import admin

from reports.models import ExportFile, RosterImport


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    """Read-only: imports are previewed and applied through the HR pages, which audit them."""

    list_display = ["created_at", "filename", "uploaded_by", "status", "applied_at"]
    list_filter = ["status"]
    exclude = ["rows", "upload"]  # up to 100,000 parsed rows, or a 10 MB file: too big for a form
    readonly_fields = [f.name for f in RosterImport._meta.fields if f.name not in ("rows", "upload")]

    def get_queryset(self, request):  # noqa: ANN001, ANN201
        return super().get_queryset(request).defer("rows", "upload")

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


@admin.register(ExportFile)
class ExportFileAdmin(admin.ModelAdmin):
    list_display = ["created_at", "requested_by", "report", "file_format", "row_count", "status"]
    list_filter = ["status", "report"]
    readonly_fields = [f.name for f in ExportFile._meta.fields]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
