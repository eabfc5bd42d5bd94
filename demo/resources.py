"""The demo's resource library: what a program office publishes in its first cycles."""

from __future__ import annotations

from django.core.files.base import ContentFile

from resources.models import Audience, Milestone, Resource

from .builds import ProgramsBuild

AGREEMENT_TEMPLATE = """# Mentoring agreement

Fill this in together at your first meeting and keep a copy each.

## What the mentee wants from these six months
- Goal 1 (from the development plan):
- Goal 2:

## How we meet
- How often (every two weeks is a good start):
- How (video, phone, in person):
- Who sends the invitation: the mentor

## Ground rules
- What we discuss stays between us unless we agree otherwise.
- Either of us can ask the program office for help, at any time.

## At the midpoint we will look back at
- What has moved, what has not, and what to change.
"""

# (title, summary, kind, milestone, audience, link)
LINKS = [
    ("Your first meeting: an agenda", "Introductions, the development plan, how you will meet, and the first step.",
     "guide", Milestone.FIRST_MEETING, Audience.EVERYONE, "https://intranet.demo.gov/mentoring/first-meeting"),
    ("Asking good questions: a mentor's checklist", "Open questions that help a mentee find their own answer.",
     "guide", Milestone.ANYTIME, Audience.MENTORS, "https://intranet.demo.gov/mentoring/questions"),
    ("Owning your development plan", "How to turn a goal into steps your mentor can help with.",
     "guide", Milestone.KICKOFF, Audience.MENTEES, "https://intranet.demo.gov/mentoring/idp"),
    ("Midpoint review: three questions to ask each other", "What has moved, what has not, what to change.",
     "guide", Milestone.MIDPOINT, Audience.EVERYONE, "https://intranet.demo.gov/mentoring/midpoint"),
    ("Closing well: the last meeting", "Look back at the goals, agree what comes next, say thank you.",
     "guide", Milestone.CLOSING, Audience.EVERYONE, "https://intranet.demo.gov/mentoring/closing"),
]


def build_resources(*, programs: ProgramsBuild) -> dict[str, int]:
    program = programs.program
    for title, summary, kind, milestone, audience, url in LINKS:
        Resource.objects.create(
            program=program, title=title, summary=summary, kind=kind, milestone=milestone, audience=audience, url=url
        )
    template = Resource(
        program=program, title="Mentoring agreement template", kind=Resource.Kind.TEMPLATE,
        summary="Goals, how you meet and ground rules, on one page.", milestone=Milestone.FIRST_MEETING,
        file_name="mentoring-agreement.md", content_type="text/markdown; charset=utf-8",
    )
    body = AGREEMENT_TEMPLATE.encode()
    template.file.save("mentoring-agreement.md", ContentFile(body), save=False)
    template.file_size = len(body)
    template.save()
    past_kickoff = programs.past.events.get("kickoff")
    if past_kickoff is not None:
        Resource.objects.create(
            program=program, title=f"Recording: {past_kickoff.title}", kind=Resource.Kind.RECORDING,
            event=past_kickoff, url="https://video.demo.gov/recordings/kickoff",
            summary="The welcome talk and the panel of former pairs.",
        )
    return {"resources": Resource.objects.filter(program=program).count()}
