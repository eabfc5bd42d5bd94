"""Who sees which communities, and what a community page shows. Fixed queries whatever the size."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from communities.models import Community, CommunityEvent, CommunityResource, Membership
from profiles.models import Person, PersonSkill
from programs.models import Enrollment, Event, Mentorship
from programs.selectors.access import coordinated_programs, person_of
from programs.selectors.participant import with_seats_and_my_rsvp
from resources.models import Resource

ACTIVE = Q(left_at__isnull=True)


def visible_communities(user: Any) -> QuerySet[Community]:
    """Communities `user` may see: every cross-agency topic community for anyone signed in; a
    department's topic communities for its people; a mentors' community for its members; every
    community of the programs they coordinate."""
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    condition = Q(kind=Community.Kind.TOPIC, department__isnull=True)
    condition |= Q(program__in=coordinated_programs(user).values("pk"))
    person = person_of(user)
    if person is not None:
        condition |= Q(kind=Community.Kind.TOPIC, department_id=person.department_id)
        condition |= Q(pk__in=Membership.objects.filter(ACTIVE, person=person).values("community_id"))
    return Community.objects.filter(condition)


def can_join(community: Community, person: Person | None) -> bool:
    """Topic communities are open to everyone (or to the department they are kept to); a mentors'
    community takes the program's mentors, past and present, which it adds by itself."""
    if person is None or person.separated_on is not None:
        return False
    if community.is_mentors:
        return Membership.objects.filter(community=community, person=person).exists()
    return community.department_id is None or community.department_id == person.department_id


def membership_of(community: Community, person: Person | None) -> Membership | None:
    if person is None:
        return None
    return Membership.objects.filter(community=community, person=person).first()


def can_manage(user: Any, community: Community, membership: Membership | None) -> bool:
    """Leads edit their community; the host program's coordinators may too (they appoint leads)."""
    if membership is not None and membership.is_active and membership.role == Membership.Role.LEAD:
        return True
    return coordinated_programs(user).filter(pk=community.program_id).exists()


def community_list(user: Any, *, skill_id: int | None = None) -> list[Community]:
    communities = visible_communities(user)
    if skill_id is not None:
        communities = communities.filter(skills__pk=skill_id)
    person = person_of(user)
    mine = Membership.objects.filter(ACTIVE, person=person) if person else Membership.objects.none()
    return list(
        communities.distinct()
        .select_related("program", "department")
        .prefetch_related("skills", Prefetch("memberships", queryset=mine, to_attr="my_memberships"))
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_at__isnull=True), distinct=True))
        .order_by("name", "pk")
    )


def members_with_expertise(community: Community) -> list[Membership]:
    """Active members, leads first, each with `expertise`: their PersonSkill rows for the topic."""
    members = list(
        community.memberships.filter(ACTIVE, person__separated_on__isnull=True, person__anonymised_at__isnull=True)
        .select_related("person__department")
        .order_by("-role", "person__last_name", "person__first_name", "pk")
    )
    # "member" > "lead" alphabetically, so -role puts leads first.
    members.sort(key=lambda m: (m.role != Membership.Role.LEAD,))
    skill_ids = [s.pk for s in community.skills.all()]
    by_person: dict[int, list[PersonSkill]] = defaultdict(list)
    for row in (
        PersonSkill.objects.filter(person_id__in=[m.person_id for m in members], skill_id__in=skill_ids)
        .select_related("skill")
        .order_by("-level", "skill__name")
    ):
        by_person[row.person_id].append(row)
    for membership in members:
        membership.expertise = by_person.get(membership.person_id, [])
    if community.is_mentors:
        _add_mentor_cycles(community, members)
    return members


def _add_mentor_cycles(community: Community, members: list[Membership]) -> None:
    """A mentors' community shows when each member mentored in the program (`mentored`, newest
    first, marked "now" while running and "upcoming" before it starts): how past and current mentors find each other."""
    today = timezone.localdate()
    ids = [m.person_id for m in members]
    seen: dict[int, dict[int, tuple[Any, str, str]]] = defaultdict(dict)
    approved = Enrollment.objects.filter(
        cycle__program_id=community.program_id, role=Enrollment.Role.MENTOR, status=Enrollment.Status.APPROVED,
        person_id__in=ids,
    ).values_list("person_id", "cycle_id", "cycle__starts_on", "cycle__name", "cycle__ends_on")
    paired = Mentorship.objects.filter(cycle__program_id=community.program_id, mentor_id__in=ids).values_list(
        "mentor_id", "cycle_id", "cycle__starts_on", "cycle__name", "cycle__ends_on"
    )
    for rows in (approved, paired):
        for person_id, cycle_id, starts_on, name, ends_on in rows:
            when = "upcoming" if starts_on > today else ("now" if ends_on >= today else "")
            seen[person_id][cycle_id] = (starts_on, name, when)
    for membership in members:
        cycles = sorted(seen.get(membership.person_id, {}).values(), key=lambda c: c[0], reverse=True)
        membership.mentored = [{"name": name, "when": when} for _, name, when in cycles]


def community_events(community: Community, person: Person | None, *, past: bool = False) -> list[Event]:
    now = timezone.now()
    events = Event.objects.filter(pk__in=CommunityEvent.objects.filter(community=community).values("event_id"))
    events = events.filter(ends_at__lt=now) if past else events.filter(ends_at__gte=now)
    events = with_seats_and_my_rsvp(events, person)
    return list(events.order_by("-starts_at" if past else "starts_at", "pk")[:20])


def community_resources(community: Community) -> list[Resource]:
    return list(
        Resource.objects.filter(community_links__community=community).select_related("event").order_by("title", "pk")
    )


def memberships_of(person: Person) -> list[Membership]:
    """The communities a person is an active member of, with their role (their profile lists them)."""
    return list(
        Membership.objects.filter(ACTIVE, person=person).select_related("community").order_by("community__name", "pk")
    )


def communities_for_skill(user: Any, skill_id: int) -> list[Community]:
    return list(visible_communities(user).filter(skills__pk=skill_id).distinct().order_by("name", "pk")[:10])


def listed_resource(community: Community, pk: int) -> Resource | None:
    return Resource.objects.filter(pk=pk, community_links__community=community).first()


def resource_choices(community: Community) -> QuerySet[Resource]:
    """Resources a lead may list: the host program's library, not already listed."""
    listed = CommunityResource.objects.filter(community=community).values("resource_id")
    return Resource.objects.filter(program_id=community.program_id).exclude(pk__in=listed).order_by("title", "pk")


def community_event_condition(person: Any) -> Q:
    """programs.audiences hook: events of the communities a person is an active member of."""
    if person is None:
        return Q(pk__in=[])
    return Q(
        pk__in=CommunityEvent.objects.filter(
            community__memberships__person=person, community__memberships__left_at__isnull=True
        ).values("event_id")
    )


def community_people_condition(event: Any) -> Q:
    """programs.audiences hook: active members of the communities that list an event."""
    return Q(pk__in=Membership.objects.filter(ACTIVE, community__event_links__event=event).values("person_id"))


def export_memberships(person: Person) -> list[dict[str, Any]]:
    """privacy's "my data": the communities a person is or was in."""
    return [
        {
            "community": m.community.name,
            "role": m.role,
            "joined_at": m.joined_at.isoformat(),
            "left_at": m.left_at.isoformat() if m.left_at else None,
        }
        for m in Membership.objects.filter(person=person).select_related("community").order_by("joined_at", "pk")
    ]
