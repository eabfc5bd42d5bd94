"""Sent after a flash conversation's change commits; notifications listens (left to right)."""

from django.dispatch import Signal

flash_requested = Signal()  # conversation
flash_answered = Signal()  # conversation (accepted or declined)
