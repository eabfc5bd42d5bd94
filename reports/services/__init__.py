"""Writes of the reports app: roster import (roster.py) and exports (exports.py)."""
