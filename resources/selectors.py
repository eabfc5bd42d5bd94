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


def _stages(cycle: Any, *, held: int, midpoint_passed: int, today: date) -> list[str]:
    """The one rule for where a pair or a circle is in its cycle, most pressing first."""
    stages: list[str] = []
    if today >= cycle.ends_on - timedelta(weeks=CLOSING_WEEKS):
        stages.append(Milestone.CLOSING)
    if midpoint_passed or today >= cycle.starts_on + (cycle.ends_on - cycle.starts_on) / 2:
        stages.append(Milestone.MIDPOINT)
    if not held:
        stages.append(Milestone.FIRST_MEETING)
    if today <= cycle.starts_on + timedelta(weeks=2):
        stages.append(Milestone.KICKOFF)
    return stages


def _midpoint_passed() -> Count:
    return Count(
        "cycle__events",
        filter=Q(cycle__events__kind=Event.Kind.MIDPOINT, cycle__events__starts_at__lte=timezone.now()),
        distinct=True,
    )


def pair_milestones(pair: Mentorship, *, today: date | None = None) -> list[str]:
    """Where the pair is, most pressing first. One query (held meetings and the midpoint event)."""
    facts = Mentorship.objects.filter(pk=pair.pk).aggregate(
        held=Count("meetings", filter=Q(meetings__status=Meeting.Status.HELD), distinct=True),
        midpoint_passed=_midpoint_passed(),
    )
    return _stages(pair.cycle, today=today or timezone.localdate(), **facts)


def circle_milestones(circle: Circle, *, today: date | None = None) -> list[str]:
    """Where a mentoring circle is: the pairs' rule with its sessions for meetings. One query."""
    facts = Circle.objects.filter(pk=circle.pk).aggregate(
        held=Count("sessions", filter=Q(sessions__status=CircleSession.Status.HELD), distinct=True),
        midpoint_passed=_midpoint_passed(),
    )
    return _stages(circle.cycle, today=today or timezone.localdate(), **facts)


def _guides(*, program_id: int, stages: list[str], role: str | None, skills: QuerySet) -> list[Resource]:
    """The few guides that fit now: the milestones first, then those on `skills`, then the ones
    for any time. Fixed queries whatever the library's size."""
    audiences = [Audience.EVERYONE]
    if role == "mentor":
        audiences.append(Audience.MENTORS)
    elif role == "mentee":
        audiences.append(Audience.MENTEES)
    else:  # a coordinator sees what either side is offered
        audiences += [Audience.MENTORS, Audience.MENTEES]
    candidates = (
        Resource.objects.filter(program_id=program_id, audience__in=audiences, milestone__in=[*stages, Milestone.ANYTIME])
        .exclude(kind=Resource.Kind.RECORDING)
        .annotate(on_goals=Count("skills", filter=Q(skills__in=skills), distinct=True))
    )
    rank = {stage: position for position, stage in enumerate(stages)}
    ordered = sorted(candidates, key=lambda r: (rank.get(r.milestone, len(stages)), -r.on_goals, r.title.lower(), r.pk))
    return ordered[:PAIR_GUIDES_SHOWN]


def pair_guides(pair: Mentorship, role: str | None) -> list[Resource]:
    """Guides for the pair's milestones, those on the mentee's goal skills first."""
    goal_skills = DevelopmentGoal.objects.filter(person_id=pair.mentee_id).values("skill_id")
    return _guides(program_id=pair.cycle.program_id, stages=pair_milestones(pair), role=role, skills=goal_skills)


def circle_guides(circle: Circle, role: str | None) -> list[Resource]:
    """Guides for the circle's milestones, those on the circle's skills first."""
    return _guides(
        program_id=circle.cycle.program_id, stages=circle_milestones(circle), role=role,
        skills=circle.skills.values("pk"),
    )


def event_recordings(event: Event) -> list[Resource]:
    """Recordings and slides linked to an event, shown once it has ended."""
    if event.ends_at > timezone.now():
        return []
    return list(Resource.objects.filter(event=event).order_by("title", "pk"))
