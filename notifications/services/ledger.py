"""Recording the mails other apps ask for (common.mail.mail_queue) as Delivery rows.

Registered with common.mail when Django starts (notifications.apps). The rows are inserted in
the caller's transaction and queued once it commits; a broker that cannot take them leaves
them pending for the sweep.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone

from common.mail import Mail, seal
from notifications.models import COMPOSED, Delivery, Kind
from notifications.services.claims import content_type_id, deliveries_claim, queue_after_commit


def mails_record(mails: Sequence[Mail]) -> int:
    if not mails:
        return 0
    today = timezone.localdate()
    rows = []
    for mail in mails:
        if mail.kind not in Kind.values:  # apps name kinds by string: a typo must not pass silently
            raise ValueError(f"Unknown kind of e-mail: {mail.kind!r}")
        if mail.kind in COMPOSED and mail.message is None:
            raise ValueError(f"A {mail.kind} mail is composed by the asking app: pass message=compose(...)")
        about = mail.about
        rows.append(
            Delivery(
                email=mail.to.strip().lower(),
                kind=mail.kind,
                content_type_id=content_type_id(about) if about is not None else None,
                object_id=about.pk if about is not None else None,
                due=mail.due or today,
                # A mail about nothing has no natural key: each request is its own mail.
                variant=mail.variant if about is not None else (mail.variant or secrets.token_hex(8)),
                person_id=mail.person_id,
                user_id=mail.user_id,
                program_id=mail.program_id,
                requested_by_id=mail.requested_by_id,
                payload=seal(mail.message) if mail.message is not None else "",
            )
        )
    deliveries_claim(rows=rows)
    queue_after_commit(
        scope=Q(kind__in={m.kind for m in mails}, email__in={r.email for r in rows}, status=Delivery.Status.PENDING)
    )
    return len(rows)
