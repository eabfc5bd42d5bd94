"""What is waiting to be queued: a non-empty list for long means the broker is unreachable."""

from django.contrib import admin

from common.models import PendingTask


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin):
    list_display = ("task", "args", "created_at", "attempts", "last_error", "claimed_until")
    readonly_fields = ("task", "args", "created_at", "attempts", "last_error", "claimed_until")
    list_filter = ("task",)
