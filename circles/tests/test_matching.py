"""Circles in a match run: the input offers them as units, the run stores seats, publishing seats mentees."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from circles.models import CircleApplication, CircleMember, CircleProposal
from circles.services import circle_apply, circle_create, circle_member_add
from matching import engine
from matching.services.inputs import cycle_input
from matching.services.runs import run_publish, run_start
from matching.tests.world import build_world
from profiles.tests.factories import DevelopmentGoalFactory, PersonFactory
from programs.models import Enrollment, Mentorship
from programs.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def _run(world, capture, parent=None):
    with capture(execute=True):
        run = run_start(cycle=world.cycle, by=world.coordinator, parent=parent)
    run.refresh_from_db()
    return run


def _circle_world(mentees: int = 6, seats: int = 4):
    """Two mentors with one place each; six mentees who all want skill 0; a circle on skill 0."""
    world = build_world(mentors=2, mentees=0)
    people = []
    for j in range(mentees):
        person = PersonFactory(first_name=f"Member{j}", last_name=f"Group{j}")
        DevelopmentGoalFactory(person=person, skill=world.skills[0], target_level=3, priority=1)
        EnrollmentFactory(cycle=world.cycle, person=person, role=Enrollment.Role.MENTEE)
        people.append(person)
    world.mentees = people
    circle = circle_create(
        cycle=world.cycle,
        by=world.coordinator,
        topic="Budgeting together",
        skills=[world.skills[0]],
        mentors=[world.mentors[1]],
        level=4,
        min_size=1,
        max_size=seats,
    )
    world.extra["circle"] = circle
    return world


def test_the_input_offers_the_circle_as_a_unit_with_its_seats_skills_and_mentor(django_assert_max_num_queries):
    world = _circle_world()
    data = cycle_input(world.cycle)
    cid = engine.CircleId(world.extra["circle"].pk)
    unit = data.mentor(cid)
    assert unit.capacity == 4 and unit.skills == {world.skills[0].pk: (4, True)}
    assert data.problem.circle_mentors[cid] == (world.mentors[1].pk,)
    assert data.name(cid) == "the circle “Budgeting together”"
    assert set(data.capacity) == {m.pk for m in world.mentors}  # people only


def test_a_run_places_mentees_in_pairs_and_the_circle_and_publishing_seats_them(django_capture_on_commit_callbacks):
    world = _circle_world()
    run = _run(world, django_capture_on_commit_callbacks)
    assert run.status == "done", run.message
    seats = list(run.circle_proposals.all())
    pairs = list(run.proposals.all())
    assert len(pairs) == 2 and len(seats) == 4  # every mentee placed once: 2 pairs + 4 seats
    assert {p.mentee_id for p in pairs}.isdisjoint({s.mentee_id for s in seats})
    assert run.matched_count == 6 and run.certificate_proven
    assert all(s.explanation["components"]["skill"] > 0 for s in seats)
    run_publish(run=run, by=world.coordinator)
    members = CircleMember.objects.filter(circle=world.extra["circle"], role="mentee")
    assert members.count() == 4 and {m.source for m in members} == {"matching"}
    assert Mentorship.objects.filter(cycle=world.cycle).count() == 2
    entry = AuditEntry.objects.get(action="matching.publish")
    assert len(entry.data["circle_members"]) == 4


def test_a_reporting_chain_to_the_circle_mentor_keeps_the_mentee_out(django_capture_on_commit_callbacks):
    world = _circle_world()
    boss = world.mentors[1]
    report = world.mentees[0]
    report.supervisor = boss
    report.save()
    run = _run(world, django_capture_on_commit_callbacks)
    assert report.pk not in {s.mentee_id for s in run.circle_proposals.all()}
    with pytest.raises(ValidationError, match="reporting chain"):
        circle_member_add(circle=world.extra["circle"], person=report, by=world.coordinator)


def test_existing_members_keep_their_seat_and_get_no_pair(django_capture_on_commit_callbacks):
    world = _circle_world(mentees=3, seats=2)
    circle = world.extra["circle"]
    circle_member_add(circle=circle, person=world.mentees[0], by=world.coordinator)
    run = _run(world, django_capture_on_commit_callbacks)
    seat = run.circle_proposals.get(mentee=world.mentees[0])
    assert seat.status == CircleProposal.Status.LOCKED and seat.member is not None
    assert not run.proposals.filter(mentee=world.mentees[0]).exists()
    assert run.circle_proposals.count() <= 2


def test_an_application_is_a_choice_and_a_full_circle_refuses_more(django_capture_on_commit_callbacks):
    world = _circle_world(mentees=3, seats=1)
    circle = world.extra["circle"]
    circle_apply(circle=circle, person=world.mentees[2], note="I run a small budget")
    data = cycle_input(world.cycle)
    assert engine.CircleId(circle.pk) in data.mentee(world.mentees[2].pk).choices
    run = _run(world, django_capture_on_commit_callbacks)
    assert run.circle_proposals.get().mentee_id == world.mentees[2].pk  # the 30 choice points win the seat
    circle_member_add(circle=circle, person=world.mentees[2], by=world.coordinator)
    assert CircleApplication.objects.get().status == "placed"
    with pytest.raises(ValidationError, match="full"):
        circle_member_add(circle=circle, person=world.mentees[1], by=world.coordinator)
    with pytest.raises(ValidationError, match="full"):
        circle_apply(circle=circle, person=world.mentees[1])


def test_publishing_refuses_everything_when_a_seat_breaks_a_rule_now(django_capture_on_commit_callbacks):
    world = _circle_world()
    run = _run(world, django_capture_on_commit_callbacks)
    seat = run.circle_proposals.order_by("pk").first()
    seat.mentee.supervisor = world.mentors[1]
    seat.mentee.save()
    with pytest.raises(ValidationError) as error:
        run_publish(run=run, by=world.coordinator)
    assert "the circle “Budgeting together”" in " ".join(error.value.messages)
    assert not CircleMember.objects.filter(role="mentee").exists() and not Mentorship.objects.exists()


def test_a_rerun_keeps_locked_seats_and_avoids_rejected_ones(django_capture_on_commit_callbacks):
    world = _circle_world()
    run = _run(world, django_capture_on_commit_callbacks)
    kept, dropped = list(run.circle_proposals.order_by("pk")[:2])
    kept.status, dropped.status = CircleProposal.Status.LOCKED, CircleProposal.Status.REJECTED
    kept.save()
    dropped.save()
    again = _run(world, django_capture_on_commit_callbacks, parent=run)
    assert again.circle_proposals.filter(mentee=kept.mentee, status="locked").exists()
    assert not again.circle_proposals.filter(mentee=dropped.mentee).exists()


def test_input_queries_do_not_grow_with_circles(django_assert_max_num_queries):
    world = _circle_world(mentees=4)
    cycle_input(world.cycle)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        cycle_input(world.cycle)
    for i in range(4):
        circle_create(
            cycle=world.cycle,
            by=world.coordinator,
            topic=f"More {i}",
            skills=world.skills,
            mentors=[world.mentors[i % 2]],
            min_size=1,
            max_size=3,
        )
    for person in world.mentees[:3]:
        circle_apply(circle=world.extra["circle"], person=person)
    with CaptureQueriesContext(connection) as many:
        cycle_input(world.cycle)
    assert len(many) == len(few)


def test_the_run_page_shows_seats_and_coordinators_lock_reject_and_ask_why_not(
    client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    world = _circle_world()
    run = _run(world, django_capture_on_commit_callbacks)
    circle = world.extra["circle"]
    client.force_login(world.coordinator)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Seats in mentoring circles" in page and "4 seats proposed in circles" in page
    seat = run.circle_proposals.order_by("pk").first()
    client.post(reverse("matching:seat-lock", args=[run.pk, seat.pk]))
    seat.refresh_from_db()
    assert seat.status == "locked"
    page = client.post(reverse("matching:seat-reject", args=[run.pk, seat.pk]), follow=True).content.decode()
    assert "Unlock this seat before rejecting it." in page
    client.post(reverse("matching:seat-lock", args=[run.pk, seat.pk]))
    client.post(reverse("matching:seat-reject", args=[run.pk, seat.pk]))
    seat.refresh_from_db()
    run.refresh_from_db()
    assert seat.status == "rejected" and run.matched_count == 5
    # one placement per run: a pair cannot be added by hand for someone with a seat
    other = run.circle_proposals.exclude(pk=seat.pk).first()
    client.post(
        reverse("matching:run-add", args=[run.pk]), {"add-mentor": world.mentors[0].pk, "add-mentee": other.mentee_id}
    )
    assert not run.proposals.filter(mentee_id=other.mentee_id).exists()
    from matching.services.review import proposal_add

    with pytest.raises(ValidationError, match="has a seat in the circle"):
        proposal_add(run=run, mentor=world.mentors[0], mentee=other.mentee, by=world.coordinator)
    # why not this circle?
    answer = client.get(run.get_absolute_url(), {"whyc-mentee": seat.mentee_id, "whyc-circle": circle.pk}).content.decode()
    assert 'id="why-circle-answer"' in answer  # the rejected seat: a ban on that circle now
    paired = run.proposals.first().mentee  # paired mentees are not offered
    assert "Choose a mentee of this run" in client.get(
        run.get_absolute_url(), {"whyc-mentee": paired.pk, "whyc-circle": circle.pk}).content.decode()
    got = client.get(
        run.get_absolute_url(), {"whyc-mentee": other.mentee_id, "whyc-circle": circle.pk}
    ).content.decode()
    assert "has a seat in the circle “Budgeting together”" in got
    bad = client.get(run.get_absolute_url(), {"whyc-mentee": "x", "whyc-circle": "99999"}).content.decode()
    assert "Choose a mentee of this run and a circle of this cycle." in bad
    confirm = client.get(reverse("matching:run-publish", args=[run.pk])).content.decode()
    assert "3 seats in mentoring circles" in confirm


def test_the_publish_page_warns_of_a_seat_that_breaks_a_rule_now(client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    world = _circle_world()
    run = _run(world, django_capture_on_commit_callbacks)
    seat = run.circle_proposals.order_by("pk").first()
    seat.mentee.supervisor = world.mentors[1]
    seat.mentee.save()
    client.force_login(world.coordinator)
    confirm = client.get(reverse("matching:run-publish", args=[run.pk])).content.decode()
    assert f"{seat.mentee} → the circle “Budgeting together”" in confirm and "reporting chain" in confirm


def test_a_member_who_breaks_a_rule_added_since_keeps_the_seat_and_the_run_still_works(
    django_capture_on_commit_callbacks,
):
    world = _circle_world(mentees=4, seats=3)
    circle = world.extra["circle"]
    member = world.mentees[0]
    circle_member_add(circle=circle, person=member, by=world.coordinator)
    member.supervisor = world.mentors[1]  # a re-organisation after the placement
    member.save()
    data = cycle_input(world.cycle)
    cid = engine.CircleId(circle.pk)
    assert (cid, member.pk) not in data.problem.locks and data.mentee(member.pk) is None
    assert data.mentor(cid).capacity == 2  # the seat still counts as taken
    run = _run(world, django_capture_on_commit_callbacks)
    assert run.status == "done", run.message
    assert run.circle_proposals.count() <= 2


def test_the_matching_audit_counts_a_seat_as_a_placement(django_capture_on_commit_callbacks):
    from matching.selectors.audit import run_audit

    world = _circle_world()
    run = _run(world, django_capture_on_commit_callbacks)
    audit = run_audit(run)
    assert audit.mentees == 6 and audit.matched == 6
    seat = run.circle_proposals.first()
    seat.status = CircleProposal.Status.REJECTED
    seat.save()
    assert run_audit(run).matched == 5
