import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from profiles.tests.factories import CoordinatorFactory, PersonFactory
from programs import signals
from programs.models import Agreement, Enrollment, Mentorship, PairFlag
from programs.services.pairs import mentorship_complete, mentorship_create, mentorship_end, pair_rule_violations
from programs.tests.factories import CycleFactory, EnrollmentFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


def _approved(cycle, role, person=None, **kwargs):
    return EnrollmentFactory(cycle=cycle, role=role, person=person or PersonFactory(), **kwargs).person


@pytest.fixture
def cycle():
    return CycleFactory()


def test_an_approved_mentor_and_mentee_may_be_paired(cycle, django_capture_on_commit_callbacks):
    mentor, mentee = _approved(cycle, "mentor"), _approved(cycle, "mentee")
    coordinator = CoordinatorFactory()
    created = []

    def listener(sender, mentorship, **kwargs):
        created.append(mentorship.pk)

    signals.mentorship_created.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            pair = mentorship_create(cycle=cycle, mentor=mentor, mentee=mentee, by=coordinator)
    finally:
        signals.mentorship_created.disconnect(listener)
    assert created == [pair.pk]
    assert pair.source == Mentorship.Source.MANUAL and pair.created_by == coordinator
    assert Agreement.objects.filter(mentorship=pair).exists()
    assert AuditEntry.objects.filter(action="mentorship.create", target_id=str(pair.pk)).exists()


def test_nobody_mentors_themself(cycle):
    person = _approved(cycle, "mentor")
    EnrollmentFactory(cycle=cycle, person=person, role="mentee")
    assert pair_rule_violations(cycle=cycle, mentor=person, mentee=person) == [f"{person} cannot mentor themself."]


@pytest.mark.parametrize("levels", [1, 2])
@pytest.mark.parametrize("mentor_is_boss", [True, False])
def test_no_pair_inside_one_reporting_chain(cycle, levels, mentor_is_boss):
    boss = PersonFactory()
    middle = PersonFactory(supervisor=boss)
    report = middle if levels == 1 else PersonFactory(supervisor=middle)
    mentor, mentee = (boss, report) if mentor_is_boss else (report, boss)
    _approved(cycle, "mentor", mentor)
    _approved(cycle, "mentee", mentee)
    problems = pair_rule_violations(cycle=cycle, mentor=mentor, mentee=mentee)
    assert any("reporting chain" in p for p in problems)


def test_three_levels_apart_is_allowed(cycle):
    top = PersonFactory()
    bottom = PersonFactory(supervisor=PersonFactory(supervisor=PersonFactory(supervisor=top)))
    _approved(cycle, "mentor", top)
    _approved(cycle, "mentee", bottom)
    assert pair_rule_violations(cycle=cycle, mentor=top, mentee=bottom) == []


def test_mentor_capacity_counts_active_pairs_and_prefers_the_enrollment_figure(cycle):
    mentor = _approved(cycle, "mentor", PersonFactory(mentor_capacity=5), capacity=1)
    MentorshipFactory(cycle=cycle, mentor=mentor, mentee=_approved(cycle, "mentee"))
    mentee = _approved(cycle, "mentee")
    problems = pair_rule_violations(cycle=cycle, mentor=mentor, mentee=mentee)
    assert problems == [f"{mentor} already has 1 active mentee(s); their capacity this cycle is 1."]


def test_ended_pairs_free_the_mentor_capacity(cycle):
    mentor = _approved(cycle, "mentor", PersonFactory(mentor_capacity=1))
    MentorshipFactory(cycle=cycle, mentor=mentor, mentee=_approved(cycle, "mentee"), status="ended")
    assert pair_rule_violations(cycle=cycle, mentor=mentor, mentee=_approved(cycle, "mentee")) == []


def test_a_mentee_has_at_most_one_active_mentor(cycle):
    mentee = _approved(cycle, "mentee")
    MentorshipFactory(cycle=cycle, mentor=_approved(cycle, "mentor"), mentee=mentee)
    mentor = _approved(cycle, "mentor")
    with pytest.raises(ValidationError) as error:
        mentorship_create(cycle=cycle, mentor=mentor, mentee=mentee, by=None)
    assert "already has an active mentor" in error.value.messages[0]
    assert Mentorship.objects.filter(mentee=mentee).count() == 1


def test_pairs_from_earlier_cycles_are_not_repeated_unless_the_cycle_allows_it(cycle):
    mentor, mentee = _approved(cycle, "mentor"), _approved(cycle, "mentee")
    MentorshipFactory(cycle=CycleFactory(program=cycle.program), mentor=mentor, mentee=mentee, status="completed")
    assert any("earlier cycle" in p for p in pair_rule_violations(cycle=cycle, mentor=mentor, mentee=mentee))
    cycle.allow_repeat_pairs = True
    assert pair_rule_violations(cycle=cycle, mentor=mentor, mentee=mentee) == []


def test_only_approved_applicants_can_be_paired(cycle):
    mentor = EnrollmentFactory(cycle=cycle, role="mentor", status=Enrollment.Status.PENDING).person
    mentee = PersonFactory()
    problems = pair_rule_violations(cycle=cycle, mentor=mentor, mentee=mentee)
    assert f"{mentor} is not an approved mentor in this cycle." in problems
    assert f"{mentee} is not an approved mentee in this cycle." in problems


def test_ending_a_pair_keeps_the_reason_resolves_flags_and_signals(cycle, django_capture_on_commit_callbacks):
    pair = MentorshipFactory(cycle=cycle)
    PairFlag.objects.create(mentorship=pair, reason=PairFlag.Reason.NO_MEETINGS)
    ended = []

    def listener(sender, mentorship, **kwargs):
        ended.append(mentorship.status)

    signals.mentorship_ended.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            mentorship_end(mentorship=pair, by=CoordinatorFactory(), reason="Mentor moved agency")
    finally:
        signals.mentorship_ended.disconnect(listener)
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ENDED and pair.end_reason == "Mentor moved agency"
    assert pair.ended_on is not None
    assert not PairFlag.objects.filter(mentorship=pair, resolved_at__isnull=True).exists()
    assert ended == ["ended"]


def test_ending_twice_says_so_and_changes_nothing(cycle):
    pair = MentorshipFactory(cycle=cycle)
    mentorship_complete(mentorship=pair, by=None)
    with pytest.raises(ValidationError, match="already completed"):
        mentorship_end(mentorship=Mentorship.objects.get(pk=pair.pk), by=None, reason="x")
    assert Mentorship.objects.get(pk=pair.pk).status == Mentorship.Status.COMPLETED


def test_ending_needs_a_reason(cycle):
    pair = MentorshipFactory(cycle=cycle)
    with pytest.raises(ValidationError):
        mentorship_end(mentorship=pair, by=None, reason="  ")
    assert Mentorship.objects.get(pk=pair.pk).status == Mentorship.Status.ACTIVE
