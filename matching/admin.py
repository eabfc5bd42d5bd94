from django.contrib import admin

from matching.models import MatchBan, MatchProposal, MatchRun, MatchSettings, MenteeChoice


@admin.register(MatchSettings)
class MatchSettingsAdmin(admin.ModelAdmin):
    list_display = ["cycle", "mode", "updated_at"]
    list_select_related = ["cycle__program"]


@admin.register(MatchBan)
class MatchBanAdmin(admin.ModelAdmin):
    list_display = ["cycle", "mentor", "mentee", "reason", "created_at"]
    list_select_related = ["cycle__program", "mentor", "mentee"]
    raw_id_fields = ["mentor", "mentee", "created_by"]


class MatchProposalInline(admin.TabularInline):
    model = MatchProposal
    fields = ["mentor", "mentee", "score", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    # Runs are changed through the review page (rules and audit); the admin only looks.
    list_display = ["pk", "cycle", "status", "mode", "matched_count", "total_score", "created_at", "published_at"]
    list_filter = ["status", "mode"]
    list_select_related = ["cycle__program"]
    readonly_fields = [f.name for f in MatchRun._meta.fields]
    inlines = [MatchProposalInline]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(MenteeChoice)
class MenteeChoiceAdmin(admin.ModelAdmin):
    list_display = ["cycle", "mentee", "mentor", "rank", "status", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["cycle__program", "mentee", "mentor"]
    raw_id_fields = ["mentee", "mentor"]
