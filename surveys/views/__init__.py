"""Surveys views: coordinator.py (building, sending, results) and participant.py (answering)."""
