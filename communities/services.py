"""Changes to communities: create, edit, join, leave, leads, events and resources listed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from audit.services import audit_record
from communities.models import Community, CommunityEvent, CommunityResource, Membership
from communities.selectors import can_join
from profiles.models import Department, Person, Skill
from programs.models import Enrollment, Event, Mentorship, Program
from programs.services.events import event_create
from resources.models import Resource

RESERVED_SLUGS = {"new"}  # would hide the page that opens a community
COMMUNITY_EVENT_KINDS = (Event.Kind.TRAINING, Event.Kind.SOCIAL, Event.Kind.MENTORING_DAY)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "community"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Community.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def community_create(
    *,
    by: Any,
    program: Program,
    name: str,
    summary: str = "",
    department: Department | None = None,
    skills: Iterable[Skill] = (),
    lead: Person | None = None,
) -> Community:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the community a name."})
    community = Community.objects.create(
        name=name, slug=_unique_slug(name), summary=summary.strip(), program=program, department=department
    )
    community.skills.set(list(skills))
    if lead is not None:
        community_set_role(community=community, person=lead, role=Membership.Role.LEAD, by=by)
    audit_record(actor=by, action="community.create", target=community, program_id=program.pk)
    return community


@transaction.atomic
def community_update(
    *, community: Community, by: Any, name: str, summary: str, department: Department | None, skills: Iterable[Skill]
) -> Community:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the community a name."})
    if community.is_mentors and department is not None:
        raise ValidationError({"department": "A mentors' community is for every mentor of its program."})
    community.name, community.summary, community.department = name, summary.strip(), department
    community.save(update_fields=["name", "summary", "department"])
    community.skills.set(list(skills))
    audit_record(actor=by, action="community.update", target=community, program_id=community.program_id)
    return community


@transaction.atomic
def community_join(*, community: Community, person: Person) -> Membership:
    if not can_join(community, person):
        if community.is_mentors:
            raise ValidationError("Only the program's mentors, past and present, are in its mentors' community.")
        raise ValidationError(f"{community.name} is for people of {community.department}.")
    membership, created = Membership.objects.select_for_update().get_or_create(community=community, person=person)
    if not created and membership.left_at is not None:
        membership.left_at = None
        membership.save(update_fields=["left_at"])
    return membership


@transaction.atomic
def community_leave(*, community: Community, person: Person) -> None:
    membership = Membership.objects.select_for_update().filter(community=community, person=person).first()
    if membership is None or membership.left_at is not None:
        raise ValidationError(f"You are not a member of {community.name}.")
    if membership.role == Membership.Role.LEAD:
        others = Membership.objects.filter(community=community, role=Membership.Role.LEAD, left_at__isnull=True)
        if not others.exclude(pk=membership.pk).exists() and not community.is_mentors:
            raise ValidationError("You are its only lead: make another member a lead before you leave.")
    membership.left_at = timezone.now()
    membership.role = Membership.Role.MEMBER
    membership.save(update_fields=["left_at", "role"])


@transaction.atomic
def community_set_role(*, community: Community, person: Person, role: str, by: Any) -> Membership:
    """Make a person a lead (joining them if need be) or a member again."""
    if role not in Membership.Role.values:
        raise ValidationError("Choose lead or member.")
    membership = Membership.objects.select_for_update().filter(community=community, person=person).first()
    if membership is None or membership.left_at is not None:
        if role != Membership.Role.LEAD:
            raise ValidationError(f"{person.full_name} is not a member.")
        if person.separated_on is not None:
            raise ValidationError(f"{person.full_name} has left the organisation.")
        membership, _ = Membership.objects.get_or_create(community=community, person=person)
        membership.left_at = None
    if role == Membership.Role.MEMBER and membership.role == Membership.Role.LEAD:
        others = Membership.objects.filter(community=community, role=Membership.Role.LEAD, left_at__isnull=True)
        if not others.exclude(pk=membership.pk).exists():
            raise ValidationError("A community keeps at least one lead: make someone else a lead first.")
    membership.role = role
    membership.save()
    audit_record(
        actor=by,
        action="community.role",
        target=community,
        data={"person": person.pk, "role": role},
        program_id=community.program_id,
    )
    return membership


@transaction.atomic
def community_event_create(
    *, community: Community, by: Any, kind: str, title: str, starts_at: datetime, ends_at: datetime, **fields: Any
) -> Event:
    """A lunch-and-learn or forum: an event of the host program (no cycle), listed by the community.
    Invitations, RSVPs, reminders and calendar feeds are the events' own (programs.audiences
    adds the community's members to the event's audience)."""
    if kind not in COMMUNITY_EVENT_KINDS:
        raise ValidationError({"kind": "A community holds trainings (lunch-and-learns), socials or mentoring days."})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "Schedule the event in the future."})
    event = event_create(
        program=community.program, by=by, kind=kind, title=title, starts_at=starts_at, ends_at=ends_at, **fields
    )
    # event_create sends event_scheduled on commit: the link below is committed with it, so the
    # invitations already include the members.
    CommunityEvent.objects.create(community=community, event=event)
    return event


@transaction.atomic
def community_event_link(*, community: Community, event: Event) -> CommunityEvent:
    if event.program_id != community.program_id:
        raise ValidationError("A community lists events of its host program only.")
    try:
        with transaction.atomic():
            return CommunityEvent.objects.create(community=community, event=event)
    except IntegrityError as exc:
        raise ValidationError(f"{community.name} already lists {event.title}.") from exc


@transaction.atomic
def community_resource_add(*, community: Community, resource: Resource) -> CommunityResource:
    if resource.program_id != community.program_id:
        raise ValidationError({"resource": "A community lists resources of its host program's library."})
    try:
        with transaction.atomic():
            return CommunityResource.objects.create(community=community, resource=resource)
    except IntegrityError as exc:
        raise ValidationError({"resource": f"{resource.title} is already listed."}) from exc


def community_resource_remove(*, community: Community, resource_id: int) -> None:
    deleted, _ = CommunityResource.objects.filter(community=community, resource_id=resource_id).delete()
    if not deleted:
        raise ValidationError("That resource is not listed here.")


# --- Mentors' communities ------------------------------------------------------------------------
def mentors_community_for(program: Program) -> Community:
    community = Community.objects.filter(program=program, kind=Community.Kind.MENTORS).first()
    if community is None:
        try:
            with transaction.atomic():
                community = Community.objects.create(
                    program=program,
                    kind=Community.Kind.MENTORS,
                    name=f"{program.name} mentors"[:120],
                    slug=_unique_slug(f"{program.slug} mentors"),
                    summary="Mentors of this program, past and present: share tips, ask each other, meet up.",
                )
        except IntegrityError:  # created at the same moment by another request
            community = Community.objects.get(program=program, kind=Community.Kind.MENTORS)
    return community


def program_mentor_ids(program: Program) -> set[int]:
    """Everyone who has mentored in the program: an approved mentor application or a pair as mentor."""
    approved = Enrollment.objects.filter(
        cycle__program=program, role=Enrollment.Role.MENTOR, status=Enrollment.Status.APPROVED
    ).values_list("person_id", flat=True)
    paired = Mentorship.objects.filter(cycle__program=program).values_list("mentor_id", flat=True)
    return set(approved) | set(paired)


@transaction.atomic
def mentors_community_sync(*, program: Program) -> tuple[Community, int]:
    """Create the program's mentors' community if need be and add every mentor not yet in it.
    Someone who left stays out. Returns the community and how many were added."""
    community = mentors_community_for(program)
    known = set(Membership.objects.filter(community=community).values_list("person_id", flat=True))
    ids = Person.objects.filter(
        Q(pk__in=program_mentor_ids(program) - known), separated_on__isnull=True, anonymised_at__isnull=True
    ).values_list("pk", flat=True)
    Membership.objects.bulk_create([Membership(community=community, person_id=pk) for pk in ids], ignore_conflicts=True)
    return community, len(ids)


def mentors_community_add(*, program: Program, person: Person) -> None:
    community = mentors_community_for(program)
    Membership.objects.get_or_create(community=community, person=person)
