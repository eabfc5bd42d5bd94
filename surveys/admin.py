"""Back-office views. Anonymous responses are read-only and show no identity (there is none)."""

from django.contrib import admin

from surveys.models import Invitation, Question, Response, Survey, SurveyTemplate


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "kind", "text", "required", "measure"]


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "anonymous", "audience"]
    list_filter = ["anonymous", "program"]
    inlines = [QuestionInline]
    exclude = ["created_by"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "cycle", "audience", "opens_on", "closes_on", "opened_at", "anonymous"]
    list_filter = ["anonymous", "audience"]
    list_select_related = ["cycle__program"]
    raw_id_fields = ["cycle", "template", "event", "created_by"]
    readonly_fields = ["opened_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["survey", "person", "role", "sent_at", "used"]
    list_select_related = ["survey", "person"]
    raw_id_fields = ["survey", "person", "mentorship"]
    readonly_fields = ["nonce", "token_hash", "used", "sent_at"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["survey", "anonymous", "role", "submitted_on"]
    list_select_related = ["survey"]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
