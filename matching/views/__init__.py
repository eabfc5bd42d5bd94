"""Matching pages: coordinator.py (runs, review, settings, coverage) and participant.py (choice)."""
