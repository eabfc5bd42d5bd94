"""Sent after a circle change commits; notifications listens (it sits to the right)."""

from django.dispatch import Signal

member_added = Signal()  # member: a CircleMember given a seat (by hand, an application, or a published run)
