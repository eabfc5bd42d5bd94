"""Answering and resolving help requests, and resolving at-risk flags."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from common.text import clean_text
from programs import emails
from programs.models import HelpReply, HelpRequest, PairFlag

# The flag a help request raises, by kind of request (see the portal's help request service).
FLAG_FOR_REQUEST = {HelpRequest.Kind.HELP: PairFlag.Reason.HELP, HelpRequest.Kind.REMATCH: PairFlag.Reason.REMATCH}


REPLY_MAX = 4000


@transaction.atomic
def help_reply_create(*, help_request: HelpRequest, by: Any, text: str) -> HelpReply:
    """A coordinator's reply to a help request: kept on the request and mailed to who asked.

    Sending the same words twice (a double click, a resubmitted form) adds nothing and mails
    nothing: the request's row is locked, so two submits at once are judged one after the other.
    """
    text = clean_text(text).strip()
    if not text:
        raise ValidationError({"text": "Write a reply before sending it."})
    if len(text) > REPLY_MAX:
        raise ValidationError({"text": f"A reply holds at most {REPLY_MAX} characters; this one has {len(text)}."})
    locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if HelpReply.objects.filter(help_request=locked, text=text).exists():
        raise ValidationError("This reply was already sent.")
    reply = HelpReply.objects.create(help_request=help_request, author=by, text=text)
    reply.help_request = help_request  # with its pair and people loaded, for the mail
    # The words stay out of the log's summary: every program's coordinators read the log page.
    audit_record(
        actor=by, action="help.reply", target=help_request, summary=help_request.get_kind_display(),
        data={"reply": reply.pk},
    )
    emails.help_reply(reply)
    return reply


@transaction.atomic
def help_request_resolve(*, help_request: HelpRequest, by: Any, resolution: str) -> HelpRequest:
    """Close a help request with a note. The flag it raised closes too, unless another request of that kind is open."""
    if not resolution.strip():
        raise ValidationError({"resolution": "Say what was done."})
    locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if locked.resolved_at is not None:
        raise ValidationError("This request was already resolved.")
    now = timezone.now()
    help_request.resolved_at, help_request.resolved_by = now, by
    help_request.resolution = resolution.strip()[:500]
    help_request.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    still_open = HelpRequest.objects.filter(
        mentorship=help_request.mentorship_id, kind=help_request.kind, resolved_at__isnull=True
    ).exists()
    if not still_open:
        PairFlag.objects.filter(
            mentorship=help_request.mentorship_id, reason=FLAG_FOR_REQUEST[help_request.kind], resolved_at__isnull=True
        ).update(resolved_at=now, resolved_by=by, resolution=help_request.resolution)
    # What was done stays in the entry's data: every program's coordinators read the log page's summaries.
    audit_record(
        actor=by, action="help.resolve", target=help_request, summary=help_request.get_kind_display(),
        data={"resolution": help_request.resolution},
    )
    return help_request


@transaction.atomic
def pair_flag_resolve(*, flag: PairFlag, by: Any, resolution: str) -> PairFlag:
    if not resolution.strip():
        raise ValidationError({"resolution": "Say what was done."})
    locked = PairFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.resolved_at is not None:
        raise ValidationError("This flag was already resolved.")
    flag.resolved_at, flag.resolved_by, flag.resolution = timezone.now(), by, resolution.strip()[:500]
    flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit_record(
        actor=by, action="flag.resolve", target=flag, summary=flag.get_reason_display(), data={"resolution": flag.resolution}
    )
    return flag
