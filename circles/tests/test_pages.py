"""The circle pages through the client: creating and editing circles, the members' page, sessions,
attendance, notes, applying, and who may see what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from circles.models import Circle, CircleApplication, CircleAttendance, CircleMember, CircleNote, CircleSession
from circles.services import circle_create, circle_member_add, circle_session_create
from matching.tests.world import build_world
from profiles.tests.factories import CoordinatorFactory, HRAnalystFactory, PersonFactory
from programs.tests.factories import CycleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world(mentors=2, mentees=3)
    circle = circle_create(
        cycle=w.cycle,
        by=w.coordinator,
        topic="Budget basics",
        skills=[w.skills[0]],
        mentors=[w.mentors[0]],
        min_size=2,
        max_size=3,
    )
    circle_member_add(circle=circle, person=w.mentees[0], by=w.coordinator)
    w.extra["circle"] = circle
    return w


def _form(w, **over):
    data = {
        "topic": "Writing for the minister",
        "description": "Briefing notes",
        "skills": [w.skills[1].pk],
        "level": 3,
        "mentors": [w.mentors[1].pk],
        "min_size": 2,
        "max_size": 6,
        "open_for_applications": "on",
    }
    data.update(over)
    return data


def test_a_coordinator_creates_a_circle_and_its_mentor_is_a_member(client, world):
    client.force_login(world.coordinator)
    url = reverse("circles:new", args=[world.cycle.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(world))
    circle = Circle.objects.get(topic="Writing for the minister")
    assert response.status_code == 302 and response.url == circle.get_absolute_url()
    assert list(circle.members.values_list("person_id", "role")) == [(world.mentors[1].pk, "mentor")]
    page = client.get(response.url).content.decode()
    assert "Writing for the minister" in page and world.mentors[1].full_name in page


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"mentors": []}, "Choose the circle&#x27;s mentor (one or two)."),
        ({"min_size": 7, "max_size": 3}, "The fewest mentees (7) cannot be more than the most (3)."),
        ({"max_size": 0}, "A circle holds at least 1 mentee."),
        ({"max_size": 500}, "A circle holds at most 30 mentees."),
        ({"max_size": "eight"}, "Enter a whole number."),
        ({"skills": []}, "Choose at least one skill the circle works on."),
        ({"topic": "  "}, "Give the circle a topic."),
        ({"topic": "budget BASICS"}, "This cycle already has a circle called"),
        ({"mentors": ["999999"]}, "Select a valid choice"),
    ],
)
def test_bad_circle_input_says_what_is_wrong_and_creates_nothing(client, world, over, message):
    client.force_login(world.coordinator)
    before = Circle.objects.count()
    response = client.post(reverse("circles:new", args=[world.cycle.pk]), _form(world, **over))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Circle.objects.count() == before


def test_three_mentors_or_a_mentor_of_another_cycle_are_refused(client, world):
    client.force_login(world.coordinator)
    outsider = PersonFactory()
    three = [world.mentors[0].pk, world.mentors[1].pk, outsider.pk]
    response = client.post(reverse("circles:new", args=[world.cycle.pk]), _form(world, mentors=three))
    assert "Select a valid choice" in response.content.decode()  # not an approved mentor: not offered
    assert not Circle.objects.filter(topic="Writing for the minister").exists()


def test_editing_cannot_shrink_below_the_seated_mentees(client, world):
    circle = world.extra["circle"]
    circle_member_add(circle=circle, person=world.mentees[1], by=world.coordinator)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("circles:edit", args=[circle.pk]),
        _form(world, topic="Budget basics", min_size=1, max_size=1, mentors=[world.mentors[0].pk]),
    )
    assert "2 mentees are in the circle already" in response.content.decode()
    circle.refresh_from_db()
    assert circle.max_size == 3


def test_the_circle_page_is_for_members_and_the_programs_coordinators_only(client, world):
    circle = world.extra["circle"]
    url = circle.get_absolute_url()
    for user in (world.mentors[0].user, world.mentees[0].user, world.coordinator):
        client.force_login(user)
        assert client.get(url).status_code == 200, user
    other_coordinator = CoordinatorFactory()
    CycleFactory().program.coordinators.add(other_coordinator)
    for user in (world.mentees[1].user, world.mentors[1].user, other_coordinator, HRAnalystFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.get(reverse("circles:detail", args=[987654])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_member_who_left_no_longer_sees_the_circle(client, world):
    circle = world.extra["circle"]
    member = CircleMember.objects.get(circle=circle, person=world.mentees[0])
    client.force_login(world.coordinator)
    client.post(reverse("circles:member-remove", args=[member.pk]))
    client.force_login(world.mentees[0].user)
    assert client.get(circle.get_absolute_url()).status_code == 404


def test_shared_notes_are_for_members_not_coordinators(client, world):
    circle = world.extra["circle"]
    client.force_login(world.mentees[0].user)
    assert (
        "Write the note first."
        in client.post(reverse("circles:note-add", args=[circle.pk]), {"body": "   "}).content.decode()
    )
    response = client.post(reverse("circles:note-add", args=[circle.pk]), {"body": "Bring last year's budget"})
    assert response.status_code == 302
    client.force_login(world.mentors[0].user)
    assert "Bring last year" in client.get(circle.get_absolute_url()).content.decode()
    client.force_login(world.coordinator)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert "Bring last year" not in page and "hidden" in page
    assert client.post(reverse("circles:note-add", args=[circle.pk]), {"body": "x"}).status_code == 403
    assert CircleNote.objects.count() == 1


def test_the_mentor_schedules_changes_and_cancels_sessions_and_a_mentee_cannot(client, world):
    circle = world.extra["circle"]
    url = reverse("circles:session-new", args=[circle.pk])
    when = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.force_login(world.mentees[0].user)
    assert client.get(url).status_code == 403
    client.force_login(world.mentors[0].user)
    far = (world.cycle.ends_on + timedelta(days=40)).strftime("%Y-%m-%dT10:00")
    response = client.post(
        url, {"title": "Reading a budget", "scheduled_at": far, "duration_minutes": 60, "meeting_format": "video"}
    )
    assert "Sessions take place within the cycle" in response.content.decode()
    response = client.post(
        url, {"title": "Reading a budget", "scheduled_at": "tomorrow", "duration_minutes": 5, "meeting_format": "video"}
    )
    page = response.content.decode()
    assert "Enter a date and time like" in page and "at least 15 minutes" in page
    response = client.post(
        url,
        {
            "title": "Reading a budget",
            "scheduled_at": when,
            "duration_minutes": 60,
            "meeting_format": "video",
            "place": "Room 4",
        },
    )
    assert response.status_code == 302
    session = CircleSession.objects.get()
    assert session.sequence == 0
    client.post(
        reverse("circles:session-edit", args=[session.pk]),
        {"title": "Reading a budget, part 1", "scheduled_at": when, "duration_minutes": 90, "meeting_format": "video"},
    )
    session.refresh_from_db()
    assert session.title == "Reading a budget, part 1" and session.sequence == 1
    client.post(reverse("circles:session-cancel", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == "cancelled" and session.sequence == 2


def test_a_mentor_records_attendance_per_member_once_the_session_started(client, world):
    circle = world.extra["circle"]
    past = circle_session_create(
        circle=circle, by=world.mentors[0], title="Kickoff", scheduled_at=timezone.now() - timedelta(days=2)
    )
    ahead = circle_session_create(
        circle=circle, by=world.mentors[0], title="Next", scheduled_at=timezone.now() + timedelta(days=2)
    )
    client.force_login(world.mentees[0].user)
    assert client.get(reverse("circles:session-attendance", args=[past.pk])).status_code == 403
    client.force_login(world.coordinator)
    assert client.get(reverse("circles:session-attendance", args=[past.pk])).status_code == 403
    client.force_login(world.mentors[0].user)
    response = client.post(reverse("circles:session-attendance", args=[ahead.pk]), {"present": [world.mentees[0].pk]})
    assert "once the session has started" in response.content.decode()
    response = client.post(
        reverse("circles:session-attendance", args=[past.pk]),
        {"present": [world.mentors[0].pk, "not-a-number", world.mentees[2].pk]},
    )
    assert response.status_code == 302
    marks = dict(CircleAttendance.objects.filter(session=past).values_list("person_id", "present"))
    assert marks == {world.mentors[0].pk: True, world.mentees[0].pk: False}  # non-members ignored
    past.refresh_from_db()
    assert past.status == "held" and past.sequence == 1
    page = client.get(circle.get_absolute_url()).content.decode()
    assert "1 of 2 present" in page and f"Missed: {world.mentees[0].full_name}" in page
    assert "0 of 1" in page  # the mentee's progress row: sessions attended


def test_progress_shows_each_mentees_goals_on_the_circles_skills(client, world):
    circle = world.extra["circle"]
    client.force_login(world.mentees[0].user)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert f"{world.skills[0].name}: level 0 of 3" in page


def test_a_mentee_applies_from_the_circles_page_and_a_coordinator_places_them(client, world):
    circle = world.extra["circle"]
    client.force_login(world.mentees[1].user)
    page = client.get(reverse("circles:mine")).content.decode()
    assert "Budget basics" in page and "Fits your goals" not in page  # mentee 1 wants skill 1
    response = client.post(reverse("circles:apply", args=[circle.pk]), {"note": "I manage a small team budget"})
    assert response.status_code == 302
    assert "You applied" in client.get(reverse("circles:mine")).content.decode()
    again = client.post(reverse("circles:apply", args=[circle.pk]), follow=True).content.decode()
    assert "already applied" in again
    application = CircleApplication.objects.get(person=world.mentees[1])
    client.force_login(world.coordinator)
    assert "I manage a small team budget" in client.get(circle.get_absolute_url()).content.decode()
    client.post(reverse("circles:application-place", args=[application.pk]))
    assert CircleMember.objects.filter(circle=circle, person=world.mentees[1], source="application").exists()


def test_a_full_circle_refuses_applications_and_placements_in_words(client, world):
    circle = world.extra["circle"]
    Circle.objects.filter(pk=circle.pk).update(min_size=1, max_size=1)
    client.force_login(world.mentees[1].user)
    page = client.post(reverse("circles:apply", args=[circle.pk]), follow=True).content.decode()
    assert "The circle is full: 1 of 1 seats are taken." in page
    client.force_login(world.coordinator)
    page = client.post(
        reverse("circles:member-add", args=[circle.pk]), {"person": world.mentees[2].pk}, follow=True
    ).content.decode()
    assert "was not placed: The circle is full" in page
    assert not CircleApplication.objects.exists()


def test_someone_elses_application_or_a_circle_not_open_to_you_is_404(client, world):
    circle = world.extra["circle"]
    stranger = PersonFactory()
    client.force_login(stranger.user)
    assert client.post(reverse("circles:apply", args=[circle.pk])).status_code == 404
    client.force_login(world.mentees[1].user)
    client.post(reverse("circles:apply", args=[circle.pk]))
    application = CircleApplication.objects.get()
    client.force_login(world.mentees[2].user)
    assert client.post(reverse("circles:application-withdraw", args=[application.pk])).status_code == 404


def test_the_cycle_overview_and_circles_page_show_health_in_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.coordinator)
    page = client.get(reverse("programs:cycle-detail", args=[world.cycle.pk])).content.decode()
    assert "Mentoring circles" in page and "Budget basics" in page
    url = reverse("circles:cycle", args=[world.cycle.pk])
    page = client.get(url).content.decode()
    assert "1 of at least 2 mentees" in page  # below its minimum size: at risk
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for i in range(6):
        c = circle_create(
            cycle=world.cycle,
            by=world.coordinator,
            topic=f"Topic {i}",
            skills=world.skills,
            mentors=[world.mentors[i % 2]],
            min_size=1,
            max_size=3,
        )
        circle_session_create(circle=c, by=None, title="First", scheduled_at=timezone.now() + timedelta(days=1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_my_program_lists_my_circles_with_the_next_session(client, world):
    circle = world.extra["circle"]
    circle_session_create(
        circle=circle, by=world.mentors[0], title="Reading a budget", scheduled_at=timezone.now() + timedelta(days=2)
    )
    client.force_login(world.mentees[0].user)
    page = client.get(reverse("programs:participant-home")).content.decode()
    assert "My mentoring circles" in page and "Budget basics" in page and "Reading a budget" in page
    client.force_login(world.mentees[1].user)  # not a member, but may apply
    page = client.get(reverse("programs:participant-home")).content.decode()
    assert "1 circle you can apply to" in page


def test_a_new_mentor_in_a_reporting_chain_with_a_seated_mentee_is_refused(client, world):
    circle = world.extra["circle"]
    seated = world.mentees[0]
    seated.supervisor = world.mentors[1]
    seated.save()
    client.force_login(world.coordinator)
    response = client.post(
        reverse("circles:edit", args=[circle.pk]),
        _form(world, topic="Budget basics", mentors=[world.mentors[0].pk, world.mentors[1].pk]),
    )
    assert "same reporting chain" in response.content.decode()
    assert list(circle.members.filter(role="mentor").values_list("person_id", flat=True)) == [world.mentors[0].pk]


def test_the_agreement_is_saved_by_a_mentor_with_clear_errors(client, world):
    circle = world.extra["circle"]
    client.force_login(world.mentors[0].user)
    url = reverse("circles:agreement", args=[circle.pk])
    page = client.post(url, {"agreement_goals": "x", "cadence": "hourly", "meeting_format": "video"}).content.decode()
    assert "Select a valid choice" in page
    client.post(url, {"agreement_goals": "One level up on budgets", "cadence": "weekly", "meeting_format": "in_person"})
    circle.refresh_from_db()
    assert circle.cadence == "weekly" and circle.agreement_goals == "One level up on budgets"
    client.force_login(world.mentees[0].user)
    assert client.post(url, {"cadence": "monthly", "meeting_format": "video"}).status_code == 403


def test_ending_a_circle_cancels_sessions_ahead_and_closes_it(client, world):
    from circles.models import CircleApplication, CircleSession

    circle = world.extra["circle"]
    ahead = circle_session_create(
        circle=circle, by=world.mentors[0], title="Next", scheduled_at=timezone.now() + timedelta(days=2)
    )
    CircleApplication.objects.create(circle=circle, person=world.mentees[1])
    client.force_login(world.mentors[0].user)
    assert client.post(reverse("circles:end", args=[circle.pk])).status_code == 403
    client.force_login(world.coordinator)
    client.post(reverse("circles:end", args=[circle.pk]))
    circle.refresh_from_db()
    ahead.refresh_from_db()
    assert circle.ended_on and not circle.open_for_applications
    assert ahead.status == CircleSession.Status.CANCELLED and ahead.sequence == 1
    assert CircleApplication.objects.get().status == "withdrawn"
    again = client.post(reverse("circles:end", args=[circle.pk]), follow=True).content.decode()
    assert "has already ended" in again
    client.force_login(world.mentors[0].user)
    page = client.post(
        reverse("circles:session-new", args=[circle.pk]),
        {
            "title": "More",
            "scheduled_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "meeting_format": "video",
        },
    ).content.decode()
    assert "This circle has ended." in page
    from matching.services.inputs import cycle_input

    assert not cycle_input(world.cycle).circles  # matching no longer offers it


def test_the_circle_page_shows_the_guides_that_fit_it(client, world):
    from resources.models import Milestone, Resource

    circle = world.extra["circle"]
    on_skill = Resource.objects.create(
        program=world.cycle.program,
        title="Budget primer",
        url="https://intranet.example.gov/b",
        milestone=Milestone.ANYTIME,
    )
    on_skill.skills.add(world.skills[0])
    Resource.objects.create(
        program=world.cycle.program,
        title="First session agenda",
        url="https://intranet.example.gov/a",
        milestone=Milestone.FIRST_MEETING,
    )
    Resource.objects.create(
        program=CycleFactory().program, title="Another program's guide", url="https://intranet.example.gov/c"
    )
    client.force_login(world.mentees[0].user)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert "First session agenda" in page and "Budget primer" in page and "on the circle's skills" in page
    assert "Another program" not in page
