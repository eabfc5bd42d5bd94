"""The starter set of survey templates every installation ships with.

Plain data plus `install()`, which takes the model classes so that the data migration (with
historical models) and the `surveys_starter_set` command share one definition. Installing is
idempotent: a template whose key exists is left as it is.
"""

from __future__ import annotations

from typing import Any

L, R, S, M, Y, T = "likert", "rating", "single", "multiple", "yes_no", "text"
MEETING_OFTEN = ["Every week", "Every two weeks", "Every month", "Less often", "We have not met yet"]
NPS = "How likely are you to recommend the program to a colleague?"

STARTER_TEMPLATES: list[dict[str, Any]] = [
    {
        "key": "kickoff-expectations",
        "name": "Kickoff expectations",
        "description": "A few minutes on what you hope to get from the program, before it starts.",
        "anonymous": True,
        "audience": "both",
        "questions": [
            (L, "I understand what is expected of me in this program.", "", True, [], ""),
            (S, "What do you most want from the program?", "", True,
             ["Grow a specific skill", "Career advice", "A wider network", "Understand another part of the organization",
              "Something else"], ""),
            (R, "How confident are you that the program will be worth your time?", "0 = not at all, 10 = completely.",
             True, [], ""),
            (T, "Anything you are hoping for or worried about?", "Optional.", False, [], ""),
        ],
    },
    {
        "key": "midpoint-check-in",
        "name": "Midpoint check-in",
        "description": "Halfway through: how is it going? Your answers are anonymous.",
        "anonymous": True,
        "audience": "both",
        "questions": [
            (L, "We meet as often as we agreed.", "", True, [], ""),
            (L, "I am making progress on my development goals.", "", True, [], ""),
            (M, "What has helped most so far?", "Choose all that apply.", False,
             ["Regular meetings", "Working on goals together", "Program events", "Introductions to other people",
              "Nothing yet"], ""),
            (R, NPS, "0 = not at all likely, 10 = extremely likely.", True, [], ""),
            (T, "What would make the second half better?", "Optional.", False, [], ""),
        ],
    },
    {
        "key": "end-of-cycle-outcomes",
        "name": "End-of-cycle outcomes",
        "description": "The cycle is ending. Tell us what it did for you; the program reports these results.",
        "anonymous": True,
        "audience": "both",
        "questions": [
            (L, "The program helped me grow professionally.", "", True, [], "helped_grow"),
            (L, "I reached the goals I set at the start.", "", True, [], ""),
            (M, "What did you gain?", "Choose all that apply.", False,
             ["New skills", "Confidence", "A wider network", "Clearer career plans", "A new role or assignment"], ""),
            (R, NPS, "0 = not at all likely, 10 = extremely likely.", True, [], ""),
            (Y, "Would you take part again?", "", True, [], ""),
            (T, "What should we change for the next cycle?", "Optional.", False, [], ""),
        ],
    },
    {
        "key": "pairing-feedback-mentee",
        "name": "Pairing feedback (mentee)",
        "description": "How is it going with your mentor? Your coordinator sees these answers with your name, "
        "so they can help; your mentor does not.",
        "anonymous": False,
        "audience": "pair_mentees",
        "questions": [
            (L, "My mentor and I are a good match.", "", True, [], "pairing_satisfaction"),
            (R, "How satisfied are you with your mentor's support?", "0 = not at all, 10 = completely.", True, [], ""),
            (S, "How often do you meet?", "", True, MEETING_OFTEN, ""),
            (Y, "I would like a new mentor.", "Your coordinator will get in touch with you first.", True, [],
             "wants_new_mentor"),
            (T, "Anything your coordinator should know?", "Optional.", False, [], ""),
        ],
    },
    {
        "key": "pairing-feedback-mentor",
        "name": "Pairing feedback (mentor)",
        "description": "How is the pairing going? Your coordinator sees these answers with your name; your mentee "
        "does not.",
        "anonymous": False,
        "audience": "pair_mentors",
        "questions": [
            (L, "My mentee and I are a good match.", "", True, [], "pairing_satisfaction"),
            (L, "My mentee comes prepared to our meetings.", "", True, [], ""),
            (S, "How often do you meet?", "", True, MEETING_OFTEN, ""),
            (Y, "My mentee would be better served by another mentor.", "Your coordinator will get in touch first.",
             True, [], "wants_new_mentor"),
            (T, "Anything your coordinator should know?", "Optional.", False, [], ""),
        ],
    },
    {
        "key": "event-feedback",
        "name": "Event feedback",
        "description": "Thank you for coming. Two minutes to help us plan the next one.",
        "anonymous": True,
        "audience": "event_attendees",
        "questions": [
            (R, "How would you rate the event overall?", "0 = poor, 10 = excellent.", True, [], ""),
            (L, "The event was a good use of my time.", "", True, [], ""),
            (S, "How did you attend?", "", True, ["In person", "Online"], ""),
            (T, "What was the most useful part?", "Optional.", False, [], ""),
            (T, "What should we do differently?", "Optional.", False, [], ""),
        ],
    },
]


def install(template_model: Any, question_model: Any) -> int:
    """Create the starter templates that are missing; return how many were created."""
    created = 0
    for spec in STARTER_TEMPLATES:
        if template_model.objects.filter(key=spec["key"]).exists():
            continue
        template = template_model.objects.create(
            key=spec["key"],
            name=spec["name"],
            description=spec["description"],
            anonymous=spec["anonymous"],
            audience=spec["audience"],
        )
        question_model.objects.bulk_create(
            question_model(
                template=template,
                position=position,
                kind=kind,
                text=text,
                help_text=help_text,
                required=required,
                choices=choices,
                measure=measure,
            )
            for position, (kind, text, help_text, required, choices, measure) in enumerate(spec["questions"], start=1)
        )
        created += 1
    return created
