"""Personal data: what we hold about a person, and removing it when they leave.

Anonymising keeps the rows that program figures count (pairs, meetings, RSVPs, survey answers
with numbers, retention dates) and removes what identifies the person or what they wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import references
from audit.services import audit_record
from circles.models import CircleApplication, CircleAttendance, CircleMember, CircleNote
from matching.models import MenteeChoice
from notifications.models import Delivery
from privacy.selectors import may_remove
from profiles.models import DevelopmentGoal, GoalProgressNote, Person
from programs.models import Agreement, Enrollment, HelpReply, HelpRequest, Meeting, MeetingRequest, Mentorship
from speedrounds.models import Wish
from surveys.models import Answer, Draft, Invitation, QuestionKind, Response

REMOVED = "[removed]"

# Apps to the right of privacy (communities) add their part of "my data" here from their
# AppConfig.ready(): a name and a function person -> JSON-able data.
ExportSection = Callable[[Person], Any]
_EXPORT_SECTIONS: dict[str, ExportSection] = {}


def register_export_section(name: str, section: ExportSection) -> None:
    _EXPORT_SECTIONS[name] = section


def person_data_export(*, person: Person) -> dict[str, Any]:
    """Everything held about `person` that is linked to them, as plain JSON-able data.

    Anonymous survey answers are not included because nothing links them to the person;
    that is the promise those surveys make.
    """
    pairs = list(
        Mentorship.objects.for_person(person).select_related("cycle__program", "mentor", "mentee").order_by("pk")
    )
    meetings = Meeting.objects.filter(mentorship__in=pairs).prefetch_related("goals_touched").order_by("scheduled_at")
    goals = DevelopmentGoal.objects.filter(person=person).select_related("skill").prefetch_related("notes")
    responses = (
        Response.objects.filter(person=person, anonymous=False)
        .select_related("survey")
        .prefetch_related("answers__question")
    )
    return {
        "generated_at": timezone.now().isoformat(),
        "profile": {
            "employee_id": person.employee_id,
            "name": person.full_name,
            "email": person.email,
            "title": person.title,
            "grade": person.grade,
            "department": person.department.name,
            "office_location": person.office_location,
            "time_zone": person.time_zone,
            "supervisor": person.supervisor.full_name if person.supervisor_id else None,
            "hire_date": _iso(person.hire_date),
            "retirement_eligible_on": _iso(person.retirement_eligible_on),
            "separated_on": _iso(person.separated_on),
            "bio": person.bio,
            "meeting_formats": person.meeting_formats,
            "willing_to_mentor": person.willing_to_mentor,
            "mentor_capacity": person.mentor_capacity,
            "receives_nudges": person.receives_nudges,
            "phone": person.phone,
            "show_email_to_pair": person.show_email_to_pair,
            "show_phone_to_pair": person.show_phone_to_pair,
        },
        "skills": [
            {"skill": s.skill.name, "level": s.level, "will_teach": s.will_teach}
            for s in person.skills.select_related("skill")
        ],
        "development_plan": [
            {
                "goal": g.label,
                "priority": g.get_priority_display(),
                "status": g.get_status_display(),
                "target_date": _iso(g.target_date),
                "notes": [{"at": n.created_at.isoformat(), "text": n.text} for n in g.notes.all()],
            }
            for g in goals
        ],
        "applications": [
            {
                "cycle": str(e.cycle),
                "role": e.role,
                "status": e.status,
                "applied_at": e.applied_at.isoformat(),
                "motivation": e.motivation,
            }
            for e in Enrollment.objects.filter(person=person).select_related("cycle__program")
        ],
        "mentorships": [
            {
                "cycle": str(m.cycle),
                "role": m.role_of(person),
                "with": (m.mentee if m.mentor_id == person.pk else m.mentor).full_name,
                "status": m.status,
                "started_on": _iso(m.started_on),
                "ended_on": _iso(m.ended_on),
                "end_reason": m.end_reason,
            }
            for m in pairs
        ],
        "meetings": [
            {
                "pair": str(m.mentorship_id),
                "scheduled_at": m.scheduled_at.isoformat(),
                "status": m.status,
                "format": m.meeting_format,
                "duration_minutes": m.duration_minutes,
                "private_notes": m.private_notes,
            }
            for m in meetings
        ],
        "event_responses": [
            {"event": r.event.title, "starts_at": r.event.starts_at.isoformat(), "status": r.status, "attended": r.attended}
            for r in person.rsvps.select_related("event")
        ],
        "help_requests": [
            {
                "kind": h.kind,
                "message": h.message,
                "created_at": h.created_at.isoformat(),
                "replies": [{"text": r.text, "created_at": r.created_at.isoformat()} for r in h.replies.all()],
            }
            for h in HelpRequest.objects.filter(requested_by=person).prefetch_related("replies")
        ],
        "meeting_times_proposed": [
            {
                "pair": str(r.mentorship_id),
                "starts_at": r.starts_at.isoformat(),
                "status": r.status,
                "note": r.note,
                "answer": r.response_note,
            }
            for r in MeetingRequest.objects.filter(mentorship__in=pairs).order_by("starts_at", "pk")
        ],
        "speed_round_seats": [
            {"event": s.schedule.event.title, "starts_at": s.schedule.event.starts_at.isoformat(), "role": s.role}
            for s in person.speed_round_seats.select_related("schedule__event")
        ],
        "speed_round_wishes": [
            {"event": w.schedule.event.title, "would_like_to_work_with": w.whom.full_name}
            for w in Wish.objects.filter(by=person).select_related("schedule__event", "whom")
        ],
        "mentoring_circles": [
            {
                "circle": m.circle.topic,
                "cycle": str(m.circle.cycle),
                "role": m.role,
                "joined_on": _iso(m.joined_on),
                "left_on": _iso(m.left_on),
            }
            for m in CircleMember.objects.filter(person=person).select_related("circle__cycle__program").order_by("pk")
        ],
        "circle_applications": [
            {"circle": a.circle.topic, "status": a.status, "note": a.note, "created_at": a.created_at.isoformat()}
            for a in CircleApplication.objects.filter(person=person).select_related("circle").order_by("pk")
        ],
        "circle_attendance": [
            {"circle": a.session.circle.topic, "session": a.session.title,
             "scheduled_at": a.session.scheduled_at.isoformat(), "present": a.present}
            for a in CircleAttendance.objects.filter(person=person).select_related("session__circle").order_by("pk")
        ],
        "circle_notes_written": [
            {"circle": n.circle.topic, "at": n.created_at.isoformat(), "text": n.body}
            for n in CircleNote.objects.filter(author=person).select_related("circle").order_by("pk")
        ],
        "named_survey_answers": [
            {
                "survey": r.survey.title,
                "submitted_on": _iso(r.submitted_on),
                "answers": [{"question": a.question.text, **_answer_value(a)} for a in r.answers.all()],
            }
            for r in responses
        ],
        **{name: section(person) for name, section in sorted(_EXPORT_SECTIONS.items())},
    }


@transaction.atomic
def person_anonymise(*, person: Person, by: Any, reason: str) -> Person:
    """Remove a person who left: identity and free text go, the counts stay.

    Kept: department, grade, hire/retirement/separation dates (retention and knowledge reports),
    pairs, meetings (date, format, length), RSVPs and attendance, numeric survey answers.
    Removed: name, e-mail, login, bio, skills, goals' free text and notes, private meeting notes
    of their pairs and the notes on times proposed in them, messages they wrote (circle notes and
    applications included) and the coordinators' replies to them, their link to named survey
    answers and those answers' free text, speed-round wishes by or about them, pending e-mails,
    and their name wherever the audit log wrote it as text.

    `by` must be allowed to (privacy.selectors: staff, or a coordinator of a program the person
    took part in). The reason is kept in the audit entry's data, which only superusers read:
    it often says why someone left, which other coordinators have no business reading.
    """
    if not may_remove(by, person):
        raise PermissionDenied("Only a coordinator of a program this person took part in may remove them.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at:
        raise ValidationError("This person's data has already been removed.")
    if person.separated_on is None:
        raise ValidationError("Record the separation date first: only people who have left can be removed.")
    if Mentorship.objects.for_person(person).active().exists():
        raise ValidationError("End this person's active pairs first (the roster import does it for separations).")

    pk = person.pk
    original_email = person.email
    identifying = [person.full_name, original_email]
    user_id = person.user_id
    if person.user_id:
        user = person.user
        identifying.append(user.email)
        user.email = f"removed-user-{user.pk}@invalid.example"
        user.first_name = user.last_name = ""
        user.is_active = False
        user.is_coordinator = user.is_hr_analyst = False
        user.set_unusable_password()
        user.save()
        person.user = None

    pairs = Mentorship.objects.for_person(person)
    Meeting.objects.filter(mentorship__in=pairs).update(private_notes="")
    Agreement.objects.filter(mentorship__in=pairs).update(expectations="")
    GoalProgressNote.objects.filter(Q(goal__person=person) | Q(author=person)).update(text=REMOVED)
    DevelopmentGoal.objects.filter(person=person).exclude(aim="").update(aim=REMOVED)
    HelpRequest.objects.filter(requested_by=person).update(message=REMOVED)
    HelpReply.objects.filter(help_request__requested_by=person).update(text=REMOVED)
    MeetingRequest.objects.filter(mentorship__in=pairs).update(note="", response_note="")
    Enrollment.objects.filter(person=person).update(motivation="", decision_note="")
    MenteeChoice.objects.filter(Q(mentee=person) | Q(mentor=person)).update(note="")
    Wish.objects.filter(Q(by=person) | Q(whom=person)).delete()  # whom they wanted to work with: nobody counts it
    # Circles: the seats and attendance stay (the circle's figures count them); what they wrote goes.
    CircleNote.objects.filter(author=person).update(body=REMOVED)
    CircleApplication.objects.filter(person=person).update(note="")
    person.skills.all().delete()

    named = Response.objects.filter(person=person, anonymous=False)
    Answer.objects.filter(response__in=named, question__kind=QuestionKind.TEXT).update(text=REMOVED)
    named.update(person=None, invitation=None, submitted_at=None)
    Draft.objects.filter(invitation__person=person).delete()
    Invitation.objects.filter(person=person).delete()
    Delivery.objects.filter(Q(person=person) | Q(email__iexact=original_email)).exclude(
        status=Delivery.Status.SENT
    ).delete()
    Delivery.objects.filter(Q(person=person) | Q(email__iexact=original_email)).update(
        email=f"removed-{pk}@invalid.example"
    )

    person.first_name = "Former"
    person.last_name = f"employee #{pk}"
    person.email = f"removed-{pk}@invalid.example"
    person.employee_id = None
    person.title = ""
    person.office_location = ""
    person.phone = ""
    person.show_email_to_pair = person.show_phone_to_pair = False
    person.bio = ""
    person.supervisor = None
    person.willing_to_mentor = False
    person.receives_nudges = False
    person.anonymised_at = timezone.now()
    person.save()
    references.scrub(person=person, names=identifying, user_id=user_id)
    audit_record(
        actor=by,
        action="privacy.anonymise",
        target=person,
        summary=f"Removed the data of {references.person_ref(person)}",
        data={"reason": reason[:500]},
    )
    return person


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _answer_value(answer: Answer) -> dict[str, Any]:
    if answer.options:
        return {"answer": answer.options}
    if answer.number is not None:
        return {"answer": answer.number}
    return {"answer": answer.text}
