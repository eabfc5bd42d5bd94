"""A broken link fails a test instead of becoming a link to the home page.

The project once caught NoReverseMatch in views and e-mails and pointed the link at "/", and
asked for URL names that did not exist: nothing failed, people just landed on the wrong page.
Now nothing catches it, and these tests look for every way a link is made:

- every `{% url %}` tag in every template names a URL that exists, with arguments it accepts;
- every URL name written in Python (reverse, redirect, the e-mails' _url) exists likewise;
- every e-mail the project sends renders, and every link in it opens a page that exists;
- the main pages of every role link only to pages that exist.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from tests.access_scenario import Scenario, build_scenario

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
SKIPPED_DIRS = {".venv", "node_modules", ".git", "media", "__pycache__", "tests"}
URL_TAG = re.compile(r"{%\s*url\s+(?P<name>'[^']+'|\"[^\"]+\"|\S+)(?P<args>.*?)(?:\s+as\s+\w+)?\s*%}", re.S)
# reverse("x:y"), reverse_lazy(...), redirect("x:y", ...), the e-mails' _url("x:y", ...)
PY_NAME = re.compile(r"\b(?:reverse|reverse_lazy|redirect|_url)\(\s*[\"'](?P<name>[\w-]+(?::[\w-]+)*)[\"']")


def _url_params(full_name: str) -> list[set[str]] | None:
    """The parameter sets the named URL accepts (one per pattern), or None if no URL has that name."""
    resolver: URLResolver = get_resolver()
    *namespaces, name = full_name.split(":")
    for namespace in namespaces:
        if namespace not in resolver.namespace_dict:
            return None
        resolver = resolver.namespace_dict[namespace][1]
    if name not in resolver.reverse_dict:
        return None
    return [set(params) for possibilities, *_ in resolver.reverse_dict.getlist(name) for _, params in possibilities]


def _template_url_tags() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".txt"):
            for match in URL_TAG.finditer(path.read_text()):
                found.append((str(path.relative_to(ROOT)), match["name"], match["args"].strip()))
    return found


def test_templates_use_url_tags():
    # If the parser stopped finding tags, the test below would pass for nothing.
    assert len(_template_url_tags()) > 100


def test_every_url_tag_in_the_templates_names_a_url_that_exists_with_those_arguments():
    problems = []
    for where, quoted, args in _template_url_tags():
        if quoted[0] not in "'\"":
            problems.append(f"{where}: {{% url {quoted} %}} names its URL through a variable; write the name")
            continue
        name = quoted.strip("'\"")
        accepted = _url_params(name)
        if accepted is None:
            problems.append(f"{where}: no URL is named {name!r}")
            continue
        values = args.split()
        keywords = {value.split("=", 1)[0] for value in values if "=" in value}
        if keywords:
            ok = any(keywords == params for params in accepted)
        else:
            ok = any(len(values) == len(params) for params in accepted)
        if not ok:
            problems.append(f"{where}: {name!r} takes {sorted(map(sorted, accepted))}, the tag gives {args!r}")
    assert not problems, "\n".join(problems)


def _python_url_names() -> list[tuple[str, str]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts):
            continue
        for match in PY_NAME.finditer(path.read_text()):
            found.append((str(relative), match["name"]))
    return found


def test_every_url_name_written_in_python_exists():
    names = _python_url_names()
    assert len(names) > 50
    missing = [f"{where}: no URL is named {name!r}" for where, name in names if _url_params(name) is None]
    assert not missing, "\n".join(missing)


# --- Rendered: the e-mails and the main pages --------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    media_root = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=str(media_root)
    ):
        with transaction.atomic():
            yield build_scenario(media_root)
            transaction.set_rollback(True)


def _local_paths(text: str) -> set[str]:
    """Every link in an e-mail to this site, as a path."""
    site = re.escape(settings.SITE_URL)
    return {urlsplit(url).path or "/" for url in re.findall(rf"{site}[^\s\"'<>)]*", text)}


def _unresolvable(paths: set[str]) -> list[str]:
    broken = []
    for path in sorted(paths):
        try:
            resolve(path)
        except Resolver404:
            broken.append(path)
    return broken


def _every_email(s: Scenario) -> list[Any]:
    """Build each e-mail the project has once, with the scenario's objects, as the worker would."""
    from accounts.emails import send_invitation
    from accounts.models import Invitation as AccountInvitation
    from matching.emails import mentee_choice_declined
    from notifications.emails import SENDERS, composed, load_subject
    from notifications.models import Delivery
    from programs import emails as program_emails
    from reports import emails as report_emails

    rsvp = s.event.rsvps.select_related("person").first()
    subject_of = {
        "event_": s.event, "rsvp_": rsvp, "applications_": s.cycle, "choice_": s.cycle, "enrollment_": s.enrollment,
        "matched": s.pair, "meeting_nudge": s.pair, "help_": s.help_request, "coordinator_": s.users["coord"],
        "flash_": s.flash, "survey_": s.invitation, "circle_": s.circle_member,
    }  # fmt: skip
    # The acceptance e-mail carries the agreed time: give the scenario's request one.
    type(s.flash).objects.filter(pk=s.flash.pk).update(starts_at=timezone.now() + timedelta(days=2))

    def delivery_for(kind: str, obj: Any) -> Delivery:
        is_user = obj is s.users["coord"]
        return Delivery.objects.create(
            email="links@example.gov",
            person=None if is_user else s.mentee,
            user=obj if is_user else None,
            kind=kind,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            due=timezone.localdate(),
        )

    messages = []
    for kind, sender in SENDERS.items():
        obj = next((o for prefix, o in subject_of.items() if kind.startswith(prefix)), None)
        assert obj is not None, f"tests/test_links.py has no object to send the {kind!r} e-mail about: add one"
        delivery = delivery_for(kind, obj)
        messages.append(sender(delivery, load_subject(delivery)))
    # Mails other apps compose go into the ledger with their message: read them back from it.
    before = set(Delivery.objects.values_list("pk", flat=True))
    mentee_choice_declined(s.choice)
    report_emails.roster_separations(program=s.program, pairs=[(s.pair, "left")])
    report_emails.export_ready(export_file=s.export_file, keep_days=7)
    report_emails.roster_applied(roster_import=s.roster_import, to="hr@example.gov", result={"new": 1}, error="")
    send_invitation(invitation=AccountInvitation.objects.first(), token=s.account_invitation_token, name="Nia")
    program_emails.help_reply(s.help_reply)
    program_emails.meeting_requested(s.meeting_request)
    for status in ("accepted", "declined"):
        s.meeting_request.status, s.meeting_request.response_note = status, "See you then."
        program_emails.meeting_request_answered(s.meeting_request)
    for delivery in Delivery.objects.exclude(pk__in=before):
        assert delivery.is_composed, delivery.kind
        messages.append(composed(delivery))
    return messages


