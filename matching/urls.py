from django.urls import path

from matching.views import coordinator, participant

app_name = "matching"

urlpatterns = [
    # Coordinators (matching/views/coordinator.py)
    path("", coordinator.index, name="index"),
    path("cycles/<int:pk>/", coordinator.cycle_matching, name="cycle"),
    path("cycles/<int:pk>/settings/", coordinator.settings_edit, name="settings"),
    path("cycles/<int:pk>/bans/", coordinator.ban_create, name="ban-create"),
    path("bans/<int:pk>/delete/", coordinator.ban_delete, name="ban-delete"),
    path("cycles/<int:pk>/runs/new/", coordinator.run_start, name="run-start"),
    path("cycles/<int:pk>/coverage/", coordinator.coverage, name="coverage"),
    path("cycles/<int:pk>/compare/", coordinator.compare, name="compare"),
    path("pairs/<int:pk>/rematch/", coordinator.rematch, name="rematch"),
    path("runs/<int:pk>/", coordinator.run_detail, name="run-detail"),
    path("runs/<int:pk>/status/", coordinator.run_status, name="run-status"),
    path("runs/<int:pk>/audit/", coordinator.run_audit, name="run-audit"),
    path("runs/<int:pk>/audit.<str:fmt>", coordinator.run_audit_export, name="run-audit-export"),
    path("runs/<int:pk>/proposals/<int:proposal_pk>/lock/", coordinator.proposal_lock, name="proposal-lock"),
    path("runs/<int:pk>/proposals/<int:proposal_pk>/reject/", coordinator.proposal_reject, name="proposal-reject"),
    path("runs/<int:pk>/seats/<int:seat_pk>/lock/", coordinator.seat_lock, name="seat-lock"),
    path("runs/<int:pk>/seats/<int:seat_pk>/reject/", coordinator.seat_reject, name="seat-reject"),
    path("runs/<int:pk>/swap/", coordinator.run_swap, name="run-swap"),
    path("runs/<int:pk>/add/", coordinator.run_add, name="run-add"),
    path("runs/<int:pk>/rerun/", coordinator.run_rerun, name="run-rerun"),
    path("runs/<int:pk>/publish/", coordinator.run_publish, name="run-publish"),
    # Participants (matching/views/participant.py)
    path("choose/", participant.choice_list, name="choice-list"),
    path("choose/<int:cycle_pk>/", participant.choice, name="choice"),
    path("requests/", participant.requests_list, name="requests"),
    path("requests/<int:pk>/", participant.request_decide, name="request-decide"),
]
