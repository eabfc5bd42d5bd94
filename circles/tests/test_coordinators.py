"""What coordinators see of circles beyond the circle pages: the dashboard and survey audiences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from circles.models import CircleMember
from circles.selectors import cycle_circles, summary
from circles.services import (
    circle_attendance_record,
    circle_create,
    circle_member_add,
    circle_member_remove,
    circle_session_create,
)
from matching.tests.world import build_world
from surveys.models import Audience, Invitation
from surveys.services import survey_open
from surveys.tests.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world(mentors=2, mentees=4)
    circle = circle_create(
        cycle=w.cycle,
        by=w.coordinator,
        topic="Budget basics",
        skills=[w.skills[0]],
        mentors=[w.mentors[0]],
        min_size=3,
        max_size=5,
    )
    for person in w.mentees[:2]:
        circle_member_add(circle=circle, person=person, by=w.coordinator)
    held = circle_session_create(
        circle=circle, by=w.mentors[0], title="Kickoff", scheduled_at=timezone.now() - timedelta(days=3)
    )
    circle_attendance_record(
        session=held,
        by=w.mentors[0],
        present={
            w.mentors[0].pk: True,
            w.mentees[0].pk: True,
            w.mentees[1].pk: False,
        },
    )
    w.extra["circle"] = circle
    return w


def test_health_counts_attendance_size_and_silence(world):
    fig = cycle_circles(cycle=world.cycle)[0]
    assert fig.sessions_held == 1 and fig.attendance_rate == pytest.approx(2 / 3)
    assert fig.reasons == ["2 of at least 3 mentees"]
    later = timezone.now() + timedelta(weeks=6)  # nothing held or booked since: quiet
    assert "no session held or booked for weeks" in cycle_circles(cycle=world.cycle, now=later)[0].reasons
    assert summary([fig]).at_risk == 1


def test_the_dashboard_shows_circles_attendance_and_health(client, world):
    client.force_login(world.coordinator)
    page = client.get(reverse("reports:dashboard") + f"?cycle={world.cycle.pk}").content.decode()
    assert "Mentoring circles" in page and "Budget basics" in page
    assert "attendance 67%" in page and "2 of at least 3 mentees" in page


def test_a_survey_for_circle_members_invites_each_current_member_once(world):
    circle = world.extra["circle"]
    second = circle_create(
        cycle=world.cycle,
        by=world.coordinator,
        topic="Second",
        skills=[world.skills[1]],
        mentors=[world.mentors[0]],
        min_size=1,
        max_size=3,
    )
    circle_member_add(circle=second, person=world.mentees[0], by=world.coordinator)  # in two circles
    circle_member_add(circle=circle, person=world.mentees[2], by=world.coordinator)
    circle_member_remove(member=CircleMember.objects.get(circle=circle, person=world.mentees[2]), by=world.coordinator)
    survey = SurveyFactory(cycle=world.cycle, audience=Audience.CIRCLE_MEMBERS)
    QuestionFactory(survey=survey)
    survey_open(survey=survey)
    invited = dict(Invitation.objects.filter(survey=survey).values_list("person_id", "role"))
    assert invited == {world.mentors[0].pk: "mentor", world.mentees[0].pk: "mentee", world.mentees[1].pk: "mentee"}


def test_the_survey_form_offers_the_circle_audience(client, world):
    survey = SurveyFactory(cycle=world.cycle)
    client.force_login(world.coordinator)
    page = client.get(reverse("surveys:survey-edit", args=[survey.pk])).content.decode()
    assert 'value="circle_members"' in page and "Members of the cycle&#x27;s mentoring circles" in page


def test_a_persons_data_download_holds_their_circles_and_removal_keeps_seats_drops_words(world):
    from circles.models import CircleNote
    from circles.services import circle_note_add
    from privacy.services import person_anonymise, person_data_export

    mentee = world.mentees[0]
    circle_note_add(circle=world.extra["circle"], author=mentee, body="My private thoughts on the budget")
    data = person_data_export(person=mentee)
    assert data["mentoring_circles"][0]["circle"] == "Budget basics"
    assert data["circle_attendance"][0]["present"] is True
    assert data["circle_notes_written"][0]["text"] == "My private thoughts on the budget"
    mentee.separated_on = timezone.localdate()
    mentee.save()
    from programs.models import Mentorship

    Mentorship.objects.filter(mentee=mentee).delete()
    person_anonymise(person=mentee, by=world.coordinator, reason="left")
    assert CircleNote.objects.get(author=mentee).body == "[removed]"
    assert CircleMember.objects.filter(person=mentee).exists()


def test_the_circles_export_in_csv_and_xlsx_neutralises_formulas_and_is_audited(client, world):
    import io

    from openpyxl import load_workbook

    from audit.models import AuditEntry
    from circles.models import Circle

    Circle.objects.filter(pk=world.extra["circle"].pk).update(topic='=HYPERLINK("http://x")')
    client.force_login(world.coordinator)
    response = client.get(reverse("circles:cycle-export", args=[world.cycle.pk, "csv"]))
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and "Attendance (%)" in body
    assert "'=HYPERLINK" in body and "66.7" in body and "at risk: 2 of at least 3 mentees" in body
    xlsx = client.get(reverse("circles:cycle-export", args=[world.cycle.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [c.value for c in sheet[1]][0] == "Circle"
    assert client.get(reverse("circles:cycle-export", args=[world.cycle.pk, "pdf"])).status_code == 404
    assert AuditEntry.objects.filter(action="circles.export").count() == 2
