"""Who sees which resources, and which ones fit a pair where it is in its cycle."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from circles.models import Circle, CircleSession
from profiles.models import DevelopmentGoal, Skill
from programs.models import Enrollment, Event, Meeting, Mentorship, Program
from programs.selectors.access import coordinated_programs, person_of
from resources.models import Audience, Milestone, Resource

# A pair is "closing" in the last weeks of its cycle: time for the wrap-up guide.
CLOSING_WEEKS = 4
PAIR_GUIDES_SHOWN = 4


def programs_of(user: Any) -> QuerySet[Program]:
    """Programs whose library `user` may read: the ones they coordinate or have taken part in."""
    person = person_of(user)
    taken_part = Q(pk__in=[])
    if person is not None:
        taken_part = Q(cycles__enrollments__person=person, cycles__enrollments__status=Enrollment.Status.APPROVED)
    return Program.objects.filter(Q(pk__in=coordinated_programs(user).values("pk")) | taken_part).distinct()


def visible_resources(user: Any) -> QuerySet[Resource]:
    return Resource.objects.filter(program__in=programs_of(user).values("pk")).select_related("program")


def library(user: Any, *, milestone: str = "", skill_id: int | None = None) -> QuerySet[Resource]:
    """The library as `user` may read it, narrowed to a milestone and a skill when given."""
    resources = visible_resources(user)
    if milestone:
        resources = resources.filter(milestone=milestone)
    if skill_id is not None:
        resources = resources.filter(skills__pk=skill_id)
    return resources


def library_skills(user: Any) -> QuerySet[Skill]:
    """The skills the readable library is tagged with: the skill filter's choices."""
    return Skill.objects.filter(resources__in=visible_resources(user)).distinct().order_by("name")


def pair_milestones(pair: Mentorship, *, today: date | None = None) -> list[str]:
    """Where the pair is, most pressing first. One query (held meetings and the midpoint event)."""
    today = today or timezone.localdate()
    cycle = pair.cycle
    facts = Mentorship.objects.filter(pk=pair.pk).aggregate(
        held=Count("meetings", filter=Q(meetings__status=Meeting.Status.HELD), distinct=True),
        midpoint_passed=Count(
            "cycle__events",
            filter=Q(cycle__events__kind=Event.Kind.MIDPOINT, cycle__events__starts_at__lte=timezone.now()),
            distinct=True,
        ),
    )
    stages: list[str] = []
    if today >= cycle.ends_on - timedelta(weeks=CLOSING_WEEKS):
        stages.append(Milestone.CLOSING)
    if facts["midpoint_passed"] or today >= cycle.starts_on + (cycle.ends_on - cycle.starts_on) / 2:
        stages.append(Milestone.MIDPOINT)
    if not facts["held"]:
        stages.append(Milestone.FIRST_MEETING)
    if today <= cycle.starts_on + timedelta(weeks=2):
        stages.append(Milestone.KICKOFF)
    return stages


def pair_guides(pair: Mentorship, role: str | None) -> list[Resource]:
    """The few guides that fit this pair now: its milestones first, then those on the mentee's
    goal skills, then the ones for any time. Fixed queries whatever the library's size."""
    stages = pair_milestones(pair)
    audiences = [Audience.EVERYONE]
    if role == "mentor":
        audiences.append(Audience.MENTORS)
    elif role == "mentee":
        audiences.append(Audience.MENTEES)
    else:  # a coordinator looking at the pair sees what either of them is offered
        audiences += [Audience.MENTORS, Audience.MENTEES]
    goal_skills = DevelopmentGoal.objects.filter(person_id=pair.mentee_id).values("skill_id")
    candidates = (
        Resource.objects.filter(
            program_id=pair.cycle.program_id,
            audience__in=audiences,
            milestone__in=[*stages, Milestone.ANYTIME],
        )
        .exclude(kind=Resource.Kind.RECORDING)
        .annotate(on_goals=Count("skills", filter=Q(skills__in=goal_skills), distinct=True))
    )
    rank = {stage: position for position, stage in enumerate(stages)}
    ordered = sorted(
        candidates,
        key=lambda r: (rank.get(r.milestone, len(stages)), -r.on_goals, r.title.lower(), r.pk),
    )
    return ordered[:PAIR_GUIDES_SHOWN]


def circle_milestones(circle: Circle, *, today: date | None = None) -> list[str]:
    """Where a mentoring circle is, most pressing first, by the pairs' rule with its sessions for
    meetings. One query."""
    today = today or timezone.localdate()
    cycle = circle.cycle
    facts = Circle.objects.filter(pk=circle.pk).aggregate(
        held=Count("sessions", filter=Q(sessions__status=CircleSession.Status.HELD), distinct=True),
        midpoint_passed=Count(
            "cycle__events",
            filter=Q(cycle__events__kind=Event.Kind.MIDPOINT, cycle__events__starts_at__lte=timezone.now()),
            distinct=True,
        ),
    )
    stages: list[str] = []
    if today >= cycle.ends_on - timedelta(weeks=CLOSING_WEEKS):
        stages.append(Milestone.CLOSING)
    if facts["midpoint_passed"] or today >= cycle.starts_on + (cycle.ends_on - cycle.starts_on) / 2:
        stages.append(Milestone.MIDPOINT)
    if not facts["held"]:
        stages.append(Milestone.FIRST_MEETING)
    if today <= cycle.starts_on + timedelta(weeks=2):
        stages.append(Milestone.KICKOFF)
    return stages


def circle_guides(circle: Circle, role: str | None) -> list[Resource]:
    """The few guides that fit a circle now: its milestones first, then those on the circle's
    skills, then the ones for any time (the pair page's rule). Fixed queries."""
    stages = circle_milestones(circle)
    audiences = [Audience.EVERYONE]
    if role == "mentor":
        audiences.append(Audience.MENTORS)
    elif role == "mentee":
        audiences.append(Audience.MENTEES)
    else:
        audiences += [Audience.MENTORS, Audience.MENTEES]
    candidates = (
        Resource.objects.filter(
            program_id=circle.cycle.program_id, audience__in=audiences, milestone__in=[*stages, Milestone.ANYTIME]
        )
        .exclude(kind=Resource.Kind.RECORDING)
        .annotate(on_goals=Count("skills", filter=Q(skills__in=circle.skills.values("pk")), distinct=True))
    )
    rank = {stage: position for position, stage in enumerate(stages)}
    ordered = sorted(
        candidates, key=lambda r: (rank.get(r.milestone, len(stages)), -r.on_goals, r.title.lower(), r.pk)
    )
    return ordered[:PAIR_GUIDES_SHOWN]


def event_recordings(event: Event) -> list[Resource]:
    """Recordings and slides linked to an event, shown once it has ended."""
    if event.ends_at > timezone.now():
        return []
    return list(Resource.objects.filter(event=event).order_by("title", "pk"))
