"""Audit summaries name people through references, so that removing a person removes their name.

A summary is stored as "Paired {person:12} with {person:40}" and rendered when the log is read:
a person is shown by their current name, a person whose data was removed (privacy) as "a former
participant". The stored text never holds the name, so an anonymised person's name cannot
survive in the log, however many entries mention them.

audit sits left of every app, so it does not know how to name a person: the app that owns
people registers a resolver (profiles, in its AppConfig.ready). Logins are resolved here.

Entries written before references existed hold names as plain text; `scrub` rewrites those
into references when a person is anonymised. That is the one edit the append-only log allows,
because the law on personal data outranks the log's own rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, TextField, Value
from django.db.models.functions import Cast, Replace

from audit.models import AuditEntry

FORMER = "a former participant"
REFERENCE = re.compile(r"\{(?P<kind>[a-z]+):(?P<pk>\d+)\}")
# kind -> function from a set of ids to {id: label}; a missing id renders as FORMER.
Resolver = Callable[[set[int]], dict[int, str]]
_resolvers: dict[str, Resolver] = {}


def register(kind: str, resolver: Resolver) -> None:
    _resolvers[kind] = resolver


def person_ref(person: Any) -> str:
    """How a summary names a person (profiles.Person)."""
    return f"{{person:{person.pk}}}"


def user_ref(user: Any) -> str:
    """How a summary names a login."""
    return f"{{user:{user.pk}}}"


def _user_labels(ids: set[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=ids)
    return {user.pk: user.email for user in users}


register("user", _user_labels)


def render(summaries: Iterable[str]) -> list[str]:
    """The summaries as people read them, with one query per kind of reference for all of them."""
    summaries = list(summaries)
    wanted: dict[str, set[int]] = {}
    for summary in summaries:
        for match in REFERENCE.finditer(summary):
            wanted.setdefault(match["kind"], set()).add(int(match["pk"]))
    labels = {kind: _resolvers[kind](ids) if kind in _resolvers else {} for kind, ids in wanted.items()}

    def label(match: re.Match[str]) -> str:
        return labels.get(match["kind"], {}).get(int(match["pk"]), FORMER)

    return [REFERENCE.sub(label, summary) for summary in summaries]


def render_entries(entries: Iterable[AuditEntry]) -> None:
    """Set `summary_text` on each entry: the summary with its references rendered."""
    entries = list(entries)
    for entry, text in zip(entries, render(e.summary for e in entries), strict=True):
        entry.summary_text = text


def scrub(*, person: Any, names: Iterable[str], user_id: int | None = None) -> int:
    """Replace every plain mention of an anonymised person in the log by their reference.

    `names` are the texts that identified them (full name, e-mail addresses). Summaries, the
    actor label of entries they made and the strings inside entries' data are rewritten; the
    login's references become the person's, which renders as FORMER. Returns the entries changed.
    """
    ref = person_ref(person)
    names = sorted({n for n in names if n and len(n.strip()) >= 3}, key=len, reverse=True)
    changed: set[int] = set()
    if user_id is not None:
        names.append(f"{{user:{user_id}}}")
        by_them = AuditEntry.objects.filter(actor_id=user_id)
        changed |= set(by_them.values_list("pk", flat=True))
        by_them.update(actor_label=FORMER)
    for name in names:
        entries = AuditEntry.objects.filter(summary__contains=name)
        changed |= set(entries.values_list("pk", flat=True))
        entries.update(summary=Replace(F("summary"), Value(name), Value(ref)))
        mentioned = AuditEntry.objects.filter(actor_label__iexact=name)
        changed |= set(mentioned.values_list("pk", flat=True))
        mentioned.update(actor_label=FORMER)
    # The data is JSON: rewritten in Python, value by value, so no escaping can break it.
    if names:
        data_text = AuditEntry.objects.annotate(text=Cast("data", TextField()))
        pattern = "|".join(re.escape(n) for n in names)
        for entry in data_text.filter(text__iregex=pattern):
            entry.data = _replace_in(entry.data, re.compile(pattern, re.IGNORECASE), ref)
            entry.save(update_fields=["data"])
            changed.add(entry.pk)
    return len(changed)


def _replace_in(value: Any, pattern: re.Pattern[str], ref: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(ref, value)
    if isinstance(value, list):
        return [_replace_in(v, pattern, ref) for v in value]
    if isinstance(value, dict):
        return {k: _replace_in(v, pattern, ref) for k, v in value.items()}
    return value
