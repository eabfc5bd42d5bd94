from django.urls import path

from programs.views import coordinator, participant

app_name = "programs"

# --- Participant portal (programs/views/participant.py) ---------------------------------------
participant_urls = [
    path("me/", participant.participant_home, name="participant-home"),
    path("me/apply/", participant.apply_list, name="apply-list"),
    path("me/apply/<int:cycle_pk>/<str:role>/", participant.apply, name="apply"),
    path("me/applications/<int:pk>/withdraw/", participant.enrollment_withdraw, name="enrollment-withdraw"),
    path("me/events/", participant.event_list, name="event-list"),
    path("events/<int:pk>/", participant.event_detail, name="event-detail"),
    path("events/<int:pk>/rsvp/", participant.event_rsvp, name="event-rsvp"),
    path("pairs/<int:pk>/", participant.mentorship_detail, name="mentorship-detail"),
    path("pairs/<int:pk>/private-notes/", participant.mentorship_private_notes, name="mentorship-private-notes"),
    path("pairs/<int:pk>/agreement/", participant.agreement_edit, name="agreement-edit"),
    path("pairs/<int:pk>/agreement/confirm/", participant.agreement_confirm, name="agreement-confirm"),
    path("pairs/<int:pk>/meetings/new/", participant.meeting_schedule, name="meeting-schedule"),
    path("pairs/<int:pk>/meetings/log/", participant.meeting_record, name="meeting-record"),
    path("pairs/<int:pk>/meetings/<int:meeting_pk>/log/", participant.meeting_log, name="meeting-log"),
    path("pairs/<int:pk>/meetings/<int:meeting_pk>/cancel/", participant.meeting_cancel, name="meeting-cancel"),
    path("pairs/<int:pk>/meetings/propose/", participant.meeting_propose, name="meeting-propose"),
    path(
        "pairs/<int:pk>/meeting-requests/<int:request_pk>/accept/",
        participant.meeting_request_accept,
        name="meeting-request-accept",
    ),
    path(
        "pairs/<int:pk>/meeting-requests/<int:request_pk>/decline/",
        participant.meeting_request_decline,
        name="meeting-request-decline",
    ),
    path(
        "pairs/<int:pk>/meeting-requests/<int:request_pk>/withdraw/",
        participant.meeting_request_withdraw,
        name="meeting-request-withdraw",
    ),
    path("pairs/<int:pk>/goals/<int:goal_pk>/notes/", participant.goal_note_add, name="goal-note-add"),
    path("pairs/<int:pk>/help/", participant.pair_help, name="pair-help"),
]

# --- Coordinator pages (programs/views/coordinator.py) ----------------------------------------
coordinator_urls = [
    path("coordinate/", coordinator.coordinator_home, name="coordinator-home"),
    path("coordinate/programs/new/", coordinator.program_create, name="program-create"),
    path("coordinate/programs/<slug:slug>/edit/", coordinator.program_edit, name="program-edit"),
    path("coordinate/programs/<slug:slug>/cycles/new/", coordinator.cycle_create, name="cycle-create"),
    path("coordinate/programs/<slug:slug>/events/", coordinator.program_events, name="program-events"),
    path("coordinate/programs/<slug:slug>/events/new/", coordinator.event_create, name="event-create"),
    path("coordinate/cycles/<int:pk>/", coordinator.cycle_detail, name="cycle-detail"),
    path("coordinate/cycles/<int:pk>/edit/", coordinator.cycle_edit, name="cycle-edit"),
    path("coordinate/cycles/<int:pk>/applications/", coordinator.cycle_applications, name="cycle-applications"),
    path("coordinate/cycles/<int:pk>/pairs/", coordinator.cycle_pairs, name="cycle-pairs"),
    path("coordinate/cycles/<int:pk>/help/", coordinator.cycle_help, name="cycle-help"),
    path("coordinate/pairs/<int:pk>/end/", coordinator.pair_end, name="pair-end"),
    path("coordinate/pairs/<int:pk>/complete/", coordinator.pair_complete, name="pair-complete"),
    path("coordinate/help-requests/<int:pk>/resolve/", coordinator.help_request_resolve, name="help-resolve"),
    path("coordinate/help-requests/<int:pk>/reply/", coordinator.help_request_reply, name="help-reply"),
    path("coordinate/flags/<int:pk>/resolve/", coordinator.flag_resolve, name="flag-resolve"),
    path("coordinate/events/<int:pk>/edit/", coordinator.event_edit, name="event-edit"),
    path("coordinate/events/<int:pk>/cancel/", coordinator.event_cancel, name="event-cancel"),
    path("coordinate/events/<int:pk>/replies/", coordinator.event_rsvps, name="event-rsvps"),
]

urlpatterns = participant_urls + coordinator_urls
