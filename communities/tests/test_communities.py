"""Communities of practice through the client: who sees, joins, leads; events, RSVPs and
reminders for members; resources; Find expertise and profiles; bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, CommunityEvent, CommunityResource, Membership
from communities.services import mentors_community_sync
from communities.tests.factories import CommunityFactory, MembershipFactory
from notifications.models import Delivery, Kind
from notifications.selectors import event_audience, event_reminder_audience
from profiles.tests.factories import (
    CoordinatorFactory,
    DepartmentFactory,
    HRAnalystFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
)
from programs import signals
from programs.models import RSVP, Event, Mentorship
from programs.tests.factories import CycleFactory, EnrollmentFactory, MentorshipFactory, ProgramFactory
from resources.models import Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    program = ProgramFactory(name="Data Academy", slug="data-academy")
    other_program = ProgramFactory(name="Other", slug="other")
    coordinator = CoordinatorFactory(email="coord@example.gov")
    program.coordinators.add(coordinator)
    coordinator_b = CoordinatorFactory(email="coord-b@example.gov")
    other_program.coordinators.add(coordinator_b)
    skill = SkillFactory(name="Data analysis")
    community = CommunityFactory(name="Data analysts", slug="data-analysts", program=program)
    community.skills.add(skill)
    lead = PersonFactory(first_name="Lena", last_name="Lead")
    MembershipFactory(community=community, person=lead, role=Membership.Role.LEAD)
    member = PersonFactory(first_name="Max", last_name="Member")
    MembershipFactory(community=community, person=member)
    PersonSkillFactory(person=member, skill=skill, level=3, will_teach=True)
    outsider = PersonFactory(first_name="Olga", last_name="Outsider")
    return {
        "program": program,
        "other_program": other_program,
        "coordinator": coordinator,
        "coordinator_b": coordinator_b,
        "skill": skill,
        "community": community,
        "lead": lead,
        "member": member,
        "outsider": outsider,
        "hr": HRAnalystFactory(email="hr@example.gov"),
    }


def login(client, who):
    client.force_login(who.user if hasattr(who, "user") else who)
    return client


def url(name, community, *args):
    return reverse(f"communities:{name}", args=[community.slug, *args])


# --- Seeing and joining --------------------------------------------------------------------------
def test_anonymous_is_sent_to_sign_in(client, world):
    for target in (reverse("communities:list"), url("detail", world["community"])):
        response = client.get(target)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(url("join", world["community"])).status_code == 302
    assert Membership.objects.count() == 2


def test_any_participant_sees_and_joins_a_public_community_then_leaves(client, world):
    login(client, world["outsider"])
    page = client.get(reverse("communities:list"))
    assert page.status_code == 200 and "Data analysts" in page.content.decode()
    detail = client.get(url("detail", world["community"])).content.decode()
    assert "Max Member" in detail and "Data analysis: Expert" in detail or "Data analysis:" in detail
    response = client.post(url("join", world["community"]), follow=True)
    assert "You joined Data analysts" in response.content.decode()
    assert Membership.objects.filter(person=world["outsider"], left_at__isnull=True).exists()
    client.post(url("join", world["community"]))  # twice: still one membership
    assert Membership.objects.filter(person=world["outsider"]).count() == 1
    response = client.post(url("leave", world["community"]), follow=True)
    assert "You left Data analysts" in response.content.decode()
    assert Membership.objects.get(person=world["outsider"]).left_at is not None
    response = client.post(url("leave", world["community"]), follow=True)
    assert "You are not a member" in response.content.decode()


def test_the_only_lead_cannot_leave(client, world):
    login(client, world["lead"])
    response = client.post(url("leave", world["community"]), follow=True)
    assert "only lead" in response.content.decode()
    assert Membership.objects.get(person=world["lead"]).left_at is None


def test_a_department_community_is_hidden_from_other_departments(client, world):
    tax = DepartmentFactory(name="Tax office", code="TAX")
    community = CommunityFactory(name="Tax law", slug="tax-law", program=world["program"], department=tax)
    login(client, world["outsider"])
    assert client.get(url("detail", community)).status_code == 404
    assert client.post(url("join", community)).status_code == 404
    assert "Tax law" not in client.get(reverse("communities:list")).content.decode()
    insider = PersonFactory(department=tax)
    login(client, insider)
    assert client.get(url("detail", community)).status_code == 200
    client.post(url("join", community))
    assert Membership.objects.filter(community=community, person=insider).exists()


def test_hr_and_staff_without_a_record_see_public_communities_but_cannot_join(client, world):
    login(client, world["hr"])
    assert client.get(reverse("communities:list")).status_code == 200
    assert client.get(url("detail", world["community"])).status_code == 200
    response = client.post(url("join", world["community"]))
    assert response.status_code == 302 and response["Location"] == reverse("profiles:no-profile")
    assert client.get(url("edit", world["community"])).status_code == 403


# --- Leads ---------------------------------------------------------------------------------------
def test_only_leads_and_host_coordinators_edit(client, world):
    community = world["community"]
    data = {"name": "Data analysts and scientists", "summary": "Wider.", "skills": [world["skill"].pk]}
    for who in (world["member"], world["outsider"]):
        login(client, who)
        assert client.get(url("edit", community)).status_code == 403
        assert client.post(url("edit", community), data).status_code == 403
    login(client, world["coordinator_b"])  # a public community: visible, but not theirs
    assert client.post(url("edit", community), data).status_code == 403
    community.refresh_from_db()
    assert community.name == "Data analysts"
    login(client, world["lead"])
    assert client.post(url("edit", community), data).status_code == 302
    community.refresh_from_db()
    assert community.name == "Data analysts and scientists"
    login(client, world["coordinator"])
    response = client.post(url("edit", community), {"name": "   ", "skills": []})
    assert response.status_code == 200 and "This field is required" in response.content.decode()


def test_lead_makes_another_lead_and_keeps_one(client, world):
    community = world["community"]
    login(client, world["lead"])
    client.post(url("role", community), {"person": world["member"].pk, "role": "lead"})
    assert Membership.objects.get(person=world["member"]).role == "lead"
    client.post(url("role", community), {"person": world["member"].pk, "role": "member"})
    response = client.post(url("role", community), {"person": world["lead"].pk, "role": "member"}, follow=True)
    assert "at least one lead" in response.content.decode()
    response = client.post(url("role", community), {"person": "abc", "role": "boss"}, follow=True)
    assert "Choose a member" in response.content.decode()
    response = client.post(url("role", community), {"person": world["outsider"].pk, "role": "lead"}, follow=True)
    assert "not a member" in response.content.decode()
    response = client.post(url("role", community), {"email": "nobody@example.gov"}, follow=True)
    assert "Nobody in the roster" in response.content.decode()
    client.post(url("role", community), {"email": world["outsider"].email})
    assert Membership.objects.get(person=world["outsider"]).role == "lead"
    login(client, world["member"])
    assert client.post(url("role", community), {"person": world["member"].pk, "role": "lead"}).status_code == 403


def test_coordinator_opens_a_community_in_their_program_only(client, world):
    login(client, world["coordinator"])
    assert client.get(reverse("communities:create")).status_code == 200
    response = client.post(
        reverse("communities:create"),
        {
            "name": "New",
            "program": world["other_program"].pk,
            "skills": [world["skill"].pk],
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(
        reverse("communities:create"),
        {
            "name": "New",
            "program": world["program"].pk,
            "lead_email": "ghost@example.gov",
        },
    )
    assert "Nobody in the roster" in response.content.decode()
    response = client.post(
        reverse("communities:create"),
        {
            "name": "New",
            "program": world["program"].pk,
            "lead_email": world["member"].email,
            "skills": [world["skill"].pk],
        },
    )
    community = Community.objects.get(name="New")
    assert response.status_code == 302 and community.slug == "new-2"  # "new" would hide the create page
    assert community.memberships.get().role == "lead"
    login(client, world["member"])
    assert client.get(reverse("communities:create")).status_code == 403


# --- Events, RSVPs and reminders -----------------------------------------------------------------
def _event_data(**extra):
    start = timezone.localtime() + timedelta(days=9)
    data = {
        "kind": Event.Kind.TRAINING,
        "title": "Lunch-and-learn: pandas",
        "starts_at": start.strftime("%Y-%m-%dT12:00"),
        "ends_at": start.strftime("%Y-%m-%dT13:00"),
        "location": "Room 4",
    }
    data.update(extra)
    return data


def test_lead_schedules_an_event_members_see_rsvp_and_are_reminded(client, world, django_capture_on_commit_callbacks):
    community = world["community"]
    login(client, world["lead"])
    assert client.get(url("event-create", community)).status_code == 200
    response = client.post(url("event-create", community), _event_data(kind=Event.Kind.KICKOFF))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(url("event-create", community), _event_data(ends_at="2000-01-01T00:00"))
    assert response.status_code == 200 and "must end after" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("event-create", community), _event_data())
    assert response.status_code == 302
    event = Event.objects.get(title="Lunch-and-learn: pandas")
    assert event.program == world["program"] and event.cycle is None
    assert CommunityEvent.objects.filter(community=community, event=event).exists()
    today = timezone.localdate()
    assert set(event_audience(event, today=today)) >= {world["lead"], world["member"]}
    invited = set(Delivery.objects.filter(kind=Kind.EVENT_INVITATION, object_id=event.pk).values_list("email", flat=True))
    assert world["member"].email in invited and world["outsider"].email not in invited
    assert world["outsider"] not in event_audience(event, today=today)

    login(client, world["member"])
    assert "Lunch-and-learn: pandas" in client.get(url("detail", community)).content.decode()
    event_page = client.get(event.get_absolute_url())
    assert event_page.status_code == 200 and "Listed by" in event_page.content.decode()
    client.post(reverse("programs:event-rsvp", args=[event.pk]), {"response": "going", "guests": 0})
    assert RSVP.objects.get(event=event, person=world["member"]).status == RSVP.Status.GOING
    assert world["member"] in event_reminder_audience(event, today=today)
    assert "Lunch-and-learn" in client.get(reverse("programs:event-list")).content.decode()

    login(client, world["outsider"])  # not a member: like any other program's event
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.post(reverse("programs:event-rsvp", args=[event.pk]), {"response": "going"}).status_code == 404
    login(client, world["member"])
    assert client.post(url("event-create", community), _event_data()).status_code == 403


def test_leaving_removes_the_events_from_view(client, world):
    event = Event.objects.create(
        program=world["program"],
        kind=Event.Kind.SOCIAL,
        title="Forum",
        location="Hall",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=1),
    )
    CommunityEvent.objects.create(community=world["community"], event=event)
    login(client, world["member"])
    assert client.get(event.get_absolute_url()).status_code == 200
    client.post(url("leave", world["community"]))
    assert client.get(event.get_absolute_url()).status_code == 404


# --- Resources -----------------------------------------------------------------------------------
def test_lead_lists_a_resource_members_open_it_others_cannot(client, world):
    community = world["community"]
    guide = Resource.objects.create(
        program=world["program"], title="Pandas cheat sheet", url="https://example.gov/pandas"
    )
    foreign = Resource.objects.create(program=world["other_program"], title="Foreign", url="https://example.gov/x")
    login(client, world["lead"])
    response = client.post(url("resource-add", community), {"resource": foreign.pk}, follow=True)
    assert "Choose a resource" in response.content.decode()
    client.post(url("resource-add", community), {"resource": guide.pk})
    assert CommunityResource.objects.filter(community=community, resource=guide).exists()
    response = client.post(url("resource-add", community), {"resource": guide.pk}, follow=True)
    assert "Choose a resource" in response.content.decode()  # already listed: no longer a choice
    login(client, world["member"])
    response = client.get(url("resource-open", community, guide.pk))
    assert response.status_code == 302 and response["Location"] == "https://example.gov/pandas"
    assert client.get(url("resource-open", community, foreign.pk)).status_code == 404
    assert client.post(url("resource-remove", community, guide.pk)).status_code == 403
    login(client, world["outsider"])
    assert client.get(url("resource-open", community, guide.pk)).status_code == 403
    assert "Join the community to open" in client.get(url("detail", community)).content.decode()
    login(client, world["lead"])
    client.post(url("resource-remove", community, guide.pk))
    assert not CommunityResource.objects.exists() and Resource.objects.filter(pk=guide.pk).exists()


# --- Mentors' community --------------------------------------------------------------------------
def test_mentors_community_lists_mentors_past_and_present(client, world):
    program = world["program"]
    old_cycle = CycleFactory(program=program, starts_on=timezone.localdate() - timedelta(days=500))
    past = MentorshipFactory(cycle=old_cycle)
    current_cycle = CycleFactory(program=program)
    current = EnrollmentFactory(cycle=current_cycle, role="mentor").person
    mentee = EnrollmentFactory(cycle=current_cycle, role="mentee").person
    community, added = mentors_community_sync(program=program)
    assert added == 2 and community.is_mentors
    assert set(community.memberships.values_list("person_id", flat=True)) == {past.mentor_id, current.pk}
    assert mentors_community_sync(program=program) == (community, 0)  # idempotent
    call_command("sync_mentor_communities", stdout=open("/dev/null", "w"))
    assert Community.objects.filter(kind="mentors", program=program).count() == 1

    login(client, past.mentor)
    page = client.get(url("detail", community)).content.decode()
    assert current.full_name in page and f"{current_cycle.name} (now)" in page and old_cycle.name in page
    for who in (mentee, world["outsider"], world["coordinator_b"], world["hr"]):
        login(client, who)
        assert client.get(url("detail", community)).status_code == 404
    login(client, world["coordinator"])
    assert client.get(url("detail", community)).status_code == 200
    login(client, mentee)
    assert client.post(url("join", community)).status_code == 404

    # A mentor who leaves stays out; a new mentor is added by the signal.
    login(client, past.mentor)
    client.post(url("leave", community))
    mentors_community_sync(program=program)
    assert Membership.objects.get(community=community, person=past.mentor).left_at is not None
    pair = MentorshipFactory(cycle=current_cycle, mentee=mentee)
    signals.mentorship_created.send(sender=Mentorship, mentorship=pair)
    assert community.memberships.filter(person=pair.mentor, left_at__isnull=True).exists()


# --- Find expertise and profiles -----------------------------------------------------------------
def test_find_expertise_lists_communities_for_the_skill_and_profiles_list_theirs(client, world):
    login(client, world["outsider"])
    page = client.get(reverse("profiles:directory"), {"skill": world["skill"].pk}).content.decode()
    assert "Communities about Data analysis" in page and "Data analysts" in page
    assert "Communities about" not in client.get(reverse("profiles:directory")).content.decode()
    profile = client.get(reverse("profiles:person-detail", args=[world["member"].pk])).content.decode()
    assert "Data analysts" in profile
    listing = client.get(reverse("communities:list"), {"skill": world["skill"].pk}).content.decode()
    assert "Communities about Data analysis" in listing
    bad = client.get(reverse("communities:list"), {"skill": "99999999999999999999"}).content.decode()
    assert "no such skill" in bad


def test_community_page_queries_do_not_grow_with_members(client, world, django_assert_max_num_queries):
    for _ in range(30):
        person = PersonFactory()
        MembershipFactory(community=world["community"], person=person)
        PersonSkillFactory(person=person, skill=world["skill"])
    login(client, world["member"])
    with django_assert_max_num_queries(25):
        assert client.get(url("detail", world["community"])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("communities:list")).status_code == 200


def test_my_data_lists_my_communities(world):
    from privacy.services import person_data_export

    rows = person_data_export(person=world["lead"])["communities"]
    assert [(r["community"], r["role"], r["left_at"]) for r in rows] == [("Data analysts", "lead", None)]


def test_nasty_names_and_summaries_get_messages_or_safe_slugs(client, world):
    login(client, world["coordinator"])
    create = reverse("communities:create")
    response = client.post(create, {"name": "x" * 121, "program": world["program"].pk})
    assert response.status_code == 200 and "at most 120 characters" in response.content.decode()
    response = client.post(create, {"name": "Data", "summary": "y" * 2001, "program": world["program"].pk})
    assert "at most 2000 characters" in response.content.decode()
    response = client.post(create, {"name": "数据 <script>alert(1)</script>", "program": world["program"].pk,
                                    "skills": ["999999"], "department": "abc"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    client.post(create, {"name": "数据", "program": world["program"].pk})
    community = Community.objects.get(name="数据")
    assert community.slug == "community"
    client.post(create, {"name": "<b>Bold</b> community", "program": world["program"].pk})
    page = client.get(reverse("communities:list")).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; community" in page and "<b>Bold</b>" not in page
    assert client.get(reverse("communities:detail", args=["no-such-community"])).status_code == 404
