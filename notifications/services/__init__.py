"""Reminder services: claims (claims.py), sending one delivery (sending.py), the periodic sweep
(sweep.py), notices that follow a change (notices.py), the coordinator digest (digest.py) and
survey reminders (surveys.py)."""

from notifications.services.claims import deliveries_queue, deliveries_to_queue
from notifications.services.sending import TransientSendError, delivery_send
from notifications.services.sweep import SweepResult, sweep

__all__ = ["SweepResult", "TransientSendError", "deliveries_queue", "deliveries_to_queue", "delivery_send", "sweep"]
