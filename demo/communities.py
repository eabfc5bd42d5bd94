"""The demo's communities of practice (three topic communities and the program's mentors'
community) and a speed-mentoring morning with its rotation and some "I'd like to work with" wishes."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from communities.models import Community, CommunityEvent, CommunityResource, Membership
from communities.services import mentors_community_sync
from profiles.models import Person, PersonSkill, Skill
from programs.models import RSVP, Event
from resources.models import Resource
from speedrounds.models import Wish
from speedrounds.services import schedule_generate

from .builds import ProgramsBuild
from .people import login_email

SUMMARIES = [
    "Practitioners and learners of {skill}: monthly lunch-and-learns, a forum each quarter, and colleagues to ask.",
    "Everyone who works with {skill}, from any agency. Bring a question, share what worked.",
    "{skill} in our department: a small group that meets over lunch and keeps a reading list.",
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def build_communities(*, rng: random.Random, programs: ProgramsBuild, today: date) -> dict[str, int]:
    program = programs.program
    mentors_community, _ = mentors_community_sync(program=program)
    demo_mentor = Person.objects.filter(email=login_email("mentor")).first()
    demo_mentee = Person.objects.filter(email=login_email("mentee")).first()
    skills = list(Skill.objects.annotate(n=Count("holders")).filter(n__gte=5).order_by("-n", "name")[:3])
    communities = []
    for n, skill in enumerate(skills):
        department = demo_mentee.department if n == 2 and demo_mentee else None
        community = Community.objects.create(
            name=f"{skill.name} community of practice"[:120],
            slug=f"demo-{skill.pk}",
            program=program,
            summary=SUMMARIES[n].format(skill=skill.name),
            department=department,
        )
        community.skills.add(skill)
        holders = PersonSkill.objects.filter(skill=skill, person__separated_on__isnull=True)
        if department is not None:
            holders = holders.filter(person__department=department)
        people = [row.person_id for row in holders.order_by("-level", "person_id")[:40]]
        rng.shuffle(people)
        people = people[:25]
        if n == 0:
            people = [p.pk for p in (demo_mentor, demo_mentee) if p is not None] + people
        people = list(dict.fromkeys(people))
        Membership.objects.bulk_create(
            [
                Membership(
                    community=community, person_id=pk, role=Membership.Role.LEAD if i == 0 else Membership.Role.MEMBER
                )
                for i, pk in enumerate(people)
            ],
            ignore_conflicts=True,
        )
        communities.append(community)

    if communities:
        first = communities[0]
        day = today + timedelta(days=9)
        lunch = Event.objects.create(
            program=program,
            kind=Event.Kind.TRAINING,
            title=f"Lunch-and-learn: {skills[0].name} in practice",
            description="Forty minutes from a colleague who does it every day, and questions over lunch.",
            starts_at=_at(day, 12),
            ends_at=_at(day, 13),
            location="Conference room B",
            capacity=30,
        )
        forum = Event.objects.create(
            program=program,
            kind=Event.Kind.SOCIAL,
            title=f"{skills[0].name} forum",
            starts_at=_at(today + timedelta(days=40), 15),
            ends_at=_at(today + timedelta(days=40), 16, 30),
            video_url="https://meet.demo.gov/forum",
            location="Auditorium",
        )
        for event in (lunch, forum):
            CommunityEvent.objects.create(community=first, event=event)
        members = list(first.memberships.values_list("person_id", flat=True)[:12])
        RSVP.objects.bulk_create(
            [RSVP(event=lunch, person_id=pk, status=RSVP.Status.GOING) for pk in members], ignore_conflicts=True
        )
        for resource in Resource.objects.filter(program=program).order_by("title")[:2]:
            CommunityResource.objects.create(community=first, resource=resource)

    # Speed mentoring at a training morning of the running cycle last week.
    running = programs.running
    day = today - timedelta(days=6)
    morning = Event.objects.create(
        program=program,
        cycle=running.cycle,
        kind=Event.Kind.TRAINING,
        title="Speed mentoring morning",
        description="Eight-minute conversations: mentors stay at their tables, mentees move on.",
        starts_at=_at(day, 9),
        ends_at=_at(day, 10, 30),
        location="Atrium",
    )
    mentors = [e.person for e in running.mentors[:6]]
    mentees = [e.person for e in running.mentees[:9]]
    for extra in (demo_mentee, demo_mentor):
        if extra is not None and extra not in mentors + mentees:
            (mentees if extra == demo_mentee else mentors).append(extra)
    RSVP.objects.bulk_create(
        [RSVP(event=morning, person=p, status=RSVP.Status.GOING, attended=True) for p in mentors + mentees],
        ignore_conflicts=True,
    )
    schedule = schedule_generate(event=morning, by=None, minutes_per_round=8)
    wishes = []
    for meeting in schedule.meetings.order_by("round", "table"):
        if rng.random() < 0.2:
            wishes.append(Wish(schedule=schedule, by_id=meeting.mentee_id, whom_id=meeting.mentor_id))
        if rng.random() < 0.1:
            wishes.append(Wish(schedule=schedule, by_id=meeting.mentor_id, whom_id=meeting.mentee_id))
    Wish.objects.bulk_create(wishes, ignore_conflicts=True)
    return {
        "communities": len(communities) + 1,
        "community_members": Membership.objects.count(),
        "mentors_community_members": mentors_community.memberships.count(),
        "speed_round_meetings": schedule.meetings.count(),
        "speed_round_wishes": Wish.objects.count(),
    }
