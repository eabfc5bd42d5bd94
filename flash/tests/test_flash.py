"""Flash conversations, through the pages as the two people and a coordinator use them, with the
mail they get, the monthly limit, and what a coordinator may and may not see."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from calendars.services import feed_issue
from flash import services
from flash.models import ExpertAvailability, FlashConversation
from profiles.tests.factories import (
    CoordinatorFactory,
    HRAnalystFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
)
from reports.selectors.knowledge import knowledge_at_risk

pytestmark = pytest.mark.django_db
NOTE = "How do you read a capital budget request?"


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://mentoring.example.gov"


@pytest.fixture
def skill():
    return SkillFactory(name="Capital budgeting")


@pytest.fixture
def expert(skill):
    person = PersonFactory(first_name="Rosa", last_name="Okafor", willing_to_mentor=True, time_zone="America/Chicago")
    PersonSkillFactory(person=person, skill=skill, level=5)
    return person


@pytest.fixture
def asker():
    return PersonFactory(first_name="Dev", last_name="Lin")


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def ask(client, expert, skill, note=NOTE, minutes=30):
    return client.post(reverse("flash:ask", args=[expert.pk]), {"skill": skill.pk, "minutes": minutes, "note": note})


def local_input(moment) -> str:
    return timezone.localtime(moment, timezone.get_fixed_timezone(0)).strftime("%Y-%m-%dT%H:%M")


def test_ask_accept_both_get_the_invitation_with_a_calendar_entry(expert, asker, skill, django_capture_on_commit_callbacks):
    card = signed_in(asker).get(reverse("profiles:person-detail", args=[expert.pk])).content.decode()
    assert "Ask for a conversation" in card and "up to 2 flash conversations a month" in card

    with django_capture_on_commit_callbacks(execute=True):
        assert ask(signed_in(asker), expert, skill).status_code == 302
    assert [m.to for m in mail.outbox] == [[expert.email]]
    assert NOTE in mail.outbox[0].body and "/flash/" in mail.outbox[0].body
    conversation = FlashConversation.objects.get()

    mail.outbox.clear()
    when = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    expert_client = signed_in(expert)
    with timezone.override("America/Chicago"):
        typed = timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        response = expert_client.post(reverse("flash:accept", args=[conversation.pk]),
                                      {"starts_at": typed, "message": "Call me on Teams."})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == "accepted" and conversation.starts_at == when, "typed in the expert's own zone"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([expert.email, asker.email])
    for message in mail.outbox:
        cal = Calendar.from_ical(message.attachments[0][1])
        entry = cal.walk("VEVENT")[0]
        assert entry.decoded("dtstart") == when
        assert entry.decoded("dtend") - entry.decoded("dtstart") == timedelta(minutes=30)
        assert str(entry["uid"]) == f"flash-{conversation.pk}@mentoring.example.gov"

    # The same UID in both people's calendar feeds.
    for person in (expert, asker):
        body = Client().get(reverse("calendars:feed", args=[feed_issue(person=person)])).content
        uids = [str(e["uid"]) for e in Calendar.from_ical(body).walk("VEVENT")]
        assert f"flash-{conversation.pk}@mentoring.example.gov" in uids


def test_a_decline_tells_the_asker_with_the_reason(expert, asker, skill, django_capture_on_commit_callbacks):
    conversation = services.flash_request(requester=asker, expert=expert, skill=skill, minutes=45, note=NOTE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(expert).post(reverse("flash:decline", args=[conversation.pk]), {"reason": "Ask Sam, he runs it now."})
    assert [m.to for m in mail.outbox] == [[asker.email]]
    assert "Ask Sam" in mail.outbox[0].body
    page = signed_in(asker).get(reverse("flash:mine")).content.decode()
    assert "Declined" in page and "Ask Sam" in page


def test_the_monthly_limit_holds_and_says_so(expert, skill):
    ExpertAvailability.objects.create(person=expert, accepts=True, per_month=2)
    askers = [PersonFactory() for _ in range(3)]
    assert ask(signed_in(askers[0]), expert, skill).status_code == 302
    assert ask(signed_in(askers[1]), expert, skill).status_code == 302
    full = ask(signed_in(askers[2]), expert, skill)
    assert full.status_code == 200
    assert "takes 2 conversations a month" in full.content.decode()
    assert FlashConversation.objects.count() == 2


def test_accepting_into_a_full_month_is_refused_on_the_form(expert, skill):
    ExpertAvailability.objects.create(person=expert, accepts=True, per_month=1)
    first = services.flash_request(requester=PersonFactory(), expert=expert, skill=skill, minutes=30, note=NOTE)
    ExpertAvailability.objects.filter(person=expert).update(per_month=2)
    second = services.flash_request(requester=PersonFactory(), expert=expert, skill=skill, minutes=30, note=NOTE)
    ExpertAvailability.objects.filter(person=expert).update(per_month=1)
    later = timezone.now() + timedelta(days=40)
    services.flash_accept(conversation=first, by=expert, starts_at=later)
    with pytest.raises(ValidationError, match="taken your 1 conversations"):
        services.flash_accept(conversation=second, by=expert, starts_at=later + timedelta(hours=2))


def test_switched_off_experts_are_not_offered_and_refuse_requests(expert, asker, skill):
    signed_in(expert).post(reverse("flash:availability"), {"per_month": 3})  # the box unticked
    card = signed_in(asker).get(reverse("profiles:person-detail", args=[expert.pk])).content.decode()
    assert "not taking flash conversation requests" in card and "Ask for a conversation" not in card
    response = ask(signed_in(asker), expert, skill)
    assert response.status_code == 200 and not FlashConversation.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": ""}, "This field is required"),
        ({"note": "x" * 1001}, "at most 1000 characters"),
        ({"minutes": 90}, "Select a valid choice"),
        ({"skill": 999999}, "Select a valid choice"),
    ],
)
def test_bad_requests_get_a_message_and_save_nothing(expert, asker, skill, data, message):
    response = signed_in(asker).post(
        reverse("flash:ask", args=[expert.pk]), {"skill": skill.pk, "minutes": 30, "note": NOTE, **data}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not FlashConversation.objects.exists()


def test_a_skill_the_expert_does_not_hold_and_oneself_are_refused(expert, asker, skill):
    other_skill = SkillFactory()
    with pytest.raises(ValidationError, match="does not list"):
        services.flash_request(requester=asker, expert=expert, skill=other_skill, minutes=30, note=NOTE)
    assert signed_in(expert).get(reverse("flash:ask", args=[expert.pk])).status_code == 404
    with pytest.raises(ValidationError, match="yourself"):
        services.flash_request(requester=expert, expert=expert, skill=skill, minutes=30, note=NOTE)


def test_a_second_open_request_about_the_same_skill_is_refused(expert, asker, skill):
    ask(signed_in(asker), expert, skill)
    again = ask(signed_in(asker), expert, skill)
    assert "already have an open request" in again.content.decode()


@pytest.mark.parametrize("when", [timedelta(minutes=10), timedelta(days=-1), timedelta(days=90)])
def test_times_too_soon_past_or_too_far_are_refused(expert, asker, skill, when):
    conversation = services.flash_request(requester=asker, expert=expert, skill=skill, minutes=30, note=NOTE)
    typed = local_input(timezone.now() + when)
    with timezone.override("UTC"):
        expert.time_zone = "UTC"
        expert.save()
        response = signed_in(expert).post(reverse("flash:accept", args=[conversation.pk]), {"starts_at": typed})
    assert response.status_code == 200 and "Propose a time" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.status == "requested"


def test_only_the_two_people_reach_a_conversation(expert, asker, skill):
    conversation = services.flash_request(requester=asker, expert=expert, skill=skill, minutes=30, note=NOTE)
    stranger = PersonFactory()
    for url in ("flash:accept", "flash:decline", "flash:withdraw", "flash:feedback"):
        response = signed_in(stranger).post(reverse(url, args=[conversation.pk]), {"reason": "x", "useful": "yes"})
        assert response.status_code == 404
    # The asker cannot accept their own request, nor the expert withdraw it.
    assert signed_in(asker).post(reverse("flash:accept", args=[conversation.pk])).status_code == 404
    assert signed_in(expert).post(reverse("flash:withdraw", args=[conversation.pk])).status_code == 404
    conversation.refresh_from_db()
    assert conversation.status == "requested"


def test_was_it_useful_only_after_the_conversation_and_only_once_asked(expert, asker, skill):
    conversation = services.flash_request(requester=asker, expert=expert, skill=skill, minutes=30, note=NOTE)
    services.flash_accept(conversation=conversation, by=expert, starts_at=timezone.now() + timedelta(days=2))
    client = signed_in(asker)
    client.post(reverse("flash:feedback", args=[conversation.pk]), {"useful": "yes"})
    conversation.refresh_from_db()
    assert conversation.useful is None, "not before it happened"
    FlashConversation.objects.filter(pk=conversation.pk).update(starts_at=timezone.now() - timedelta(days=1))
    page = client.get(reverse("flash:mine")).content.decode()
    assert "Was it useful?" in page
    client.post(reverse("flash:feedback", args=[conversation.pk]), {"useful": "no", "note": "Too short."})
    conversation.refresh_from_db()
    assert conversation.useful is False and conversation.feedback == "Too short."


def test_coordinators_and_hr_see_volumes_never_names_notes_or_answers(expert, skill):
    ExpertAvailability.objects.create(person=expert, accepts=True, per_month=8)
    for n in range(4):
        asker = PersonFactory(last_name=f"Asker{n}")
        c = services.flash_request(requester=asker, expert=expert, skill=skill, minutes=30, note=f"secret note {n}")
        services.flash_accept(conversation=c, by=expert, starts_at=timezone.now() + timedelta(days=2))
        FlashConversation.objects.filter(pk=c.pk).update(starts_at=timezone.now() - timedelta(days=1))
        services.flash_feedback(conversation=c, by=asker, useful=True, note=f"private feedback {n}")
    for user in (CoordinatorFactory(), HRAnalystFactory()):
        page = signed_in_user(user).get(reverse("flash:volumes")).content.decode()
        assert "Capital budgeting" in page and ">4<" in page
        assert "secret note" not in page and "private feedback" not in page and "Asker" not in page
        assert "Okafor" not in page
        assert "once 5 or more people have answered (4 so far)" in page, "a share of four would be personal"
    assert signed_in(PersonFactory()).get(reverse("flash:volumes")).status_code == 403


def signed_in_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_flash_conversations_count_as_knowledge_passed_on(expert, skill):
    expert.retirement_eligible_on = timezone.localdate() - timedelta(days=10)
    expert.save()
    c = services.flash_request(requester=PersonFactory(), expert=expert, skill=skill, minutes=30, note=NOTE)
    services.flash_accept(conversation=c, by=expert, starts_at=timezone.now() + timedelta(days=2))
    report = knowledge_at_risk(horizon=timezone.localdate() + timedelta(days=365))
    row = next(s for s in report.skills if s.skill == "Capital budgeting")
    assert row.flash_conversations == 0, "not held yet"
    FlashConversation.objects.filter(pk=c.pk).update(starts_at=timezone.now() - timedelta(days=3))
    report = knowledge_at_risk(horizon=timezone.localdate() + timedelta(days=365))
    row = next(s for s in report.skills if s.skill == "Capital budgeting")
    assert row.flash_conversations == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_cannot_both_take_the_last_place(skill):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    expert = PersonFactory(willing_to_mentor=True)
    PersonSkillFactory(person=expert, skill=skill, level=5)
    ExpertAvailability.objects.create(person=expert, accepts=True, per_month=1)
    askers = [PersonFactory(), PersonFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(person):
        from django.db import connections

        barrier.wait()
        try:
            services.flash_request(requester=person, expert=expert, skill=skill, minutes=30, note=NOTE)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(re.sub(r"\s+", " ", " ".join(error.messages)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in askers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert FlashConversation.objects.count() == 1
