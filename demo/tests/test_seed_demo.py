"""seed_demo on the test database: determinism, the invariants a demo must never break, logins."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from demo.content import SKILLS
from demo.people import login_email
from demo.programs import PROGRAM_SLUG
from demo.services import demo_digest
from profiles.models import Department, DevelopmentGoal, Person, PersonSkill, Skill
from programs.models import RSVP, Cycle, Enrollment, Event, Meeting, Mentorship, Program

# DEMO_TEST_PEOPLE=2200 checks the same invariants on the full-size demo (slower).
PEOPLE = int(os.environ.get("DEMO_TEST_PEOPLE", "300"))
PASSWORD = "demo-password-for-tests"

pytestmark = pytest.mark.django_db


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", people=PEOPLE, password=PASSWORD, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> Iterator[str]:
    """One 300-person demo for the whole module, rolled back at the end (as setUpTestData does).

    Each test still runs in its own savepoint inside this transaction, so nothing a test does
    leaks into the next one.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # The same fast hasher the suite's autouse fixture sets for each test.
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                output = seed()
            yield output
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _cycles() -> tuple[Cycle, Cycle, Cycle]:
    today = timezone.localdate()
    cycles = Cycle.objects.filter(program__slug=PROGRAM_SLUG)
    past = cycles.get(ends_on__lt=today)
    running = cycles.get(starts_on__lte=today, ends_on__gte=today)
    upcoming = cycles.get(starts_on__gt=today)
    return past, running, upcoming


def test_no_pair_is_a_person_with_themselves_or_inside_a_reporting_chain(seeded: str) -> None:
    boss = dict(Person.objects.values_list("pk", "supervisor_id"))

    def chain(pk: int) -> set[int]:
        above = set()
        while boss.get(pk):
            pk = boss[pk]
            assert pk not in above, "the hierarchy has a loop"
            above.add(pk)
        return above

    pairs = list(Mentorship.objects.values_list("mentor_id", "mentee_id"))
    assert len(pairs) > 20
    for mentor, mentee in pairs:
        assert mentor != mentee
        assert mentor not in chain(mentee) and mentee not in chain(mentor)


def test_mentors_never_have_more_mentees_than_they_offered(seeded: str) -> None:
    offered = {
        (e.cycle_id, e.person_id): e.capacity
        for e in Enrollment.objects.filter(role=Enrollment.Role.MENTOR, status=Enrollment.Status.APPROVED)
    }
    load = Counter(Mentorship.objects.values_list("cycle_id", "mentor_id"))
    assert load
    for key, n in load.items():
        assert key in offered, "every mentor has an approved mentor application"
        assert n <= offered[key]
    people_capacity = dict(Person.objects.values_list("pk", "mentor_capacity"))
    assert all(n <= people_capacity[mentor] for (_, mentor), n in load.items())
    # Across programs too: nobody mentors more people at once than they said they could.
    active = Counter(Mentorship.objects.active().values_list("mentor_id", flat=True))
    assert all(n <= people_capacity[mentor] for mentor, n in active.items())


def test_the_exchange_program_pairs_people_from_different_agencies(seeded: str) -> None:
    from demo.exchange import EXCHANGE_SLUG

    exchange = Program.objects.get(slug=EXCHANGE_SLUG)
    assert exchange.scope == Program.Scope.CROSS_AGENCY
    assert exchange.coordinators.filter(email=login_email("coordinator")).exists()
    pairs = Mentorship.objects.filter(cycle__program=exchange)
    assert pairs.exists()
    assert not pairs.filter(mentor__department=F("mentee__department")).exists()


def test_everyone_paired_in_the_running_cycle_was_approved_in_it(seeded: str) -> None:
    _, running, _ = _cycles()
    approved = set(running.enrollments.filter(status=Enrollment.Status.APPROVED).values_list("person_id", "role"))
    pairs = running.mentorships.all()
    assert pairs.filter(status=Mentorship.Status.ACTIVE).count() >= 15
    for mentor, mentee in pairs.values_list("mentor_id", "mentee_id"):
        assert (mentor, Enrollment.Role.MENTOR) in approved
        assert (mentee, Enrollment.Role.MENTEE) in approved
    assert not pairs.filter(Q(mentor__separated_on__isnull=False) | Q(mentee__separated_on__isnull=False)).exists()


