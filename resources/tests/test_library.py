"""The resource library, driven through its pages as a coordinator publishes and participants
read: who sees what, what an upload may be, and which guides the pair page offers when."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from profiles.tests.factories import (
    CoordinatorFactory,
    DevelopmentGoalFactory,
    HRAnalystFactory,
    PersonFactory,
    SkillFactory,
)
from programs.models import Enrollment, Event, Meeting
from programs.tests.factories import EnrollmentFactory, EventFactory, MeetingFactory, MentorshipFactory
from resources.models import Milestone, Resource

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def pair(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    pair = MentorshipFactory(started_on=timezone.localdate() - timedelta(days=20))
    for person, role in ((pair.mentor, Enrollment.Role.MENTOR), (pair.mentee, Enrollment.Role.MENTEE)):
        EnrollmentFactory(cycle=pair.cycle, person=person, role=role)
    return pair


@pytest.fixture
def coordinator(pair):
    user = CoordinatorFactory()
    pair.cycle.program.coordinators.add(user)
    client = Client()
    client.force_login(user)
    return client


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def publish(client: Client, pair, **fields):
    data = {
        "program": pair.cycle.program.pk, "title": "First meeting agenda", "summary": "What to cover.",
        "kind": "guide", "milestone": "first_meeting", "audience": "everyone", "url": "",
    }
    data.update(fields)
    return client.post(reverse("resources:create"), data)


def test_a_published_file_reaches_the_programs_participants_and_nobody_else(pair, coordinator):
    response = publish(coordinator, pair, file=SimpleUploadedFile("agenda.pdf", PDF, "application/pdf"))
    assert response.status_code == 302, response.content.decode()[:2000]
    resource = Resource.objects.get()
    assert resource.file_name == "agenda.pdf" and resource.file_size == len(PDF)
    assert "agenda" not in resource.file.name, "the stored name is random"
    assert AuditEntry.objects.filter(action="resource.publish").count() == 1
    url = reverse("resources:open", args=[resource.pk])

    for person in (pair.mentee, pair.mentor):
        got = signed_in(person.user).get(url)
        assert got.status_code == 200
        assert b"".join(got.streaming_content) == PDF
        assert got["X-Content-Type-Options"] == "nosniff" and got["Content-Security-Policy"] == "sandbox"
        assert "First meeting agenda" in signed_in(person.user).get(reverse("resources:library")).content.decode()

    other_program = MentorshipFactory()
    EnrollmentFactory(cycle=other_program.cycle, person=other_program.mentee)
    other_coordinator = CoordinatorFactory()
    other_program.cycle.program.coordinators.add(other_coordinator)
    pending = PersonFactory()
    EnrollmentFactory(cycle=pair.cycle, person=pending, status=Enrollment.Status.PENDING)
    for outsider in (other_program.mentee.user, other_coordinator, HRAnalystFactory(), pending.user):
        assert signed_in(outsider).get(url).status_code == 404
        assert "First meeting agenda" not in signed_in(outsider).get(reverse("resources:library")).content.decode()
    assert Client().get(url).status_code == 302  # anonymous: to the sign-in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "cannot be shared here"),
        ("agenda.pdf", b"MZ\x90\x00 a program renamed", "not a real .pdf"),
        ("plan.docx", b"PK\x03\x04 not really a zip", "not a real .docx"),
        ("notes.txt", b"text\x00with a NUL", "not a real .txt"),
        ("page.html", b"<script>alert(1)</script>", "cannot be shared here"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_wrong_file_is_refused_with_a_message_and_nothing_is_saved(pair, coordinator, name, content, message):
    response = publish(coordinator, pair, file=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Resource.objects.exists()


@override_settings(RESOURCE_MAX_UPLOAD_BYTES=1024)
def test_a_file_too_large_is_refused_with_its_size_and_the_limit(pair, coordinator):
    response = publish(coordinator, pair, file=SimpleUploadedFile("big.pdf", PDF + b"0" * 2000))
    body = response.content.decode()
    assert response.status_code == 200 and "up to 1.0\xa0KB" in body
    assert not Resource.objects.exists()


def test_a_real_docx_and_a_link_are_accepted_but_not_both_or_neither(pair, coordinator):
    assert publish(coordinator, pair, file=SimpleUploadedFile("agreement.docx", docx_bytes())).status_code == 302
    assert publish(coordinator, pair, title="Reading list", url="https://intranet.example.gov/list").status_code == 302
    both = publish(coordinator, pair, title="Both", url="https://x.example.gov",
                   file=SimpleUploadedFile("a.pdf", PDF))
    assert "not both" in both.content.decode()
    neither = publish(coordinator, pair, title="Neither")
    assert "Upload a file or give a link" in neither.content.decode()
    assert Resource.objects.count() == 2
    link = Resource.objects.get(title="Reading list")
    assert signed_in(pair.mentee.user).get(reverse("resources:open", args=[link.pk]))["Location"] == link.url


def test_a_coordinator_cannot_publish_into_or_edit_another_program(pair, coordinator):
    other = MentorshipFactory()
    response = publish(coordinator, pair, program=other.cycle.program.pk, url="https://x.example.gov")
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    foreign = Resource.objects.create(program=other.cycle.program, title="Theirs", url="https://x.example.gov")
    assert coordinator.get(reverse("resources:edit", args=[foreign.pk])).status_code == 404
    assert coordinator.post(reverse("resources:delete", args=[foreign.pk])).status_code == 404
    assert Resource.objects.filter(pk=foreign.pk).exists()


def test_replacing_a_file_removes_the_old_one_once_saved(pair, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish(coordinator, pair, file=SimpleUploadedFile("v1.pdf", PDF))
    resource = Resource.objects.get()
    old_name = resource.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(reverse("resources:edit", args=[resource.pk]), {
            "program": pair.cycle.program.pk, "title": resource.title, "kind": "guide",
            "milestone": "first_meeting", "audience": "everyone", "url": "",
            "file": SimpleUploadedFile("v2.pdf", PDF + b"% v2"),
        })
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.file_name == "v2.pdf" and resource.file.name != old_name
    assert not resource.file.storage.exists(old_name) and resource.file.storage.exists(resource.file.name)


def _guide(pair, title, milestone, **extra):
    return Resource.objects.create(program=pair.cycle.program, title=title, milestone=milestone,
                                   url="https://intranet.example.gov/" + title.replace(" ", "-"), **extra)


def test_the_pair_page_offers_guides_for_where_the_pair_is(pair):
    _guide(pair, "First meeting agenda", Milestone.FIRST_MEETING)
    _guide(pair, "Midpoint review", Milestone.MIDPOINT)
    _guide(pair, "For mentors only", Milestone.FIRST_MEETING, audience="mentors")
    page = reverse("programs:mentorship-detail", args=[pair.pk])

    before = signed_in(pair.mentee.user).get(page).content.decode()
    assert "First meeting agenda" in before and "Midpoint review" not in before
    assert "For mentors only" not in before
    assert "For mentors only" in signed_in(pair.mentor.user).get(page).content.decode()

    MeetingFactory(mentorship=pair, status=Meeting.Status.HELD)
    EventFactory(cycle=pair.cycle, program=pair.cycle.program, kind=Event.Kind.MIDPOINT,
                 starts_at=timezone.now() - timedelta(days=1), ends_at=timezone.now() - timedelta(hours=22))
    after = signed_in(pair.mentee.user).get(page).content.decode()
    assert "Midpoint review" in after and "First meeting agenda" not in after


def test_guides_on_the_mentees_goal_skills_come_first(pair):
    skill = SkillFactory(name="Budgeting")
    DevelopmentGoalFactory(person=pair.mentee, skill=skill)
    for n in range(5):
        _guide(pair, f"A general guide {n}", Milestone.FIRST_MEETING)
    on_goal = _guide(pair, "Z budgeting first meetings", Milestone.FIRST_MEETING)
    on_goal.skills.add(skill)
    body = signed_in(pair.mentee.user).get(reverse("programs:mentorship-detail", args=[pair.pk])).content.decode()
    assert "Z budgeting first meetings" in body and "on the mentee's goals" in body
    assert "A general guide 4" not in body, "only the top four are shown"


def test_the_pair_page_costs_the_same_queries_with_a_small_or_large_library(pair):
    page = reverse("programs:mentorship-detail", args=[pair.pk])
    client = signed_in(pair.mentee.user)
    _guide(pair, "One", Milestone.FIRST_MEETING)
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    skill = SkillFactory()
    for n in range(40):
        _guide(pair, f"Guide {n}", Milestone.ANYTIME).skills.add(skill)
    with CaptureQueriesContext(connection) as many:
        client.get(page)
    assert len(many) == len(few)


def test_an_events_recording_appears_on_its_page_once_it_is_over(pair):
    event = EventFactory(cycle=pair.cycle, program=pair.cycle.program)
    Resource.objects.create(program=pair.cycle.program, title="Kickoff recording", kind="recording", event=event,
                            url="https://video.example.gov/kickoff")
    page = reverse("programs:event-detail", args=[event.pk])
    assert "Kickoff recording" not in signed_in(pair.mentee.user).get(page).content.decode()
    event.starts_at = timezone.now() - timedelta(days=2)
    event.ends_at = timezone.now() - timedelta(days=2) + timedelta(hours=2)
    event.save()
    assert "Kickoff recording" in signed_in(pair.mentee.user).get(page).content.decode()


def test_library_filters_and_bad_parameters(pair):
    _guide(pair, "First meeting agenda", Milestone.FIRST_MEETING)
    _guide(pair, "Closing letter", Milestone.CLOSING)
    client = signed_in(pair.mentee.user)
    url = reverse("resources:library")
    only = client.get(url, {"milestone": "closing"}).content.decode()
    assert "Closing letter" in only and "First meeting agenda" not in only
    for bad in ({"milestone": "<script>"}, {"skill": "1; drop table"}, {"page": "-4"}, {"q": "\x0b" * 300}):
        assert client.get(url, bad).status_code == 200
