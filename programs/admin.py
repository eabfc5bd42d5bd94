"""Back office for programs. Day-to-day work happens on the coordinator pages; this is for fixing data.

Meeting notes are private to the pair, so the admin never shows them (not in lists, forms or inlines).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from programs.models import (
    RSVP,
    Agreement,
    Cycle,
    Enrollment,
    Event,
    HelpReply,
    HelpRequest,
    Meeting,
    MeetingRequest,
    Mentorship,
    PairFlag,
    Program,
)

PERSON_SEARCH = ["person__first_name", "person__last_name", "person__email"]
PAIR_SEARCH = [
    "mentorship__mentor__first_name",
    "mentorship__mentor__last_name",
    "mentorship__mentee__first_name",
    "mentorship__mentee__last_name",
]


class CycleInline(admin.TabularInline):
    model = Cycle
    fields = ["name", "starts_on", "ends_on", "applications_open_on", "applications_close_on", "matching_on"]
    extra = 0
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "scope", "department", "created_at"]
    list_filter = ["scope", "department"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["department", "coordinators"]
    list_select_related = ["department"]
    inlines = [CycleInline]


class EventInline(admin.TabularInline):
    model = Event
    fields = ["kind", "title", "starts_at", "ends_at", "location", "capacity", "cancelled_at", "sequence"]
    readonly_fields = ["sequence"]
    extra = 0
    show_change_link = True


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "starts_on", "ends_on", "applications_open_on", "applications_close_on",
                    "mentee_choice", "allow_repeat_pairs"]
    list_filter = ["program", "mentee_choice", "allow_repeat_pairs"]
    search_fields = ["name", "program__name"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["program"]
    list_select_related = ["program"]
    inlines = [EventInline]


class RSVPInline(admin.TabularInline):
    model = RSVP
    fields = ["person", "status", "guests", "attended", "responded_at"]
    autocomplete_fields = ["person"]
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "program", "cycle", "starts_at", "location", "capacity", "open_to_alumni",
                    "cancelled_at", "sequence"]
    list_filter = ["kind", "open_to_alumni", "program", ("cancelled_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "description", "location", "program__name", "cycle__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["program", "cycle"]
    list_select_related = ["program", "cycle"]
    readonly_fields = ["sequence", "created_at"]
    inlines = [RSVPInline]


@admin.register(RSVP)
class RSVPAdmin(admin.ModelAdmin):
    list_display = ["person", "event", "status", "guests", "attended", "responded_at"]
    list_filter = ["status", "attended", "event__program"]
    search_fields = [*PERSON_SEARCH, "event__title"]
    autocomplete_fields = ["person", "event"]
    list_select_related = ["person", "event"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "status", "cycle", "capacity", "applied_at", "decided_at", "decided_by"]
    list_filter = ["role", "status", "cycle__program", "cycle"]
    search_fields = [*PERSON_SEARCH, "cycle__name"]
    autocomplete_fields = ["person", "cycle", "goals", "decided_by"]
    list_select_related = ["person", "cycle__program", "decided_by"]
    date_hierarchy = "applied_at"


class AgreementInline(admin.StackedInline):
    model = Agreement
    fields = ["cadence", "meeting_format", "goals", "expectations", "mentor_agreed_at", "mentee_agreed_at"]
    autocomplete_fields = ["goals"]
    extra = 0


class MeetingInline(admin.TabularInline):
    """Read-only: the pair logs its own meetings. Private notes are left out on purpose."""

    model = Meeting
    fields = ["scheduled_at", "meeting_format", "duration_minutes", "status", "logged_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class HelpRequestInline(admin.TabularInline):
    model = HelpRequest
    fields = ["kind", "requested_by", "created_at", "resolved_at", "resolution"]
    readonly_fields = ["kind", "requested_by", "created_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "cycle", "status", "source", "started_on", "ended_on", "meeting_count"]
    list_filter = ["status", "source", "cycle__program", "cycle"]
    search_fields = ["mentor__first_name", "mentor__last_name", "mentor__email",
                     "mentee__first_name", "mentee__last_name", "mentee__email"]
    autocomplete_fields = ["cycle", "mentor", "mentee", "created_by"]
    list_select_related = ["mentor", "mentee", "cycle__program"]
    readonly_fields = ["created_at"]
    inlines = [AgreementInline, MeetingInline, HelpRequestInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mentorship]:
        return super().get_queryset(request).annotate(meeting_total=Count("meetings"))

    @admin.display(description="meetings", ordering="meeting_total")
    def meeting_count(self, obj: Mentorship) -> int:
        return obj.meeting_total


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "cadence", "meeting_format", "mentor_agreed_at", "mentee_agreed_at", "updated_at"]
    list_filter = ["cadence", "meeting_format"]
    search_fields = PAIR_SEARCH
    autocomplete_fields = ["mentorship", "goals"]
    list_select_related = ["mentorship__mentor", "mentorship__mentee"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "scheduled_at", "meeting_format", "duration_minutes", "status"]
    list_filter = ["status", "meeting_format", "mentorship__cycle__program"]
    search_fields = PAIR_SEARCH
    date_hierarchy = "scheduled_at"
    autocomplete_fields = ["mentorship", "goals_touched", "logged_by"]
    list_select_related = ["mentorship__mentor", "mentorship__mentee"]
    exclude = ["private_notes"]


class HelpReplyInline(admin.TabularInline):
    """What the coordinators answered: read-only here, it was mailed as written."""

    model = HelpReply
    fields = ["created_at", "author", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    inlines = [HelpReplyInline]
    list_display = ["mentorship", "kind", "requested_by", "created_at", "resolved_at", "resolved_by"]
    list_filter = ["kind", ("resolved_at", admin.EmptyFieldListFilter), "mentorship__cycle__program"]
    search_fields = [*PAIR_SEARCH, "message", "resolution"]
    autocomplete_fields = ["mentorship", "requested_by", "resolved_by"]
    list_select_related = ["mentorship__mentor", "mentorship__mentee", "requested_by", "resolved_by"]
    readonly_fields = ["created_at"]


@admin.register(PairFlag)
class PairFlagAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "reason", "detail", "raised_at", "resolved_at", "resolved_by"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter), "mentorship__cycle__program"]
    search_fields = [*PAIR_SEARCH, "detail", "resolution"]
    autocomplete_fields = ["mentorship", "resolved_by"]
    list_select_related = ["mentorship__mentor", "mentorship__mentee", "resolved_by"]
    readonly_fields = ["raised_at"]


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "starts_at", "status", "proposed_by", "created_at", "responded_at"]
    list_filter = ["status", "mentorship__cycle__program"]
    search_fields = PAIR_SEARCH
    date_hierarchy = "starts_at"
    autocomplete_fields = ["mentorship", "proposed_by", "meeting"]
    list_select_related = ["mentorship__mentor", "mentorship__mentee", "proposed_by"]
    readonly_fields = ["created_at"]
