"""Programs views, split by audience: participant.py (the portal) and coordinator.py."""
