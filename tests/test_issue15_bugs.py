"""Bugs found by walking every page as each role (issue 15), each driven as a user would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from profiles.tests.factories import CoordinatorFactory
from programs.models import HelpRequest, PairFlag
from programs.tests.factories import CycleFactory, MentorshipFactory, ProgramFactory
from surveys.models import Survey
from surveys.tests.factories import SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def _program(coordinator, name: str):
    program = ProgramFactory(name=name)
    program.coordinators.add(coordinator)
    return program


def test_the_cycle_tabs_dashboard_link_opens_that_cycle(client, coordinator):
    # "Alpha" sorts first, so the page used to open on its cycle whatever ?cycle= said.
    _program(coordinator, "Alpha exchange")
    department = _program(coordinator, "Zeta department program")
    older = CycleFactory(program=department, starts_on=timezone.localdate() - timedelta(days=400))
    running = CycleFactory(program=department)
    client.force_login(coordinator)
    tabs = client.get(reverse("programs:cycle-detail", args=[older.pk])).content.decode()
    link = f'{reverse("reports:dashboard")}?cycle={older.pk}'
    assert f'href="{link}"' in tabs
    response = client.get(link)
    assert response.context["cycle"] == older and response.context["program"] == department
    # With no cycle named, the program's running cycle; a cycle of someone else's is ignored.
    foreign = CycleFactory()
    response = client.get(reverse("reports:dashboard"), {"program": department.pk, "cycle": foreign.pk})
    assert response.context["cycle"] == running


def test_pair_names_link_to_the_pair_in_the_pairs_list_and_in_help_and_flags(client, coordinator):
    cycle = CycleFactory(program=_program(coordinator, "P"))
    pair = MentorshipFactory(cycle=cycle)
    HelpRequest.objects.create(mentorship=pair, requested_by=pair.mentee, kind=HelpRequest.Kind.HELP, message="Stuck")
    PairFlag.objects.create(mentorship=pair, reason=PairFlag.Reason.HELP)
    client.force_login(coordinator)
    href = f'href="{pair.get_absolute_url()}"'
    pairs = client.get(reverse("programs:cycle-pairs", args=[cycle.pk])).content.decode()
    assert pairs.count(href) == 2  # the mentor's name and the mentee's
    help_page = client.get(reverse("programs:cycle-help", args=[cycle.pk])).content.decode()
    assert help_page.count(href) >= 2  # the help request and the flag
    assert f'{href}>{pair.mentor} (mentor) and {pair.mentee} (mentee)</a>' in help_page


@pytest.mark.parametrize(
    ("offset", "words"),
    [(-3, "3 days before the cycle start"), (-1, "1 day before the cycle start"), (0, "on the day of the cycle start"), (7, "7 days after the cycle start")],
)
def test_a_survey_trigger_reads_before_or_after(client, coordinator, offset, words):
    cycle = CycleFactory(program=_program(coordinator, "P"), starts_on=timezone.localdate() + timedelta(days=30))
    survey = SurveyFactory(cycle=cycle, trigger=Survey.Trigger.MILESTONE, milestone=Survey.Milestone.START, offset_days=offset)
    client.force_login(coordinator)
    body = client.get(reverse("surveys:survey-detail", args=[survey.pk])).content.decode()
    assert f": {words}</dd>" in body
    assert f"{offset} day" not in body or offset >= 0  # never "-3 days after"


def test_days_relative_to_filter():
    render = lambda n: Template('{% load datetimes %}{{ n|days_relative_to:"the kickoff" }}').render(Context({"n": n}))  # noqa: E731
    assert render(-2) == "2 days before the kickoff"
    assert render(1) == "1 day after the kickoff"
    assert render(None) == ""
