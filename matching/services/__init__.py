"""Matching services: inputs (ORM -> engine), runs (start, execute, publish, compare),
review (lock, reject, swap, add by hand, why not) and choice (mentee ranking, mentor answers)."""
