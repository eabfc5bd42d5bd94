"""Domain signals the programs app sends after a change commits.

Apps to the right (notifications, surveys) listen to these instead of programs importing them,
which keeps the dependency direction of docs/ARCHITECTURE.md. Services send each signal from
`transaction.on_commit`, so a listener never sees a change that was rolled back.
Every signal passes `sender` (the model class) and the keyword arguments named below.
"""

from django.dispatch import Signal

# enrollment=Enrollment, decided_by=User — after a coordinator approves, waitlists or declines.
enrollment_decided = Signal()
# event=Event — a new event was scheduled (invitations go out).
event_scheduled = Signal()
# event=Event, changes=list[str] — the time or place of an event changed (event.sequence bumped).
event_changed = Signal()
# event=Event — an event was cancelled.
event_cancelled = Signal()
# mentorship=Mentorship — a pair was created (by hand, by publishing a match run, or by choice).
mentorship_created = Signal()
# mentorship=Mentorship — a pair ended early or was completed.
mentorship_ended = Signal()
# rsvp=RSVP — someone was moved from the waitlist to going.
rsvp_promoted = Signal()
# help_request=HelpRequest — a participant asked the coordinator for help or a rematch.
help_requested = Signal()
# cycle=Cycle — a cycle was created (its milestone events exist by then).
cycle_created = Signal()
