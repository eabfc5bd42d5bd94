"""Coordinator pages: the builder, using a template in a cycle, opening, exports, and who may see what."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from profiles.tests.factories import HRAnalystFactory, PersonFactory
from programs.models import Enrollment
from programs.tests.factories import EnrollmentFactory, EventFactory
from surveys import services
from surveys.forms import AnswerValue
from surveys.models import Measure, Question, QuestionKind, Survey, SurveyTemplate
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_template(cycle):
    template = SurveyTemplate.objects.create(program=cycle.program, name="Our check-in", anonymous=False)
    Question.objects.create(template=template, position=1, kind=QuestionKind.LIKERT, text="First")
    Question.objects.create(template=template, position=2, kind=QuestionKind.TEXT, text="Second")
    return template


@pytest.fixture
def starter_set(db):
    from django.core.management import call_command

    call_command("surveys_starter_set", stdout=io.StringIO())


def test_data_migration_installs_the_starter_set(db):
    import importlib

    from django.apps import apps

    SurveyTemplate.objects.filter(program__isnull=True).delete()  # earlier transactional tests may have flushed it
    importlib.import_module("surveys.migrations.0002_starter_set").install_starter_set(apps, None)

    keys = set(SurveyTemplate.objects.filter(program__isnull=True).values_list("key", flat=True))
    assert keys == {"kickoff-expectations", "midpoint-check-in", "end-of-cycle-outcomes", "pairing-feedback-mentee",
                    "pairing-feedback-mentor", "event-feedback"}
    outcomes = SurveyTemplate.objects.get(key="end-of-cycle-outcomes")
    assert outcomes.questions.filter(measure=Measure.HELPED_GROW, text__icontains="helped me grow professionally").exists()
    mentee = SurveyTemplate.objects.get(key="pairing-feedback-mentee")
    assert not mentee.anonymous
    assert set(mentee.questions.values_list("measure", flat=True)) >= {Measure.PAIRING_SATISFACTION, Measure.WANTS_NEW_MENTOR}
    kinds = set(Question.objects.filter(template__key__isnull=False).values_list("kind", flat=True))
    assert kinds == {k.value for k in QuestionKind}


def test_starter_set_command_is_idempotent(starter_set):
    from django.core.management import call_command

    before = SurveyTemplate.objects.count()
    call_command("surveys_starter_set", stdout=io.StringIO())
    assert SurveyTemplate.objects.count() == before == 6


def test_coordinator_builds_a_template_question_by_question(client, coordinator, cycle):
    client.force_login(coordinator)
    response = client.post(
        reverse("surveys:template-create"),
        {"program": cycle.program.pk, "name": "Quarterly pulse", "description": "", "anonymous": "on", "audience": "both"},
    )
    template = SurveyTemplate.objects.get(name="Quarterly pulse")
    assert response.status_code == 302
    url = reverse("surveys:template-detail", args=[template.pk])

    client.post(url, {"text": "Pick one", "kind": "single", "choices_text": "Red\nBlue\n\nRed", "required": "on"})
    client.post(url, {"text": "Score", "kind": "rating", "help_text": "0 to 10", "choices_text": "ignored"})
    questions = list(template.questions.all())
    assert [(q.text, q.kind, q.choices, q.required) for q in questions] == [
        ("Pick one", "single", ["Red", "Blue"], True),
        ("Score", "rating", [], False),
    ]

    client.post(reverse("surveys:question-move", args=[questions[1].pk]), {"direction": "up"})
    assert list(template.questions.values_list("text", flat=True)) == ["Score", "Pick one"]
    client.post(reverse("surveys:question-edit", args=[questions[0].pk]),
                {"text": "Pick a colour", "kind": "single", "choices_text": "Red\nGreen"})
    client.post(reverse("surveys:question-delete", args=[questions[1].pk]))
    assert list(template.questions.values_list("text", "choices")) == [("Pick a colour", ["Red", "Green"])]


def test_choice_question_without_two_options_is_refused_with_a_message(client, coordinator, own_template):
    client.force_login(coordinator)
    response = client.post(
        reverse("surveys:template-detail", args=[own_template.pk]), {"text": "Pick", "kind": "multiple", "choices_text": "Only"}
    )
    assert response.status_code == 200
    assert "Give at least two options" in response.content.decode()
    assert own_template.questions.count() == 2


def test_new_mentor_measure_needs_a_yes_no_question(client, coordinator, own_template):
    client.force_login(coordinator)
    response = client.post(
        reverse("surveys:template-detail", args=[own_template.pk]),
        {"text": "New mentor?", "kind": "text", "measure": Measure.WANTS_NEW_MENTOR},
    )
    assert "needs a yes / no question" in response.content.decode()


def test_shared_starter_template_is_copied_not_edited(client, coordinator, cycle, starter_set):
    client.force_login(coordinator)
    starter = SurveyTemplate.objects.get(key="midpoint-check-in")
    count = starter.questions.count()
    assert client.post(reverse("surveys:template-detail", args=[starter.pk]), {"text": "x", "kind": "text"}).status_code == 404
    assert client.get(reverse("surveys:template-edit", args=[starter.pk])).status_code == 404

    client.post(reverse("surveys:template-duplicate", args=[starter.pk]), {"program": cycle.program.pk})
    copy = SurveyTemplate.objects.get(program=cycle.program)
    assert copy.questions.count() == count
    assert starter.questions.count() == count


def test_using_a_template_in_a_cycle_copies_its_questions(client, coordinator, cycle, own_template):
    client.force_login(coordinator)
    today = timezone.localdate()
    response = client.post(
        reverse("surveys:survey-create", args=[own_template.pk]),
        {"cycle": cycle.pk, "title": "Spring check-in", "audience": "mentees", "trigger": "date",
         "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=7)).isoformat(),
         "offset_days": 0, "open_days": 14},
    )
    survey = Survey.objects.get(title="Spring check-in")
    assert response.status_code == 302
    assert list(survey.questions.values_list("text", flat=True)) == ["First", "Second"]

    # Editing the template afterwards leaves the survey alone.
    services.question_update(question=own_template.questions.get(position=1), by=coordinator, text="Changed")
    assert list(survey.questions.values_list("text", flat=True)) == ["First", "Second"]


def test_survey_form_explains_missing_trigger_details(client, coordinator, cycle, own_template):
    client.force_login(coordinator)
    response = client.post(
        reverse("surveys:survey-create", args=[own_template.pk]),
        {"cycle": cycle.pk, "title": "After keynote", "audience": "both", "trigger": "event", "offset_days": 2, "open_days": 7},
    )
    assert response.status_code == 200
    assert "Choose the event the survey follows." in response.content.decode()
    assert not Survey.objects.filter(title="After keynote").exists()


def test_event_of_another_program_is_not_offered(client, coordinator, cycle, own_template):
    client.force_login(coordinator)
    foreign = EventFactory()
    response = client.post(
        reverse("surveys:survey-create", args=[own_template.pk]),
        {"cycle": cycle.pk, "title": "x", "audience": "event_attendees", "event": foreign.pk, "trigger": "event",
         "offset_days": 2, "open_days": 7},
    )
    assert response.status_code == 200
    assert not Survey.objects.filter(title="x").exists()


def test_questions_of_an_answered_survey_cannot_change(client, coordinator, cycle):
    survey = OpenSurveyFactory(cycle=cycle)
    question = QuestionFactory(survey=survey, text="Original")
    client.force_login(coordinator)
    client.post(reverse("surveys:question-edit", args=[question.pk]), {"text": "Before answers", "kind": "likert"})
    question.refresh_from_db()
    assert question.text == "Before answers"

    services.response_submit(invitation=InvitationFactory(survey=survey), answers={question.pk: AnswerValue(number=3)})

    response = client.post(reverse("surveys:question-edit", args=[question.pk]), {"text": "After", "kind": "likert"}, follow=True)
    assert "can no longer change" in response.content.decode()
    client.post(reverse("surveys:question-delete", args=[question.pk]))
    client.post(reverse("surveys:survey-detail", args=[survey.pk]), {"text": "New", "kind": "text"})
    assert list(survey.questions.values_list("text", flat=True)) == ["Before answers"]
    with pytest.raises(services.QuestionsLocked):
        services.question_add(owner=survey, by=coordinator, text="x", kind="text")


def test_open_now_invites_and_mails_once(client, coordinator, cycle, django_capture_on_commit_callbacks):
    EnrollmentFactory(cycle=cycle, role=Enrollment.Role.MENTEE)
    survey = SurveyFactory(cycle=cycle, opens_on=timezone.localdate() + timedelta(days=3),
                           closes_on=timezone.localdate() + timedelta(days=10))
    client.force_login(coordinator)
    url = reverse("surveys:survey-open", args=[survey.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, follow=True)
    assert "1 invitation on the way" in first.content.decode()
    assert "already invited" in second.content.decode()
    assert len(mail.outbox) == 1
    survey.refresh_from_db()
    assert survey.opened_at is not None and survey.opens_on == timezone.localdate()


def test_survey_list_shows_status_and_response_rate_with_fixed_queries(
    client, coordinator, cycle, django_assert_max_num_queries
):
    survey = OpenSurveyFactory(cycle=cycle, title="Pulse")
    question = QuestionFactory(survey=survey)
    for i in range(4):
        invitation = InvitationFactory(survey=survey)
        if i < 3:
            services.response_submit(invitation=invitation, answers={question.pk: AnswerValue(number=4)})
    client.force_login(coordinator)
    with django_assert_max_num_queries(10) as few:
        page = client.get(reverse("surveys:cycle-surveys", args=[cycle.pk])).content.decode()
    assert "Pulse" in page and "75% (3 of 4)" in page and "Open" in page
    for _ in range(5):
        OpenSurveyFactory(cycle=cycle)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("surveys:index"))


def test_export_neutralises_formulas_in_csv_and_xlsx(client, coordinator, cycle):
    survey = OpenSurveyFactory(cycle=cycle, anonymous=False)
    text = QuestionFactory(survey=survey, kind=QuestionKind.TEXT, text="Notes")
    person = PersonFactory(first_name="=cmd", last_name="Smith")
    invitation = InvitationFactory(survey=survey, person=person)
    services.response_submit(invitation=invitation, answers={text.pk: AnswerValue(text='=HYPERLINK("http://x")')})
    client.force_login(coordinator)

    csv_body = b"".join(client.get(reverse("surveys:survey-export", args=[survey.pk, "csv"])).streaming_content)
    csv_text = csv_body.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'=cmd Smith" in csv_text
    assert ",=HYPERLINK" not in csv_text

    xlsx = b"".join(client.get(reverse("surveys:survey-export", args=[survey.pk, "xlsx"])).streaming_content)
    sheet = load_workbook(io.BytesIO(xlsx)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Submitted on", "Name", "E-mail")
    assert rows[1][1] == "'=cmd Smith"
    assert rows[1][-1] == "'=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize(
    "name",
    ["surveys:survey-detail", "surveys:survey-results", "surveys:survey-edit"],
)
def test_survey_pages_by_who_asks(client, cycle, coordinator, other_coordinator, name):
    survey = OpenSurveyFactory(cycle=cycle)
    url = reverse(name, args=[survey.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(PersonFactory().user)
    assert client.get(url).status_code == 403  # a participant
    client.force_login(HRAnalystFactory())
    assert client.get(url).status_code == 403  # HR sees outcomes through reports, not raw surveys
    client.force_login(other_coordinator)
    assert client.get(url).status_code == 404  # another program's coordinator
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


def test_other_coordinator_cannot_open_export_or_edit_questions(client, cycle, other_coordinator):
    survey = OpenSurveyFactory(cycle=cycle)
    question = QuestionFactory(survey=survey)
    client.force_login(other_coordinator)
    assert client.post(reverse("surveys:survey-open", args=[survey.pk])).status_code == 404
    assert client.get(reverse("surveys:survey-export", args=[survey.pk, "csv"])).status_code == 404
    assert client.post(reverse("surveys:question-delete", args=[question.pk])).status_code == 404
    assert client.get(reverse("surveys:cycle-surveys", args=[cycle.pk])).status_code == 404
    assert Question.objects.filter(pk=question.pk).exists()


def test_template_pages_render_for_a_coordinator(client, coordinator, own_template):
    client.force_login(coordinator)
    for url in (
        reverse("surveys:index"),
        reverse("surveys:template-list"),
        reverse("surveys:template-create"),
        reverse("surveys:template-detail", args=[own_template.pk]),
        reverse("surveys:template-edit", args=[own_template.pk]),
        reverse("surveys:survey-create", args=[own_template.pk]),
        reverse("surveys:question-edit", args=[own_template.questions.first().pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_relative_trigger_needs_no_dates_and_works_them_out(client, coordinator, cycle, own_template):
    client.force_login(coordinator)
    response = client.post(
        reverse("surveys:survey-create", args=[own_template.pk]),
        {"cycle": cycle.pk, "title": "At midpoint", "audience": "both", "trigger": "milestone", "milestone": "midpoint",
         "offset_days": 1, "open_days": 10},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    survey = Survey.objects.get(title="At midpoint")
    assert survey.opens_on == cycle.midpoint + timedelta(days=1)
    assert survey.closes_on == survey.opens_on + timedelta(days=10)


def test_audience_is_fixed_once_the_survey_has_opened(client, coordinator, cycle):
    survey = OpenSurveyFactory(cycle=cycle, audience="mentees")
    client.force_login(coordinator)
    client.post(
        reverse("surveys:survey-edit", args=[survey.pk]),
        {"title": "Renamed", "audience": "mentors", "trigger": "date", "opens_on": survey.opens_on.isoformat(),
         "closes_on": survey.closes_on.isoformat(), "offset_days": 0, "open_days": 14},
    )
    survey.refresh_from_db()
    assert (survey.title, survey.audience) == ("Renamed", "mentees")


@pytest.mark.parametrize("name", ["surveys:index", "surveys:template-list", "surveys:template-create"])
def test_coordinator_only_pages_refuse_others(client, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    client.force_login(PersonFactory().user)
    assert client.get(url).status_code == 403
    client.force_login(HRAnalystFactory())
    assert client.get(url).status_code == 403


def test_template_of_another_program_is_not_found(client, other_coordinator, own_template):
    client.force_login(other_coordinator)
    assert client.get(reverse("surveys:template-detail", args=[own_template.pk])).status_code == 404
    assert client.post(reverse("surveys:template-edit", args=[own_template.pk]), {"name": "x"}).status_code == 404
    assert client.get(reverse("surveys:survey-create", args=[own_template.pk])).status_code == 404


def test_coordinator_cannot_schedule_a_survey_in_a_cycle_they_do_not_run(client, coordinator, own_template):
    from programs.tests.factories import CycleFactory

    foreign = CycleFactory()
    client.force_login(coordinator)
    today = timezone.localdate()
    response = client.post(
        reverse("surveys:survey-create", args=[own_template.pk]),
        {"cycle": foreign.pk, "title": "Sneaky", "audience": "both", "trigger": "date", "opens_on": today.isoformat(),
         "closes_on": today.isoformat(), "offset_days": 0, "open_days": 14},
    )
    assert response.status_code == 200
    assert not Survey.objects.filter(title="Sneaky").exists()