def test_every_email_renders_and_links_only_to_pages_that_exist(world: Scenario, db: None, monkeypatch):
    import mentorship.emails

    rendered: set[str] = set()
    original = mentorship.emails.render_templated

    def recording(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
        rendered.add(name)
        return original(name, context)

    monkeypatch.setattr(mentorship.emails, "render_templated", recording)
    messages = _every_email(world)

    templates = {p.name for p in (TEMPLATES / "emails").iterdir() if p.is_dir()}
    assert templates - rendered == set(), "e-mail templates this test does not render: add them to _every_email"
    paths: set[str] = set()
    for message in messages:
        paths |= _local_paths(message.body)
        for content, _mimetype in message.alternatives:
            paths |= _local_paths(content)
    assert len(paths) > 10
    assert not _unresolvable(paths)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "action") and value:
                self.hrefs.add(value)


def _main_pages(s: Scenario) -> dict[str, list[str]]:
    return {
        "owner": [
            reverse("programs:participant-home"), reverse("programs:apply-list"), s.pair.get_absolute_url(),
            reverse("profiles:profile-edit"), reverse("profiles:idp"), reverse("profiles:directory"),
            reverse("privacy:my-data"), s.event.get_absolute_url(),
        ],
        "partner": [reverse("programs:participant-home"), s.pair.get_absolute_url()],
        "coord": [
            reverse("programs:coordinator-home"), reverse("profiles:people"), reverse("surveys:index"),
            reverse("audit:log"), s.cycle.get_absolute_url(), s.run.get_absolute_url(), s.survey.get_absolute_url(),
        ],
        "hr": [reverse("reports:retention"), reverse("reports:knowledge"), reverse("reports:roster-upload")],
    }  # fmt: skip


def test_main_pages_of_every_role_link_only_to_pages_that_exist(world: Scenario, db: None):
    broken = []
    for role, urls in _main_pages(world).items():
        client = world.clients[role]
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, (role, url, response.status_code)
            parser = _Links()
            parser.feed(response.content.decode())
            local = {urlsplit(h).path for h in parser.hrefs if h.startswith("/") and not h.startswith("//")}
            local -= {p for p in local if p.startswith(settings.STATIC_URL)}
            broken += [f"{role} {url} -> {path}" for path in _unresolvable(local)]
    assert not broken, "\n".join(broken)
