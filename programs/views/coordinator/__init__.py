"""Coordinator pages: programs and cycles, applications, pairs, events and attendance, help.

Every view is behind coordinator_required (403 for other roles, login for anonymous) and loads
its object through programs.views.coordinator._access, which 404s on programs the user does not run.
"""

from programs.views.coordinator.applications import cycle_applications
from programs.views.coordinator.cycles import cycle_create, cycle_detail, cycle_edit
from programs.views.coordinator.events import event_cancel, event_create, event_edit, event_rsvps, program_events
from programs.views.coordinator.help import cycle_help, flag_resolve, help_request_reply, help_request_resolve
from programs.views.coordinator.home import coordinator_home, program_create, program_edit
from programs.views.coordinator.pairs import cycle_pairs, pair_complete, pair_end

__all__ = [
    "coordinator_home",
    "cycle_applications",
    "cycle_create",
    "cycle_detail",
    "cycle_edit",
    "cycle_help",
    "cycle_pairs",
    "event_cancel",
    "event_create",
    "event_edit",
    "event_rsvps",
    "flag_resolve",
    "help_request_reply",
    "help_request_resolve",
    "pair_complete",
    "pair_end",
    "program_create",
    "program_edit",
    "program_events",
]
