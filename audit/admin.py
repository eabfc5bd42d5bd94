from django.contrib import admin

from audit.models import AuditEntry
from audit.references import render


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "target_type", "target_id", "rendered_summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "summary", "target_id"]
    date_hierarchy = "created_at"

    @admin.display(description="summary")
    def rendered_summary(self, obj: AuditEntry) -> str:
        return render([obj.summary])[0]

    # Read-only even for superusers: the log is evidence.
    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
