from django.contrib import admin

from notifications.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("kind", "email", "due", "variant", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("email",)
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Delivery._meta.fields]
    list_select_related = ("content_type",)

    def has_add_permission(self, request) -> bool:
        return False  # rows are claims made by the sweep and the notices, never by hand
