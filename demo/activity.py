"""Life inside the cycles: agreements, meetings, help requests, flags, progress notes, events."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.conf import settings

from profiles.models import DevelopmentGoal, GoalProgressNote, GoalStatus, MeetingFormat
from programs.models import (
    RSVP,
    Agreement,
    Event,
    HelpReply,
    HelpRequest,
    Meeting,
    MeetingRequest,
    Mentorship,
    PairFlag,
    Program,
)

from .builds import CycleBuild
from .content import EXPECTATIONS, HELP_MESSAGES, MEETING_NOTES, PROGRESS_NOTES
from .people import Employee, Roster
from .timeline import at, scaled, workday

CADENCE_DAYS = {Agreement.Cadence.WEEKLY: 7, Agreement.Cadence.BIWEEKLY: 14, Agreement.Cadence.MONTHLY: 30}


def agreements_and_meetings(
    rng: random.Random, build: CycleBuild, today: date, roster: Roster
) -> tuple[list[Agreement], list[Meeting]]:
    demo_mentee = roster.demo["mentee"].person
    goals_by_person = {e.person.pk: e.goals for e in build.mentees}
    agreements: list[Agreement] = []
    agreement_goals: list[tuple[Agreement, DevelopmentGoal]] = []
    meetings: list[Meeting] = []
    meeting_goals: list[tuple[Meeting, DevelopmentGoal]] = []
    running = build.cycle.ends_on >= today
    for pair in build.pairs:
        goals = [g for g in goals_by_person.get(pair.mentee.pk, []) if g.pk][:2]
        formats = [f for f in pair.mentee.meeting_formats if f in pair.mentor.meeting_formats] or [MeetingFormat.VIDEO]
        fmt = rng.choice(formats)
        cadence = rng.choices(list(CADENCE_DAYS), (1, 5, 2))[0]
        silent = running and pair.mentee is not demo_mentee and rng.random() < 0.05
        if not running or pair.mentee is demo_mentee or rng.random() < 0.9:
            signed = at(pair.started_on + timedelta(days=rng.randint(3, 12)), 16)
            agreement = Agreement(
                mentorship=pair,
                cadence=cadence,
                meeting_format=fmt,
                expectations=rng.choice(EXPECTATIONS),
                mentor_agreed_at=signed,
                mentee_agreed_at=signed if rng.random() < 0.93 or not running else None,
            )
            agreements.append(agreement)
            agreement_goals += [(agreement, g) for g in goals]
        end = pair.ended_on or min(build.cycle.ends_on, today + timedelta(days=30))
        day = workday(pair.started_on + timedelta(days=rng.randint(5, 12)))
        scheduled_ahead = 0
        while day <= end:
            if silent and day > today - timedelta(days=45):
                break
            when = at(day, rng.randint(9, 16), rng.choice((0, 30)))
            if day < today:
                status = Meeting.Status.CANCELLED if rng.random() < 0.08 else Meeting.Status.HELD
            else:
                status, scheduled_ahead = Meeting.Status.SCHEDULED, scheduled_ahead + 1
            held = status == Meeting.Status.HELD
            meeting = Meeting(
                mentorship=pair,
                scheduled_at=when,
                meeting_format=fmt,
                status=status,
                duration_minutes=rng.choice((30, 45, 60, 60, 90)),
                private_notes=rng.choice(MEETING_NOTES) if held and rng.random() < 0.75 else "",
                logged_by=(pair.mentee if rng.random() < 0.5 else pair.mentor) if held else None,
            )
            meetings.append(meeting)
            if held and goals and rng.random() < 0.5:
                meeting_goals.append((meeting, rng.choice(goals)))
            if scheduled_ahead >= 2:
                break
            day = workday(day + timedelta(days=CADENCE_DAYS[cadence] + rng.randint(-2, 3)))
    Agreement.objects.bulk_create(agreements, batch_size=1000)
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    AGoal, MGoal = Agreement.goals.through, Meeting.goals_touched.through
    AGoal.objects.bulk_create(
        [AGoal(agreement_id=a.pk, developmentgoal_id=g.pk) for a, g in agreement_goals], batch_size=2000
    )
    MGoal.objects.bulk_create(
        [MGoal(meeting_id=m.pk, developmentgoal_id=g.pk) for m, g in meeting_goals], batch_size=2000
    )
    return agreements, meetings


def help_and_flags(
    rng: random.Random, build: CycleBuild, meetings: list[Meeting], coordinator, today: date, demo_mentee: Employee
) -> dict[str, int]:
    """Open pairs that need the coordinator: help requests, rematch asks, pairs gone quiet."""
    active = [p for p in build.pairs if p.status == Mentorship.Status.ACTIVE and p.mentee is not demo_mentee.person]
    last_held: dict[int, datetime] = {}
    for m in meetings:
        if m.status == Meeting.Status.HELD:
            last_held[m.mentorship_id] = max(m.scheduled_at, last_held.get(m.mentorship_id, m.scheduled_at))
    # The same line as every other place that calls a pair at risk (programs.selectors.health).
    weeks = settings.PAIR_AT_RISK_WEEKS
    quiet_since = at(today - timedelta(weeks=weeks), 0)
    flags = [
        PairFlag(mentorship=p, reason=PairFlag.Reason.NO_MEETINGS, detail=f"No meeting logged in {weeks} weeks.")
        for p in active
        if last_held.get(p.pk, quiet_since) <= quiet_since
    ]
    requests = []
    asking = rng.sample(active, min(len(active), len(HELP_MESSAGES)))
    for i, (pair, (kind, message)) in enumerate(zip(asking, HELP_MESSAGES, strict=False)):
        request = HelpRequest(mentorship=pair, requested_by=pair.mentee, kind=kind, message=message)
        if i == 0:  # one already handled, to show a resolution
            request.resolved_at, request.resolved_by = at(today - timedelta(days=5), 14), coordinator
            request.resolution = "Moved the pair to monthly phone check-ins until storm season ends."
        else:
            reason = PairFlag.Reason.REMATCH if kind == "rematch" else PairFlag.Reason.HELP
            if not any(f.mentorship is pair and f.reason == reason for f in flags):
                flags.append(PairFlag(mentorship=pair, reason=reason, detail=message[:120]))
        requests.append(request)
    HelpRequest.objects.bulk_create(requests)
    PairFlag.objects.bulk_create(flags)
    _true_timestamps(rng, requests, flags, last_held, today)
    replies = _coordinator_replies(requests, coordinator)
    proposals = _proposed_time(build, demo_mentee, today)
    return {"help_requests": len(requests), "flags": len(flags), "help_replies": replies, "proposed_times": proposals}


def _coordinator_replies(requests: list[HelpRequest], coordinator) -> int:
    """The handled request got an answer before it was resolved, as a coordinator would write it."""
    handled = [r for r in requests if r.resolved_at]
    replies = [
        HelpReply(
            help_request=r,
            author=coordinator,
            text="Thanks for raising this. I spoke to you both: let's try monthly phone check-ins until "
            "storm season ends, and I will check in with you again in a month.",
        )
        for r in handled
    ]
    HelpReply.objects.bulk_create(replies)
    for reply in replies:  # created_at is auto_now_add: give it the time it was written
        reply.created_at = reply.help_request.resolved_at - timedelta(hours=2)
    HelpReply.objects.bulk_update(replies, ["created_at"])
    return len(replies)


def _proposed_time(build: CycleBuild, demo_mentee: Employee, today: date) -> int:
    """The demo mentee proposed a time her mentor has not answered yet (his home lists it)."""
    pair = next(
        (p for p in build.pairs if p.mentee is demo_mentee.person and p.status == Mentorship.Status.ACTIVE), None
    )
    if pair is None:
        return 0
    proposal = MeetingRequest.objects.create(
        mentorship=pair,
        proposed_by=pair.mentee,
        starts_at=at(workday(today + timedelta(days=6)), 11),
        duration_minutes=45,
        note="Could we go over my briefing draft before it goes to the director?",
    )
    MeetingRequest.objects.filter(pk=proposal.pk).update(created_at=at(today - timedelta(days=1), 17, 20))
    return 1


def _true_timestamps(
    rng: random.Random,
    requests: list[HelpRequest],
    flags: list[PairFlag],
    last_held: dict[int, datetime],
    today: date,
) -> None:
    """Stamp each entry with when it would have happened, not the moment the seed ran
    (created_at and raised_at are auto_now_add, so bulk_create gives them all one time)."""
    asked: dict[int, datetime] = {}
    for request in requests:
        # At least 8 days back: workday() may move a weekend forward by two days, and the request
        # answered five days ago must have been asked before that.
        request.created_at = at(workday(today - timedelta(days=rng.randint(8, 30))), rng.randint(8, 16), rng.randint(0, 59))
        asked[request.mentorship_id] = request.created_at
    for flag in flags:
        if flag.reason == PairFlag.Reason.NO_MEETINGS:
            # The morning after the pair crossed the at-risk line.
            met = last_held.get(flag.mentorship_id)
            silent_from = met.date() if met else flag.mentorship.started_on
            crossed = silent_from + timedelta(weeks=settings.PAIR_AT_RISK_WEEKS, days=1)
            flag.raised_at = at(min(crossed, today), 7)
        else:
            flag.raised_at = asked.get(flag.mentorship_id, at(today - timedelta(days=rng.randint(2, 20)), 9))
    HelpRequest.objects.bulk_update(requests, ["created_at"])
    PairFlag.objects.bulk_update(flags, ["raised_at"])


def progress(rng: random.Random, past: CycleBuild, running: CycleBuild, today: date) -> int:
    """Progress notes on running mentees' goals, and goals reached by last cycle's mentees."""
    notes: list[GoalProgressNote] = []
    mentor_of = {p.mentee.pk: p.mentor for p in running.pairs}
    for e in running.mentees:
        for goal in e.goals:
            if rng.random() < 0.45:
                for _ in range(rng.randint(1, 2)):
                    author = e.person if rng.random() < 0.75 else mentor_of.get(e.person.pk, e.person)
                    notes.append(GoalProgressNote(goal=goal, author=author, text=rng.choice(PROGRESS_NOTES)))
    GoalProgressNote.objects.bulk_create(notes, batch_size=2000)
    span = max(1, (today - running.cycle.starts_on).days)
    for note in notes:
        note.created_at = at(running.cycle.starts_on + timedelta(days=rng.randint(1, span)), 17)
    GoalProgressNote.objects.bulk_update(notes, ["created_at"], batch_size=2000)

    achieved = []
    for e in past.mentees:
        for goal in e.goals:
            if rng.random() < 0.4:
                goal.status = GoalStatus.ACHIEVED
                goal.achieved_on = past.cycle.ends_on - timedelta(days=rng.randint(0, 60))
                achieved.append(goal)
    DevelopmentGoal.objects.bulk_update(achieved, ["status", "achieved_on"], batch_size=2000)
    return len(notes)


def events_and_rsvps(
    rng: random.Random,
    program: Program,
    past: CycleBuild,
    running: CycleBuild,
    upcoming: CycleBuild,
    roster: Roster,
    today: date,
    coordinator,
    people: int,
) -> Event:
    demo_mentee = roster.demo["mentee"]
    rsvps: list[RSVP] = []

    def reply(event: Event, e: Employee, status: str, *, attended: bool | None = None, guests: int = 0) -> None:
        before = min(event.starts_at, at(today, 8)) - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 9))
        rsvps.append(
            RSVP(event=event, person=e.person, status=status, attended=attended, guests=guests, responded_at=before)
        )

    def milestones(build: CycleBuild, going_share: float) -> None:
        participants = build.mentees + build.mentors
        for kind, event in build.events.items():
            held = event.starts_at.date() < today
            share = going_share if held or event.starts_at.date() < today + timedelta(days=45) else 0.3
            for e in participants:
                if e is demo_mentee and not (held and kind == Event.Kind.KICKOFF):
                    continue  # the demo mentee RSVPs by hand; only last kickoff is on record
                r = rng.random()
                if e is demo_mentee or r < share:
                    reply(
                        event,
                        e,
                        RSVP.Status.GOING,
                        attended=(e is demo_mentee or rng.random() < 0.86) if held else None,
                    )
                elif r < share + 0.1:
                    reply(event, e, RSVP.Status.NOT_GOING)

    milestones(past, 0.8)
    milestones(running, 0.75)

    # The upcoming kickoff: most mentors approved so far already said yes (only approved people
    # may reply; the demo mentee gets there by applying and being approved by the coordinator).
    kickoff = upcoming.events[Event.Kind.KICKOFF]
    for e in upcoming.mentors:
        if rng.random() < 0.7:
            reply(kickoff, e, RSVP.Status.GOING)

    # A capacity-limited networking social open to alumni with a guest each: it fills and waitlists.
    capacity = scaled(40, people, 8)
    social_day = workday(today + timedelta(days=16))
    social = Event.objects.create(
        program=program,
        cycle=running.cycle,
        kind=Event.Kind.SOCIAL,
        title=f"Mentoring social – {running.cycle.name}",
        description="Drinks and short talks from two alumni pairs. Bring a colleague who might want a mentor.",
        starts_at=at(social_day, 17, 30),
        ends_at=at(social_day, 19, 30),
        location="Riverside Park Pavilion",
        capacity=capacity,
        open_to_alumni=True,
        guests_per_person=1,
    )
    alumni = [e for e in past.mentees + past.mentors if e.employed]
    crowd = [e for e in running.mentees + running.mentors + alumni if e is not demo_mentee]
    seen: set[int] = set()
    seats = waitlisted = 0
    for e in rng.sample(crowd, len(crowd)):
        if e.index in seen:
            continue
        seen.add(e.index)
        guests = 1 if rng.random() < 0.3 else 0
        if seats + 1 + guests <= capacity:
            seats += 1 + guests
            reply(social, e, RSVP.Status.GOING, guests=guests)
        elif waitlisted < scaled(9, people, 3):
            waitlisted += 1
            reply(social, e, RSVP.Status.WAITLIST, guests=guests)
        else:
            break

    # A program-wide mentoring day (no cycle): anyone who has ever taken part may come.
    day = workday(today + timedelta(days=38))
    mentoring_day = Event.objects.create(
        program=program,
        kind=Event.Kind.MENTORING_DAY,
        title="Fairhaven Mentoring Day",
        description="Short talks, a panel of retiring experts, and speed-mentoring tables by skill.",
        starts_at=at(day, 9),
        ends_at=at(day, 15),
        location="Central Library, Community Room",
        video_url="https://meet.demo.gov/mentoring-day",
    )
    everyone = {e.index: e for e in past.mentees + past.mentors + running.mentees + running.mentors if e.employed}
    for e in everyone.values():
        if e is not demo_mentee and rng.random() < 0.25:
            reply(mentoring_day, e, RSVP.Status.GOING if rng.random() < 0.85 else RSVP.Status.NOT_GOING)
    RSVP.objects.bulk_create(rsvps, batch_size=2000)
    return social
