"""Load what programs.rules needs to judge pairs among a few people in one cycle. A fixed number of queries.

Bans belong to the matching app, which sits to the right of programs (docs/ARCHITECTURE.md), so
programs cannot import them. Matching registers a ban source here when it starts
(matching.apps.MatchingConfig.ready); every path that makes a pair then sees the bans without
programs knowing where they are stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from profiles.models import Person
from programs.models import Cycle, Enrollment, Mentorship
from programs.rules import CHAIN_DEPTH, Pair, PairFacts, mentor_places

# (cycle, mentor ids, mentee ids) -> banned (mentor, mentee) pairs among them.
BanSource = Callable[[Cycle, set[int], set[int]], Iterable[Pair]]
_ban_sources: list[BanSource] = []


def register_ban_source(source: BanSource) -> None:
    if source not in _ban_sources:
        _ban_sources.append(source)


def _supervisors(person_ids: set[int]) -> dict[int, int]:
    """Each person's managers up to CHAIN_DEPTH levels: one query per level, whatever the number of people."""
    supervisors: dict[int, int] = {}
    frontier = set(person_ids)
    for _ in range(CHAIN_DEPTH):
        frontier -= set(supervisors)
        if not frontier:
            break
        rows = dict(
            Person.objects.filter(pk__in=frontier, supervisor__isnull=False).values_list("pk", "supervisor_id")
        )
        supervisors.update(rows)
        frontier = set(rows.values())
    return supervisors


def pair_facts(*, cycle: Cycle, mentors: Iterable[Person], mentees: Iterable[Person]) -> PairFacts:
    """The facts for judging any (mentor, mentee) among these people in `cycle`. Call inside the
    transaction that makes the pair, so the active pairs counted are the ones that stand."""
    mentor_list, mentee_list = list(mentors), list(mentees)
    people = {p.pk: p for p in (*mentor_list, *mentee_list)}
    mentor_ids, mentee_ids = {p.pk for p in mentor_list}, {p.pk for p in mentee_list}
    enrollments = list(
        Enrollment.objects.filter(cycle=cycle, status=Enrollment.Status.APPROVED, person_id__in=list(people))
        .values_list("person_id", "role", "capacity")
    )
    places = {pk: mentor_places(None, people[pk].mentor_capacity) for pk in mentor_ids}
    for person_id, role, capacity in enrollments:
        if role == Enrollment.Role.MENTOR and person_id in mentor_ids:
            places[person_id] = mentor_places(capacity, people[person_id].mentor_capacity)
    this_cycle = Mentorship.objects.filter(cycle=cycle)
    active = this_cycle.filter(status=Mentorship.Status.ACTIVE)
    taken = Counter(active.filter(mentor_id__in=mentor_ids).values_list("mentor_id", flat=True))
    current = {
        mentee_id: f"{first} {last}".strip()
        for mentee_id, first, last in active.filter(mentee_id__in=mentee_ids).values_list(
            "mentee_id", "mentor__first_name", "mentor__last_name"
        )
    }
    pairs = {
        (mentor_id, mentee_id): status == Mentorship.Status.ACTIVE
        for mentor_id, mentee_id, status in this_cycle.filter(
            mentor_id__in=mentor_ids, mentee_id__in=mentee_ids
        ).values_list("mentor_id", "mentee_id", "status")
    }
    prior = frozenset(
        Mentorship.objects.filter(mentor_id__in=mentor_ids, mentee_id__in=mentee_ids)
        .exclude(cycle=cycle)
        .values_list("mentor_id", "mentee_id")
    )
    bans: set[Pair] = set()
    for source in _ban_sources:
        bans.update(source(cycle, mentor_ids, mentee_ids))
    return PairFacts(
        names={pk: str(p) for pk, p in people.items()},
        supervisors=_supervisors(set(people)),
        bans=frozenset(bans),
        grades={pk: p.grade for pk, p in people.items()},
        grade_rule=cycle.mentor_grade_at_or_above,
        allow_repeat_pairs=cycle.allow_repeat_pairs,
        approved=frozenset((person_id, role) for person_id, role, _ in enrollments),
        separated={pk: p.separated_on for pk, p in people.items() if p.separated_on is not None},
        places=places,
        taken=dict(taken),
        current_mentor=current,
        this_cycle=pairs,
        prior_pairs=prior,
    )


def reporting_lines(person_ids: set[int]) -> dict[int, int]:
    """Supervisors up to CHAIN_DEPTH levels, for pages that judge many people at once (speed rounds)."""
    return _supervisors(set(person_ids))


def bans_among(cycle: Cycle, mentor_ids: set[int], mentee_ids: set[int]) -> set[Pair]:
    """The (mentor, mentee) bans of `cycle` among these people, from every registered source."""
    bans: set[Pair] = set()
    for source in _ban_sources:
        bans.update(source(cycle, mentor_ids, mentee_ids))
    return bans