def test_the_running_cycle_shows_every_application_status_and_live_pairs(seeded: str) -> None:
    _, running, _ = _cycles()
    statuses = set(running.enrollments.values_list("status", flat=True))
    assert statuses == set(Enrollment.Status.values)
    today = timezone.localdate()
    assert today - timedelta(days=60) <= running.starts_on <= today - timedelta(days=58)
    assert running.starts_on.weekday() < 5
    meetings = Meeting.objects.filter(mentorship__cycle=running)
    assert meetings.filter(status=Meeting.Status.HELD).exclude(private_notes="").exists()
    assert meetings.filter(status=Meeting.Status.SCHEDULED, scheduled_at__gt=timezone.now()).exists()
    assert running.mentorships.filter(agreement__isnull=False).exists()
    kickoff, midpoint = (running.events.get(kind=k) for k in (Event.Kind.KICKOFF, Event.Kind.MIDPOINT))
    assert kickoff.starts_at < timezone.now() < midpoint.starts_at
    assert kickoff.rsvps.filter(attended=True).exists()
    assert midpoint.rsvps.filter(attended__isnull=False).count() == 0


def test_the_social_is_full_and_keeps_a_waitlist_within_its_capacity(seeded: str) -> None:
    _, running, _ = _cycles()
    social = running.events.get(kind=Event.Kind.SOCIAL)
    assert social.open_to_alumni and social.capacity and social.guests_per_person == 1
    going = social.rsvps.filter(status=RSVP.Status.GOING)
    seats = sum(r.seats for r in going)
    assert seats <= social.capacity
    assert seats >= social.capacity - 1
    assert social.rsvps.filter(status=RSVP.Status.WAITLIST).exists()
    day = Event.objects.get(kind=Event.Kind.MENTORING_DAY)
    assert day.cycle is None and day.starts_at > timezone.now() and day.rsvps.exists()


def test_the_past_cycle_is_finished_with_alumni_and_some_pairs_that_ended_early(seeded: str) -> None:
    past, _, _ = _cycles()
    statuses = Counter(past.mentorships.values_list("status", flat=True))
    assert statuses[Mentorship.Status.ACTIVE] == 0
    assert statuses[Mentorship.Status.COMPLETED] > statuses[Mentorship.Status.ENDED] > 0
    assert not past.mentorships.filter(status=Mentorship.Status.ENDED, end_reason="").exists()
    assert set(past.enrollments.values_list("status", flat=True)) == {Enrollment.Status.APPROVED}
    assert RSVP.objects.filter(event__cycle=past, attended=True).exists()
    assert RSVP.objects.filter(event__cycle=past, attended=False).exists()


def test_the_upcoming_cycle_accepts_applications_today(seeded: str) -> None:
    _, running, upcoming = _cycles()
    assert upcoming.accepts_applications()
    assert Cycle.objects.accepting_applications().filter(pk=upcoming.pk).exists()
    assert upcoming.starts_on > running.ends_on
    assert set(upcoming.events.values_list("kind", flat=True)) >= set(Event.MILESTONES)
    assert upcoming.enrollments.filter(status=Enrollment.Status.PENDING).exists()


def test_the_four_logins_exist_with_their_roles_and_people(seeded: str) -> None:
    program = Program.objects.get(slug=PROGRAM_SLUG)
    coordinator = User.objects.get(email=login_email("coordinator"))
    assert coordinator.is_coordinator and coordinator.person
    assert program.coordinators.filter(pk=coordinator.pk).exists()
    hr = User.objects.get(email=login_email("hr"))
    assert hr.is_hr_analyst and hr.person.department.code == "HRD"
    admin = User.objects.get(email=login_email("admin"))
    assert admin.is_superuser and admin.is_staff
    for user in (coordinator, hr, admin):
        assert user.check_password(PASSWORD)


def test_the_demo_mentor_and_mentee_are_paired_and_the_mentee_can_still_apply(seeded: str) -> None:
    _, running, upcoming = _cycles()
    mentor = Person.objects.get(user__email=login_email("mentor"))
    mentee = Person.objects.get(user__email=login_email("mentee"))
    today = timezone.localdate()
    assert mentor.retirement_eligible_on <= today and mentor.willing_to_mentor
    assert mentee.hire_date > today - timedelta(days=3 * 365)
    assert running.mentorships.filter(mentor=mentor, mentee=mentee, status=Mentorship.Status.ACTIVE).exists()
    assert DevelopmentGoal.objects.filter(person=mentee, skill__isnull=False).count() >= 2
    assert not upcoming.enrollments.filter(person=mentee).exists()
    assert not RSVP.objects.filter(person=mentee, event__cycle=upcoming).exists()


