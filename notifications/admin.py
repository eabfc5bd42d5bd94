from django.contrib import admin

from notifications.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("kind", "email", "due", "variant", "status", "attempts", "created_at", "sent_at", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("email",)
    date_hierarchy = "created_at"
    # The sealed message of a composed mail is of no use to anyone reading the admin.
    exclude = ("payload",)
    readonly_fields = [f.name for f in Delivery._meta.fields if f.name != "payload"]
    list_select_related = ("content_type",)

    def has_add_permission(self, request) -> bool:
        return False  # rows are claims made by the sweep and the notices, never by hand
