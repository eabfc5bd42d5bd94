"""Writes of the circles app: circles, members, applications, the agreement, sessions, attendance, notes.

Every function is keyword-only and atomic, refuses bad input with a ValidationError in words,
and records what a coordinator does in the audit log. Placing a mentee asks the same pair rules
as a pair (programs.rules, through programs' pair facts loader) for each of the circle's mentors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.references import person_ref
from audit.services import audit_record
from circles import signals
from circles.models import (
    MAX_MENTORS,
    Circle,
    CircleApplication,
    CircleAttendance,
    CircleMember,
    CircleNote,
    CircleSession,
)
from common.text import clean_text
from profiles.models import Person, Skill
from programs import rules
from programs.models import Cycle, Enrollment
from programs.selectors.pair_facts import pair_facts

# The pair rules that do not apply to a seat in a circle: an earlier pair with a circle mentor is
# no repeat, a mentor's places are for pairs, and the mentor-role check is done on the circle.
NOT_FOR_CIRCLES = frozenset({rules.PRIOR, rules.PAIRED, rules.CAPACITY, rules.ROLE})


def _approved(cycle: Cycle, role: str, people: Iterable[Person]) -> set[int]:
    return set(
        Enrollment.objects.filter(
            cycle=cycle,
            role=role,
            status=Enrollment.Status.APPROVED,
            person__in=list(people),
            person__separated_on__isnull=True,
        ).values_list("person_id", flat=True)
    )


def _check_shape(
    *, cycle: Cycle, topic: str, skills: list[Skill], mentors: list[Person], min_size: int, max_size: int
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not topic:
        errors["topic"] = ["Give the circle a topic."]
    if not skills:
        errors["skills"] = ["Choose at least one skill the circle works on."]
    if not 1 <= len(mentors) <= MAX_MENTORS:
        errors["mentors"] = [f"A circle has one or two mentors; you chose {len(mentors)}."]
    else:
        ok = _approved(cycle, Enrollment.Role.MENTOR, mentors)
        missing = [str(p) for p in mentors if p.pk not in ok]
        if missing:
            errors["mentors"] = [f"{', '.join(missing)}: not an approved mentor of this cycle who is still employed."]
    if min_size < 1 or max_size < 1:
        errors["min_size"] = ["A circle needs room for at least one mentee."]
    elif min_size > max_size:
        errors["min_size"] = [f"The fewest mentees ({min_size}) cannot be more than the most ({max_size})."]
    return errors


@transaction.atomic
def circle_create(
    *,
    cycle: Cycle,
    by: Any,
    topic: str,
    skills: Iterable[Skill],
    mentors: Iterable[Person],
    level: int = 3,
    min_size: int = 4,
    max_size: int = 8,
    description: str = "",
    open_for_applications: bool = True,
) -> Circle:
    topic = clean_text(topic or "").strip()
    skills, mentors = list(skills), list(mentors)
    errors = _check_shape(
        cycle=cycle, topic=topic, skills=skills, mentors=mentors, min_size=min_size, max_size=max_size
    )
    if Circle.objects.filter(cycle=cycle, topic__iexact=topic).exists():
        errors.setdefault("topic", []).append(f"This cycle already has a circle called “{topic}”.")
    if errors:
        raise ValidationError(errors)
    circle = Circle.objects.create(
        cycle=cycle,
        topic=topic,
        description=clean_text(description or "").strip(),
        level=level,
        min_size=min_size,
        max_size=max_size,
        open_for_applications=open_for_applications,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    circle.skills.set(skills)
    today = timezone.localdate()
    CircleMember.objects.bulk_create(
        CircleMember(
            circle=circle,
            person=p,
            role=CircleMember.Role.MENTOR,
            joined_on=today,
            added_by=by if getattr(by, "is_authenticated", False) else None,
        )
        for p in mentors
    )
    audit_record(
        actor=by,
        action="circles.create",
        target=circle,
        summary=f"Created the circle “{topic}”",
        data={"mentors": [p.pk for p in mentors], "skills": [s.pk for s in skills]},
    )
    return circle


@transaction.atomic
def circle_update(
    *,
    circle: Circle,
    by: Any,
    topic: str,
    skills: Iterable[Skill],
    mentors: Iterable[Person],
    level: int,
    min_size: int,
    max_size: int,
    description: str = "",
    open_for_applications: bool = True,
) -> Circle:
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    topic = clean_text(topic or "").strip()
    skills, mentors = list(skills), list(mentors)
    errors = _check_shape(
        cycle=circle.cycle, topic=topic, skills=skills, mentors=mentors, min_size=min_size, max_size=max_size
    )
    if Circle.objects.filter(cycle=circle.cycle, topic__iexact=topic).exclude(pk=circle.pk).exists():
        errors.setdefault("topic", []).append(f"This cycle already has a circle called “{topic}”.")
    seated = circle.members.filter(role=CircleMember.Role.MENTEE, left_on__isnull=True).count()
    if "min_size" not in errors and max_size < seated:
        errors["max_size"] = [f"{seated} mentees are in the circle already; the most cannot be lower than that."]
    mentee_ids = set(circle.members.filter(role=CircleMember.Role.MENTEE).values_list("person_id", flat=True))
    both = [str(p) for p in mentors if p.pk in mentee_ids]
    if both:
        errors.setdefault("mentors", []).append(f"{', '.join(both)} is a mentee of this circle.")
    elif mentors and "mentors" not in errors:
        # A new mentor must be allowed with every mentee already seated (reporting chain, ban, grade).
        seated_people = list(
            Person.objects.filter(
                circle_memberships__circle=circle,
                circle_memberships__role=CircleMember.Role.MENTEE,
                circle_memberships__left_on__isnull=True,
            )
        )
        if seated_people:
            facts = pair_facts(cycle=circle.cycle, mentors=mentors, mentees=seated_people)
            for mentor in mentors:
                for mentee in seated_people:
                    for refusal in rules.pair_refusals(
                        facts, mentor.pk, mentee.pk, skip=NOT_FOR_CIRCLES | {rules.SEPARATED}
                    ):
                        errors.setdefault("mentors", []).append(refusal.text)
    if errors:
        raise ValidationError(errors)
    circle.topic, circle.description, circle.level = topic, clean_text(description or "").strip(), level
    circle.min_size, circle.max_size, circle.open_for_applications = min_size, max_size, open_for_applications
    circle.save()
    circle.skills.set(skills)
    today = timezone.localdate()
    wanted = {p.pk for p in mentors}
    current = {m.person_id: m for m in circle.members.filter(role=CircleMember.Role.MENTOR)}
    for person_id, member in current.items():
        if person_id not in wanted and member.left_on is None:
            member.left_on = today
            member.save(update_fields=["left_on"])
        elif person_id in wanted and member.left_on is not None:
            member.left_on = None
            member.save(update_fields=["left_on"])
    for p in mentors:
        if p.pk not in current:
            CircleMember.objects.create(
                circle=circle,
                person=p,
                role=CircleMember.Role.MENTOR,
                joined_on=today,
                added_by=by if getattr(by, "is_authenticated", False) else None,
            )
    audit_record(actor=by, action="circles.update", target=circle, summary=f"Edited the circle “{topic}”")
    return circle


def circle_mentor_ids(circle: Circle) -> list[int]:
    return list(
        circle.members.filter(role=CircleMember.Role.MENTOR, left_on__isnull=True)
        .order_by("pk")
        .values_list("person_id", flat=True)
    )


def placement_refusals(*, circle: Circle, mentee: Person, mentors: list[Person] | None = None) -> list[str]:
    """Why `mentee` may not take a seat in `circle` now, in words (empty: they may). The pair
    rules of programs.rules against each of the circle's mentors, an approved mentee of the
    cycle, not already a member, and a free seat."""
    if mentors is None:
        mentors = list(Person.objects.filter(pk__in=circle_mentor_ids(circle)))
    out: list[str] = []
    if mentee.separated_on is not None:
        out.append(f"{mentee} has left (separation date {mentee.separated_on:%d %b %Y}).")
    elif not _approved(circle.cycle, Enrollment.Role.MENTEE, [mentee]):
        out.append(f"{mentee} is not an approved mentee in this cycle.")
    if circle.members.filter(person=mentee, left_on__isnull=True).exists():
        out.append(f"{mentee} is already in this circle.")
    if circle.ended_on is not None:
        out.append("This circle has ended.")
    seated = circle.members.filter(role=CircleMember.Role.MENTEE, left_on__isnull=True).count()
    if seated >= circle.max_size:
        out.append(f"The circle is full: {seated} of {circle.max_size} seats are taken.")
    if mentors:
        facts = pair_facts(cycle=circle.cycle, mentors=mentors, mentees=[mentee])
        for mentor in mentors:
            for refusal in rules.pair_refusals(facts, mentor.pk, mentee.pk, skip=NOT_FOR_CIRCLES | {rules.SEPARATED}):
                text = refusal.text
                if refusal.rule == rules.SELF:
                    text = f"{mentee} leads this circle."
                if text not in out:
                    out.append(text)
    return out


@transaction.atomic
def circle_member_add(
    *, circle: Circle, person: Person, by: Any, source: str = CircleMember.Source.MANUAL
) -> CircleMember:
    """Give a mentee a seat in the circle (a coordinator by hand, an accepted application, or publishing a run)."""
    circle = Circle.objects.select_for_update().select_related("cycle").get(pk=circle.pk)
    refused = placement_refusals(circle=circle, mentee=person)
    if refused:
        raise ValidationError(refused)
    member, created = CircleMember.objects.get_or_create(
        circle=circle,
        person=person,
        defaults={
            "role": CircleMember.Role.MENTEE,
            "source": source,
            "joined_on": timezone.localdate(),
            "added_by": by if getattr(by, "is_authenticated", False) else None,
        },
    )
    if not created:  # they had left: back in
        member.left_on, member.role, member.source = None, CircleMember.Role.MENTEE, source
        member.joined_on = timezone.localdate()
        member.save(update_fields=["left_on", "role", "source", "joined_on"])
    CircleApplication.objects.filter(circle=circle, person=person).update(status=CircleApplication.Status.PLACED)
    audit_record(
        actor=by,
        action="circles.member_add",
        target=circle,
        summary=f"Placed {person_ref(person)} in the circle “{circle.topic}”",
        data={"source": source},
    )
    # The mentee hears of the seat once it stands (a refused publish rolls back and tells nobody).
    transaction.on_commit(lambda: signals.member_added.send(sender=CircleMember, member=member))
    return member


@transaction.atomic
def circle_member_remove(*, member: CircleMember, by: Any) -> CircleMember:
    if member.left_on is not None:
        raise ValidationError(f"{member.person} has already left this circle.")
    if member.role == CircleMember.Role.MENTOR and len(circle_mentor_ids(member.circle)) <= 1:
        raise ValidationError("A circle needs a mentor: add another mentor before removing this one.")
    member.left_on = timezone.localdate()
    member.save(update_fields=["left_on"])
    audit_record(
        actor=by,
        action="circles.member_remove",
        target=member.circle,
        summary=f"{person_ref(member.person)} left the circle “{member.circle.topic}”",
    )
    return member


@transaction.atomic
def circle_apply(*, circle: Circle, person: Person, note: str = "") -> CircleApplication:
    circle = Circle.objects.select_for_update().select_related("cycle").get(pk=circle.pk)
    if not circle.open_for_applications or circle.ended_on is not None:
        raise ValidationError("This circle is not taking applications.")
    refused = [r for r in placement_refusals(circle=circle, mentee=person)]
    if refused:
        raise ValidationError(refused)
    application, created = CircleApplication.objects.get_or_create(
        circle=circle, person=person, defaults={"note": clean_text(note or "").strip()[:500]}
    )
    if not created:
        if application.status == CircleApplication.Status.PENDING:
            raise ValidationError("You have already applied to this circle.")
        application.status, application.note = CircleApplication.Status.PENDING, clean_text(note or "").strip()[:500]
        application.save(update_fields=["status", "note"])
    return application


@transaction.atomic
def circle_application_withdraw(*, application: CircleApplication) -> CircleApplication:
    if application.status != CircleApplication.Status.PENDING:
        raise ValidationError("Only a waiting application can be withdrawn.")
    application.status = CircleApplication.Status.WITHDRAWN
    application.save(update_fields=["status"])
    return application


@transaction.atomic
def circle_agreement_update(*, circle: Circle, by: Any, goals: str, cadence: str, meeting_format: str) -> Circle:
    circle.agreement_goals = clean_text(goals or "").strip()
    circle.cadence, circle.meeting_format = cadence, meeting_format
    circle.agreement_updated_at = timezone.now()
    circle.full_clean(exclude=["cycle", "created_by"])
    circle.save(update_fields=["agreement_goals", "cadence", "meeting_format", "agreement_updated_at"])
    return circle


def _session_fields(circle: Circle, title: str, scheduled_at: datetime | None) -> str:
    title = clean_text(title or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["Say what the session is about."]
    if scheduled_at is None:
        errors["scheduled_at"] = ["Give the date and time."]
    elif not (circle.cycle.starts_on <= timezone.localdate(scheduled_at) <= circle.cycle.ends_on):
        errors["scheduled_at"] = [
            f"Sessions take place within the cycle ({circle.cycle.starts_on:%d %b %Y} to "
            f"{circle.cycle.ends_on:%d %b %Y})."
        ]
    if errors:
        raise ValidationError(errors)
    return title


@transaction.atomic
def circle_session_create(
    *,
    circle: Circle,
    by: Person | None,
    title: str,
    scheduled_at: datetime,
    duration_minutes: int = 60,
    meeting_format: str = "video",
    place: str = "",
) -> CircleSession:
    if circle.ended_on is not None:
        raise ValidationError("This circle has ended.")
    title = _session_fields(circle, title, scheduled_at)
    return CircleSession.objects.create(
        circle=circle,
        title=title,
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
        meeting_format=meeting_format,
        place=clean_text(place or "").strip(),
        created_by=by,
    )


@transaction.atomic
def circle_session_update(
    *,
    session: CircleSession,
    title: str,
    scheduled_at: datetime,
    duration_minutes: int,
    meeting_format: str,
    place: str = "",
    status: str | None = None,
) -> CircleSession:
    session = CircleSession.objects.select_for_update().select_related("circle__cycle").get(pk=session.pk)
    session.title = _session_fields(session.circle, title, scheduled_at)
    session.scheduled_at, session.duration_minutes = scheduled_at, duration_minutes
    session.meeting_format, session.place = meeting_format, clean_text(place or "").strip()
    if status is not None:
        if status not in CircleSession.Status.values:
            raise ValidationError({"status": "Choose a status."})
        session.status = status
    session.sequence += 1  # calendars that hold the session pick up the change
    session.save()
    return session


@transaction.atomic
def circle_session_cancel(*, session: CircleSession) -> CircleSession:
    session = CircleSession.objects.select_for_update().get(pk=session.pk)
    if session.status == CircleSession.Status.CANCELLED:
        raise ValidationError("This session is already cancelled.")
    session.status = CircleSession.Status.CANCELLED
    session.sequence += 1
    session.save(update_fields=["status", "sequence"])
    return session


@transaction.atomic
def circle_attendance_record(
    *, session: CircleSession, by: Person, present: Mapping[int, bool], now: datetime | None = None
) -> int:
    """Record who came to a session (person id -> present). A mentor of the circle records it,
    once the session has started; marking attendance marks the session held."""
    session = CircleSession.objects.select_for_update().select_related("circle").get(pk=session.pk)
    now = now or timezone.now()
    if session.status == CircleSession.Status.CANCELLED:
        raise ValidationError("This session was cancelled: there is no attendance to take.")
    if session.scheduled_at > now:
        raise ValidationError("Attendance is taken once the session has started.")
    members = set(session.circle.members.filter(left_on__isnull=True).values_list("person_id", flat=True))
    unknown = set(present) - members
    if unknown:
        raise ValidationError("Attendance can only be recorded for members of the circle.")
    for person_id, here in present.items():
        CircleAttendance.objects.update_or_create(
            session=session, person_id=person_id, defaults={"present": bool(here), "recorded_by": by}
        )
    if session.status != CircleSession.Status.HELD:
        session.status = CircleSession.Status.HELD
        session.sequence += 1
        session.save(update_fields=["status", "sequence"])
    return len(present)


@transaction.atomic
def circle_note_add(*, circle: Circle, author: Person | None, body: str) -> CircleNote:
    body = clean_text(body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the note first."})
    if len(body) > 4000:
        raise ValidationError({"body": f"Keep the note under 4,000 characters (it has {len(body):,})."})
    return CircleNote.objects.create(circle=circle, author=author, body=body)


def seat_problems(seats: list) -> list[str]:
    """Before publishing a run: its new circle seats that publishing would refuse now, one line
    each. One load of the pair facts per circle (not per seat), the new seats of one circle
    counted together against its free seats."""
    by_circle: dict[int, list] = {}
    for seat in seats:
        by_circle.setdefault(seat.circle_id, []).append(seat)
    if not by_circle:
        return []
    circles = {c.pk: c for c in Circle.objects.filter(pk__in=list(by_circle)).select_related("cycle")}
    leaders: dict[int, list[Person]] = {}
    seated: dict[int, set[int]] = {pk: set() for pk in by_circle}
    for m in CircleMember.objects.filter(circle_id__in=list(by_circle), left_on__isnull=True).select_related("person"):
        if m.role == CircleMember.Role.MENTOR:
            leaders.setdefault(m.circle_id, []).append(m.person)
        else:
            seated[m.circle_id].add(m.person_id)
    approved = set(
        Enrollment.objects.filter(
            cycle_id__in={c.cycle_id for c in circles.values()},
            role=Enrollment.Role.MENTEE,
            status=Enrollment.Status.APPROVED,
            person_id__in=[s.mentee_id for s in seats],
        ).values_list("cycle_id", "person_id")
    )
    lines = []
    for circle_id, group in by_circle.items():
        circle = circles[circle_id]
        mentors = leaders.get(circle_id, [])
        facts = pair_facts(cycle=circle.cycle, mentors=mentors, mentees=[s.mentee for s in group]) if mentors else None
        new = [s for s in group if s.mentee_id not in seated[circle_id]]
        for seat in group:
            texts = []
            if seat.mentee.separated_on is not None:
                texts.append(f"{seat.mentee} has left (separation date {seat.mentee.separated_on:%d %b %Y}).")
            elif (circle.cycle_id, seat.mentee_id) not in approved:
                texts.append(f"{seat.mentee} is not an approved mentee in this cycle.")
            if circle.ended_on is not None:
                texts.append("This circle has ended.")
            if not mentors:
                texts.append("The circle has no mentor.")
            for mentor in mentors:
                for refusal in rules.pair_refusals(
                    facts, mentor.pk, seat.mentee_id, skip=NOT_FOR_CIRCLES | {rules.SEPARATED}
                ):
                    if refusal.text not in texts:
                        texts.append(refusal.text)
            if texts:
                lines.append(f"{seat.mentee} → the circle “{circle.topic}”: {' '.join(texts)}")
        if len(seated[circle_id]) + len(new) > circle.max_size:
            lines.append(
                f"The circle “{circle.topic}” has {len(seated[circle_id])} mentee(s) and {len(new)} new seat(s) here; "
                f"it holds at most {circle.max_size}."
            )
    return lines


@transaction.atomic
def circle_end(*, circle: Circle, by: Any) -> Circle:
    """End a circle: it takes no more seats, applications or sessions, matching no longer offers
    it, and its sessions still ahead are cancelled (calendars pick that up). Members keep the page."""
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if circle.ended_on is not None:
        raise ValidationError(f"The circle “{circle.topic}” has already ended.")
    circle.ended_on = timezone.localdate()
    circle.open_for_applications = False
    circle.save(update_fields=["ended_on", "open_for_applications"])
    ahead = list(circle.sessions.filter(status=CircleSession.Status.SCHEDULED, scheduled_at__gt=timezone.now()))
    for session in ahead:
        session.status = CircleSession.Status.CANCELLED
        session.sequence += 1
    CircleSession.objects.bulk_update(ahead, ["status", "sequence"])
    CircleApplication.objects.filter(circle=circle, status=CircleApplication.Status.PENDING).update(
        status=CircleApplication.Status.WITHDRAWN
    )
    audit_record(
        actor=by,
        action="circles.end",
        target=circle,
        summary=f"Ended the circle “{circle.topic}”",
        data={"sessions_cancelled": len(ahead)},
    )
    return circle