def test_the_mentee_login_works_through_the_login_page(client, seeded: str) -> None:
    response = client.post(reverse("account_login"), {"login": login_email("mentee"), "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(User.objects.get(email=login_email("mentee")).pk)


def test_the_coordinator_saves_every_demo_program_unchanged(client, seeded: str) -> None:
    """The edit form, sent back exactly as it came, is accepted for each demo program."""
    client.force_login(User.objects.get(email=login_email("coordinator")))
    for program in Program.objects.all():
        url = reverse("programs:program-edit", args=[program.slug])
        form = client.get(url).context["form"]
        data = {}
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
        response = client.post(url, data)
        assert response.status_code == 302, (program.slug, response.context["form"].errors)


def test_help_requests_and_flags_carry_their_own_times_not_the_seeds(seeded: str) -> None:
    from programs.models import HelpRequest, PairFlag

    now = timezone.now()
    asked = list(HelpRequest.objects.values_list("created_at", "resolved_at"))
    raised = list(PairFlag.objects.values_list("raised_at", flat=True))
    assert asked and raised
    assert len({created for created, _ in asked}) == len(asked)  # each its own moment
    assert all(created < now - timedelta(days=5) for created, _ in asked)
    assert all(resolved is None or created < resolved for created, resolved in asked)
    assert len(set(raised)) > 1 and all(r <= now for r in raised)


def test_a_handled_request_has_a_reply_and_the_demo_mentor_has_a_time_to_answer(client, seeded: str) -> None:
    from programs.models import HelpReply, MeetingRequest

    reply = HelpReply.objects.select_related("help_request").get()
    assert reply.help_request.created_at < reply.created_at < reply.help_request.resolved_at
    mentor = Person.objects.get(user__email=login_email("mentor"))
    proposal = MeetingRequest.objects.get(status=MeetingRequest.Status.PENDING)
    assert proposal.mentorship.mentor == mentor and proposal.starts_at > timezone.now()
    client.force_login(mentor.user)
    home = client.get(reverse("programs:participant-home")).content.decode()
    assert "proposed 1 meeting time." in home


def test_the_workforce_looks_like_a_real_department(seeded: str) -> None:
    today = timezone.localdate()
    assert Person.objects.count() == PEOPLE
    assert Department.objects.count() == 12
    assert Skill.objects.count() >= 150 and len(SKILLS) >= 12
    employed = Person.objects.employed()
    horizon = today + timedelta(days=3 * 365)
    share = employed.retirement_eligible_by(horizon).count() / employed.count()
    assert 0.10 <= share <= 0.30
    # People work a few years past eligibility at most, as they would.
    assert not employed.filter(retirement_eligible_on__lt=today - timedelta(days=9 * 365)).exists()
    hires = Person.objects.order_by("hire_date").values_list("hire_date", flat=True)
    assert (hires.last() - hires.first()).days > 25 * 365
    directors = Person.objects.filter(supervisor__isnull=True)
    assert directors.count() == 12
    assert not Person.objects.exclude(supervisor__isnull=True).exclude(supervisor__department=F("department")).exists()
    separated = Person.objects.filter(separated_on__isnull=False)
    assert separated.exists() and not separated.filter(separation_reason="").exists()
    assert len(set(Person.objects.values_list("time_zone", flat=True))) >= 3
    assert Person.objects.filter(willing_to_mentor=True, mentor_capacity__range=(1, 3)).exists()
    seniors = PersonSkill.objects.filter(person__hire_date__lt=today - timedelta(days=20 * 365))
    juniors = PersonSkill.objects.filter(person__hire_date__gt=today - timedelta(days=3 * 365))
    assert avg_level(seniors) > avg_level(juniors)
    assert seniors.filter(will_teach=True).exists()


def avg_level(qs) -> float:
    levels = list(qs.values_list("level", flat=True))
    return sum(levels) / len(levels)


def test_if_empty_leaves_a_loaded_demo_alone(seeded: str) -> None:
    def snapshot() -> dict[str, int]:
        return {
            "people": Person.objects.count(),
            "users": User.objects.count(),
            "pairs": Mentorship.objects.count(),
            "enrollments": Enrollment.objects.count(),
            "rsvps": RSVP.objects.count(),
            "meetings": Meeting.objects.count(),
        }

    before, digest = snapshot(), demo_digest()
    assert "already loaded" in seed(if_empty=True)
    assert snapshot() == before and demo_digest() == digest


def test_without_if_empty_a_second_run_refuses_and_changes_nothing(seeded: str) -> None:
    people = Person.objects.count()
    with pytest.raises(CommandError, match="already loaded"):
        seed()
    assert Person.objects.count() == people


def test_surveys_have_answers_kept_anonymous_and_one_waits_for_the_demo_mentee(seeded: str) -> None:
    from surveys.models import Invitation, Response, Survey

    past, running, upcoming = _cycles()
    today = timezone.localdate()
    closed_past = Survey.objects.filter(cycle=past, closes_on__lt=today)
    assert closed_past.count() == 3
    assert Response.objects.filter(survey__cycle=past).count() > 20
    anonymous = Response.objects.filter(anonymous=True)
    assert anonymous.exists()
    assert not anonymous.filter(
        Q(person__isnull=False) | Q(invitation__isnull=False) | Q(mentorship__isnull=False)
    ).exists()
    open_now = [s for s in Survey.objects.filter(cycle=running) if s.is_open()]
    assert len(open_now) == 1 and not open_now[0].anonymous
    mentee = Person.objects.get(user__email=login_email("mentee"))
    waiting = Invitation.objects.get(survey=open_now[0], person=mentee)
    assert not waiting.used
    assert Response.objects.filter(survey=open_now[0], anonymous=False, person__isnull=False).exists()
    # Nothing was left for the mailer to send when the demo loaded.
    assert not Invitation.objects.filter(sent_at__isnull=True).exists()
    assert Survey.objects.filter(cycle=upcoming, opened_at__isnull=True).exists()


def test_the_demo_mentee_applies_is_approved_by_the_coordinator_and_replies_to_the_kickoff(client, seeded: str) -> None:
    _, _, upcoming = _cycles()
    mentee = Person.objects.get(user__email=login_email("mentee"))
    client.force_login(mentee.user)
    apply_url = reverse("programs:apply", args=[upcoming.pk, Enrollment.Role.MENTEE])
    assert client.get(apply_url).status_code == 200
    goal = DevelopmentGoal.objects.filter(person=mentee, skill__isnull=False).first()
    response = client.post(
        apply_url, {"goals": [goal.pk], "motivation": "Learning capital planning before my mentor retires."}
    )
    assert response.status_code == 302
    enrollment = upcoming.enrollments.get(person=mentee, role=Enrollment.Role.MENTEE)
    assert enrollment.status == Enrollment.Status.PENDING
    assert list(enrollment.goals.all()) == [goal]

    # Only approved participants may reply to a cycle's events: the coordinator approves first.
    client.force_login(User.objects.get(email=login_email("coordinator")))
    response = client.post(
        reverse("programs:cycle-applications", args=[upcoming.pk]),
        {"enrollments": [enrollment.pk], "action": Enrollment.Status.APPROVED, "note": ""},
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.APPROVED

    client.force_login(mentee.user)
    kickoff = upcoming.events.get(kind=Event.Kind.KICKOFF)
    response = client.post(reverse("programs:event-rsvp", args=[kickoff.pk]), {"response": "going"})
    assert response.status_code == 302
    assert RSVP.objects.get(event=kickoff, person=mentee).status == RSVP.Status.GOING


def test_every_reply_in_the_demo_comes_from_someone_the_event_is_open_to(seeded: str) -> None:
    from programs.selectors.participant import events_open_to

    replies: dict[int, set[int]] = {}
    for person_id, event_id in RSVP.objects.values_list("person_id", "event_id"):
        replies.setdefault(person_id, set()).add(event_id)
    assert replies
    for person in Person.objects.filter(pk__in=replies):
        allowed = set(events_open_to(person).values_list("pk", flat=True))
        assert replies[person.pk] <= allowed, person


def test_the_running_pairs_are_the_published_proposals_of_a_match_run(seeded: str) -> None:
    from matching.models import MatchProposal, MatchRun

    _, running, _ = _cycles()
    run = MatchRun.objects.get(cycle=running)
    assert run.status == MatchRun.Status.DONE and run.published_at is not None
    assert timezone.localdate(run.published_at) == running.matching_on
    proposed = set(run.proposals.exclude(status=MatchProposal.Status.REJECTED).values_list("mentor_id", "mentee_id"))
    assert proposed == set(running.mentorships.values_list("mentor_id", "mentee_id"))
    demo_pair = run.proposals.get(mentee__user__email=login_email("mentee"))
    assert demo_pair.status == MatchProposal.Status.LOCKED
    assert demo_pair.mentor.user.email == login_email("mentor")
    assert run.proposals.exclude(explanation={}).exists()


def test_goals_record_where_people_stand_and_some_mentors_state_wishes(seeded: str) -> None:
    from profiles.models import DevelopmentGoal, PersonSkill

    goals = DevelopmentGoal.objects.filter(skill__isnull=False)
    assert goals.filter(current_level__isnull=False).count() > goals.count() // 2
    assert not goals.filter(current_level__gte=F("target_level")).exists()
    assert PersonSkill.objects.filter(prefers_teaching=True, will_teach=True).exists()
    assert not PersonSkill.objects.filter(prefers_teaching=True, will_teach=False).exists()
    wishful = Enrollment.objects.filter(role=Enrollment.Role.MENTOR, preferred_departments__isnull=False).distinct()
    assert wishful.exists()
    assert not wishful.filter(preferred_departments=F("person__department")).exists()


def test_knowledge_at_risk_tells_the_story_of_skills_nobody_is_learning(seeded: str) -> None:
    """Retiring experts hold know-how nobody else holds or is learning: the report's headline."""
    from reports.selectors.knowledge import knowledge_at_risk

    report = knowledge_at_risk(horizon=timezone.localdate() + timedelta(days=2 * 365))
    uncovered = [s for s in report.skills if s.status == "uncovered"]
    assert report.counts["uncovered"] == len(uncovered) >= 3
    assert report.counts["covered"] > 0  # and most skills are safe: the list is not all alarm
    assert report.skills[0].status == "uncovered"  # the ones that need action come first
    # The know-how the demo gives retiring experts is among them, each held at risk only.
    from demo.content import KNOW_HOW_CATEGORY

    know_how = set(SKILLS[KNOW_HOW_CATEGORY])
    assert know_how <= {s.skill for s in uncovered}
    for skill in (s for s in uncovered if s.skill in know_how):
        assert all(h.level == 4 for h in skill.holders) and 1 <= len(skill.holders) <= 2


def test_communities_and_speed_rounds_are_there_to_see(seeded: str) -> None:
    from communities.models import Community, CommunityEvent, Membership
    from speedrounds.models import Schedule, SpeedMeeting, Wish

    program = Program.objects.get(slug=PROGRAM_SLUG)
    mentors = Community.objects.get(program=program, kind=Community.Kind.MENTORS)
    paired_mentors = set(Mentorship.objects.filter(cycle__program=program).values_list("mentor_id", flat=True))
    assert paired_mentors <= set(mentors.memberships.values_list("person_id", flat=True))
    topics = Community.objects.filter(kind=Community.Kind.TOPIC)
    assert topics.count() == 3 and all(c.memberships.filter(role=Membership.Role.LEAD).exists() for c in topics)
    assert Membership.objects.filter(person__user__email=login_email("mentee"), community__in=topics).exists()
    assert CommunityEvent.objects.filter(event__starts_at__gt=timezone.now()).count() >= 2
    schedule = Schedule.objects.get(event__title="Speed mentoring morning")
    pairs = list(SpeedMeeting.objects.filter(schedule=schedule).values_list("mentor_id", "mentee_id"))
    assert pairs and len(pairs) == len(set(pairs)) and Wish.objects.filter(schedule=schedule).exists()


def test_the_running_cycle_has_circles_with_sessions_attendance_and_the_demo_logins_in_one(seeded: str) -> None:
    from circles.models import Circle, CircleAttendance, CircleMember, CircleSession
    from circles.selectors import cycle_circles

    running = Cycle.objects.get(program__slug=PROGRAM_SLUG, starts_on__lte=timezone.localdate(), ends_on__gte=timezone.localdate())
    circles = list(Circle.objects.filter(cycle=running))
    assert len(circles) == 3
    assert CircleSession.objects.filter(circle__cycle=running, status="held").exists()
    assert CircleSession.objects.filter(circle__cycle=running, scheduled_at__gt=timezone.now()).exists()
    assert CircleAttendance.objects.filter(session__circle__cycle=running, present=False).exists()
    mentor, mentee = Person.objects.get(email=login_email("mentor")), Person.objects.get(email=login_email("mentee"))
    assert CircleMember.objects.filter(person=mentor, role="mentor", circle__cycle=running).exists()
    assert CircleMember.objects.filter(person=mentee, role="mentee", circle__cycle=running).exists()
    figures = cycle_circles(cycle=running)
    assert any(f.at_risk for f in figures) and any(not f.at_risk for f in figures), [(f.circle.topic, f.mentees, f.reasons) for f in figures]
    for f in figures:  # the rules held: no member reports to a circle mentor
        for m in f.circle.current:
            assert m.person.supervisor_id not in {p.pk for p in f.mentors}


@pytest.mark.django_db(transaction=True)
def test_seeding_mails_nobody_and_leaves_nothing_to_send(settings) -> None:
    """Committed for real (on-commit work runs, tasks in-process): the demo's surveys, circles and
    the rest ask for mail as they would in use, and nobody gets any."""
    from django.core import mail

    from notifications.models import Delivery

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    seed()
    assert mail.outbox == []
    assert Delivery.objects.exists() and not Delivery.objects.filter(status=Delivery.Status.PENDING).exists()
