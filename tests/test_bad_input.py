"""Property test: random, hostile and oversized text thrown at the main forms never causes a
500, and whatever is echoed back is escaped.

Each form is found by GETting its page as its rightful user and reading the field names from
the HTML, so the test follows the forms as they change instead of restating them.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profiles.tests.factories import CoordinatorFactory, DevelopmentGoalFactory, PersonFactory, PersonSkillFactory
from programs.models import Event
from programs.tests.factories import EventFactory, MentorshipFactory, OpenCycleFactory
from surveys.models import QuestionKind
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory

SCRIPT = "<script>alert('x')</script>"
NASTY = [
    "",
    " ",
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "2026-02-30",
    "31/12/99999",
    "-1",
    "1e309",
    "NaN",
    "\x00\x01\x02",
    "Robert'); DROP TABLE profiles_person;--",
    "=HYPERLINK(\"http://evil\")",
    "é" * 5000,
    "x" * 100_000,
    "\ud7ff\ue000\U0001f600",
]
field_value = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=200),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


class _FormFields(HTMLParser):
    """Names of the fields of every POST form on a page (inputs, selects, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_post_form = False
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.in_post_form = (attributes.get("method") or "").lower() == "post"
        elif self.in_post_form and tag in ("input", "select", "textarea") and attributes.get("name"):
            if attributes.get("type") not in ("submit", "file") and attributes["name"] != "csrfmiddlewaretoken":
                self.names.add(attributes["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_post_form = False


def form_fields(html: str) -> list[str]:
    parser = _FormFields()
    parser.feed(html)
    return sorted(parser.names)


@pytest.fixture
def world(db):
    """One of everything the main forms need, with the users who may use them."""
    coordinator = CoordinatorFactory()
    mentee = PersonFactory()
    DevelopmentGoalFactory(person=mentee)
    PersonSkillFactory(person=mentee)
    pair = MentorshipFactory(mentee=mentee)
    pair.cycle.program.coordinators.add(coordinator)
    open_cycle = OpenCycleFactory(program=pair.cycle.program)
    event = EventFactory(cycle=pair.cycle, program=pair.cycle.program, kind=Event.Kind.KICKOFF, capacity=3)
    survey = OpenSurveyFactory(cycle=pair.cycle)
    for kind in QuestionKind.values:
        choices = ["Yes", "Somewhat", "No"] if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else []
        QuestionFactory(survey=survey, kind=kind, choices=choices)
    invitation = InvitationFactory(survey=survey, person=mentee)
    return {
        "coordinator": coordinator,
        "mentee": mentee.user,
        "mentor": pair.mentor.user,
        "forms": [
            ("mentee", "profiles:profile-edit", {}),
            ("mentee", "profiles:skills", {}),
            ("mentee", "profiles:goal-create", {}),
            ("mentee", "programs:apply", {"cycle_pk": open_cycle.pk, "role": "mentee"}),
            ("mentee", "programs:apply", {"cycle_pk": open_cycle.pk, "role": "mentor"}),
            ("mentee", "programs:event-rsvp", {"pk": event.pk}, "programs:event-detail"),
            ("mentee", "programs:pair-help", {"pk": pair.pk}, "programs:mentorship-detail"),
            ("mentee", "programs:agreement-edit", {"pk": pair.pk}),
            ("mentor", "programs:meeting-schedule", {"pk": pair.pk}),
            ("mentor", "programs:meeting-record", {"pk": pair.pk}),
            ("anonymous", "surveys:answer-token", {"token": invitation.token}),
            ("coordinator", "programs:cycle-create", {"slug": pair.cycle.program.slug}),
            ("coordinator", "programs:cycle-edit", {"pk": pair.cycle.pk}),
            ("coordinator", "programs:event-create", {"slug": pair.cycle.program.slug}),
            ("coordinator", "programs:event-edit", {"pk": event.pk}),
            ("coordinator", "programs:program-create", {}),
            ("coordinator", "profiles:skill-create", {}),
            ("coordinator", "surveys:template-create", {}),
            ("coordinator", "matching:settings", {"pk": pair.cycle.pk}),
        ],
    }


def _page_and_target(entry: tuple) -> tuple[str, str, str]:
    """(who, page to read the form from, URL the form posts to)."""
    who, name, kwargs, *page_name = entry
    return who, reverse(page_name[0] if page_name else name, kwargs=kwargs), reverse(name, kwargs=kwargs)


def test_every_form_under_test_is_found_with_its_fields(client, world):
    for entry in world["forms"]:
        who, page, _ = _page_and_target(entry)
        name = entry[1]
        client.logout()
        if who != "anonymous":
            client.force_login(world[who])
        response = client.get(page)
        assert response.status_code == 200, f"{name} as {who}: {response.status_code}"
        assert form_fields(response.content.decode()), f"no POST form fields found on {name}"


@pytest.mark.parametrize("index", range(19))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_input_never_breaks_a_form(client, world, index, data):
    who, page, url = _page_and_target(world["forms"][index])
    name = world["forms"][index][1]
    client.logout()
    if who != "anonymous":
        client.force_login(world[who])
    fields = form_fields(client.get(page).content.decode())
    payload = {field: data.draw(field_value, label=field) for field in fields}
    # The test client raises any exception a view lets escape, so a 500 fails here too.
    response = client.post(url, payload)
    assert response.status_code in (200, 302, 400, 404, 409, 413), f"{name}: {response.status_code}"
    assert SCRIPT.encode() not in response.content, f"{name} echoed unescaped HTML"


def test_the_meeting_form_keeps_what_was_typed_when_the_date_is_impossible(client, world):
    client.force_login(world["mentor"])
    pair_pk = world["forms"][8][2]["pk"]
    url = reverse("programs:meeting-schedule", kwargs={"pk": pair_pk})
    fields = form_fields(client.get(url).content.decode())
    date_field = next(f for f in fields if "date" in f or "scheduled" in f)
    payload = {f: "" for f in fields} | {date_field: "2026-02-30"}
    response = client.post(url, payload)
    assert response.status_code == 200
    assert b"2026-02-30" in response.content  # what was typed is still there to correct
    assert b"invalid-feedback" in response.content or b"errorlist" in response.content


def test_a_future_dated_event_is_not_needed_for_the_rsvp_fuzz(world):
    # Guards the scenario: the RSVP form is only offered for events that have not started.
    event = Event.objects.get(kind=Event.Kind.KICKOFF)
    assert event.starts_at > timezone.now() + timedelta(days=1)
