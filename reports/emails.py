"""E-mails the reports app sends, one function per e-mail (templates/emails/<name>/)."""

from __future__ import annotations

from typing import Any

from mentorship.emails import send_templated


def roster_separations(*, program: Any, pairs: list[tuple[Any, str]]) -> int:
    """Tell a program's coordinators which of its pairs ended because someone left."""
    to = sorted({u.email for u in program.coordinators.all() if u.email})
    if not to:
        return 0
    items = [{"pair": pair, "reason": reason, "url": pair.get_absolute_url()} for pair, reason in pairs]
    return send_templated("roster_separations", to=to, context={"program": program, "items": items})


def export_ready(*, export_file: Any, keep_days: int) -> int:
    """Send the person who asked for a large export the link to download it."""
    return send_templated(
        "export_ready",
        to=[export_file.requested_by.email],
        context={"export": export_file, "url": export_file.get_absolute_url(), "keep_days": keep_days},
    )


def roster_applied(*, roster_import: Any, to: str, result: dict[str, int] | None, error: str) -> int:
    """Tell HR how a roster import that a worker applied went."""
    return send_templated(
        "roster_applied",
        to=[to],
        context={"import": roster_import, "result": result, "error": error, "url": roster_import.get_absolute_url()},
    )
