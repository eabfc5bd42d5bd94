"""Signals the accounts app sends. Receivers live in the apps that care (profiles links the
new login to its employee record), so accounts does not need to know about them."""

from django.dispatch import Signal

# Sent inside the transaction that creates the login, with user= and invitation=.
invitation_accepted = Signal()
