"""E-mails the reports app asks for, one function per e-mail (templates/emails/<name>/).

Each is rendered now and recorded in the delivery ledger (common.mail): a worker sends it after
the surrounding transaction commits, so an SMTP failure never fails an import or an export.
"""

from __future__ import annotations

import hashlib
from typing import Any

from common.mail import Mail, compose, mail_queue


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def roster_separations(*, program: Any, pairs: list[tuple[Any, str]]) -> int:
    """Tell a program's coordinators which of its pairs ended because someone left."""
    coordinators = sorted({(u.email, u.pk) for u in program.coordinators.all() if u.email})
    if not coordinators:
        return 0
    items = [{"pair": pair, "reason": reason, "url": pair.get_absolute_url()} for pair, reason in pairs]
    message = compose("roster_separations", {"program": program, "items": items})
    # One mail per set of ended pairs: two imports on one day ending different pairs send two.
    variant = "pairs-" + _digest(",".join(str(pair.pk) for pair, _ in sorted(pairs, key=lambda p: p[0].pk)))
    return mail_queue(
        *(
            Mail(
                kind="roster_separations",
                to=email,
                about=program,
                variant=variant,
                user_id=pk,
                program_id=program.pk,
                message=message,
            )
            for email, pk in coordinators
        )
    )


def export_ready(*, export_file: Any, keep_days: int) -> int:
    """Send the person who asked for a large export the link to download it."""
    user = export_file.requested_by
    message = compose(
        "export_ready",
        {"export": export_file, "url": export_file.get_absolute_url(), "keep_days": keep_days},
    )
    return mail_queue(
        Mail(
            kind="export_ready",
            to=user.email,
            about=export_file,
            user_id=user.pk,
            requested_by_id=user.pk,
            message=message,
        )
    )


def roster_applied(*, roster_import: Any, to: str, result: dict[str, int] | None, error: str) -> int:
    """Tell HR how a roster import that a worker applied went."""
    message = compose(
        "roster_applied",
        {"import": roster_import, "result": result, "error": error, "url": roster_import.get_absolute_url()},
    )
    variant = f"error-{_digest(error)}" if error else "applied"
    return mail_queue(Mail(kind="roster_applied", to=to, about=roster_import, variant=variant, message=message))
