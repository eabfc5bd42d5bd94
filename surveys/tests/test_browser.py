"""Surveys in a real browser: a mentee answers from the e-mailed link on a phone; a coordinator reads results."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from profiles.tests.factories import CoordinatorFactory
from programs.models import Enrollment
from programs.tests.factories import CycleFactory, EnrollmentFactory
from surveys import services
from surveys.forms import AnswerValue
from surveys.models import Answer, PendingSubmission, QuestionKind, Response, SurveyTemplate
from surveys.tests.conftest import release_all
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentee_answers_midpoint_survey_from_the_email_on_a_phone(phone_page, assert_accessible):
    call_command("surveys_starter_set", stdout=io.StringIO())
    cycle = CycleFactory()
    mentee = EnrollmentFactory(cycle=cycle, role=Enrollment.Role.MENTEE).person
    survey = services.survey_create_from_template(
        template=SurveyTemplate.objects.get(key="midpoint-check-in"), cycle=cycle, by=None,
        audience="mentees",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=14),
    )
    assert services.survey_open(survey=survey) == 1  # commits; the e-mail goes out on commit
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/surveys/r/\S+/", message.body).group(0)
    path = link.split("/surveys/", 1)[1]

    page = phone_page
    page.goto(f"/surveys/{path}")
    assert page.get_by_role("heading", level=1).inner_text() == "Midpoint check-in"
    assert_accessible(page)

    meet = page.get_by_role("group", name=re.compile("We meet as often as we agreed"))
    meet.get_by_label("Agree", exact=True).check()
    progress = page.get_by_role("group", name=re.compile("I am making progress"))
    progress.get_by_label("Strongly agree").check()
    page.get_by_role("group", name=re.compile("What has helped most")).get_by_label("Regular meetings").check()
    page.get_by_label(re.compile("What would make the second half better")).fill("More time for goals.")
    # The recommendation score (required) is left out on purpose.
    page.get_by_role("button", name="Submit answers").click()

    summary = page.get_by_role("alert")
    assert "Some answers need another look" in summary.inner_text()
    assert "Choose a number from 0 to 10." in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"  # keyboard and screen reader land here
    assert page.get_by_label(re.compile("What would make the second half better")).input_value() == "More time for goals."
    assert meet.get_by_label("Agree", exact=True).is_checked()
    assert progress.get_by_label("Strongly agree").is_checked()
    assert_accessible(page)

    # The draft survives leaving the page and coming back.
    page.goto(f"/surveys/{path}")
    assert page.get_by_label(re.compile("What would make the second half better")).input_value() == "More time for goals."

    nps = page.get_by_role("group", name=re.compile("recommend the program"))
    nps.get_by_label("9", exact=True).focus()
    page.keyboard.press("Space")
    assert nps.get_by_label("9", exact=True).is_checked()
    page.get_by_role("button", name="Submit answers").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Thank you"
    assert_accessible(page)
    # The midpoint check-in is anonymous: the answers wait sealed in the pool until released.
    assert PendingSubmission.objects.filter(survey=survey).count() == 1
    assert release_all(survey) == 1
    assert Answer.objects.filter(response__survey=survey, text="More time for goals.").exists()
    assert Response.objects.get().person_id is None

    page.goto(f"/surveys/{path}")
    assert page.get_by_role("heading", level=1).inner_text() == "Already answered"
    assert mentee.email == message.to[0]


def test_coordinator_reads_results_with_a_chart_and_the_same_numbers_in_tables(
    browser_page, login_in_browser, assert_accessible
):
    cycle = CycleFactory()
    coordinator = CoordinatorFactory(email="coord@example.gov")
    cycle.program.coordinators.add(coordinator)
    survey = OpenSurveyFactory(cycle=cycle, title="Outcomes", anonymous=True)
    grew = QuestionFactory(survey=survey, kind=QuestionKind.LIKERT, text="The program helped me grow.")
    for value in (5, 4, 4, 2, 5, 3):
        services.response_submit(invitation=InvitationFactory(survey=survey), answers={grew.pk: AnswerValue(number=value)})
    release_all(survey)

    page = browser_page
    login_in_browser(page, coordinator.email)
    page.goto(f"/surveys/{survey.pk}/results/")
    assert page.get_by_role("heading", level=1).inner_text() == "Results: Outcomes"
    table = page.get_by_role("table", name="Answers to “The program helped me grow.”")
    assert "4 – Agree" in table.inner_text()
    page.wait_for_function(f"() => window.Chart && Chart.getChart('chart-q{grew.pk}') !== undefined")
    assert_accessible(page)
