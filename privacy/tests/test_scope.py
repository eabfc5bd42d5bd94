"""Who may remove a person, where the reason goes, and what the audit log says about them after.

Driven through the pages: the removal form as each coordinator, then the audit log as the
others read it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.references import FORMER, person_ref
from audit.services import audit_record
from matching.services.runs import match_ban_create
from profiles.models import Person
from profiles.tests.factories import CoordinatorFactory, PersonFactory, UserFactory
from programs.models import Enrollment, Mentorship
from programs.services.pairs import mentorship_create, mentorship_end
from programs.tests.factories import CycleFactory, EnrollmentFactory, MentorshipFactory

pytestmark = pytest.mark.django_db

REASON = "Dismissed after the misconduct inquiry of 3 November"


@pytest.fixture
def world():
    """Program A, where Zoë Quist was a mentee; program B, where she never took part."""
    cycle_a, cycle_b = CycleFactory(), CycleFactory()
    coord_a, coord_b = CoordinatorFactory(email="a@example.gov"), CoordinatorFactory(email="b@example.gov")
    cycle_a.program.coordinators.add(coord_a)
    cycle_b.program.coordinators.add(coord_b)
    leaver = PersonFactory(first_name="Zoë", last_name="Quist", email="zoe.quist@example.gov")
    pair = MentorshipFactory(cycle=cycle_a, mentee=leaver, status=Mentorship.Status.COMPLETED)
    Person.objects.filter(pk=leaver.pk).update(separated_on=timezone.localdate() - timedelta(days=2))
    return {"cycle_a": cycle_a, "cycle_b": cycle_b, "a": coord_a, "b": coord_b, "leaver": leaver, "pair": pair}


def _remove(client, user, person):
    client.force_login(user)
    return client.post(reverse("privacy:person-remove", args=[person.pk]), {"reason": REASON, "confirm": "on"})


def _log(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("audit:log")).content.decode()


def test_a_coordinator_of_another_program_gets_404_and_nothing_changes(client, world):
    client.force_login(world["b"])
    url = reverse("privacy:person-remove", args=[world["leaver"].pk])
    assert client.get(url).status_code == 404
    assert _remove(client, world["b"], world["leaver"]).status_code == 404
    world["leaver"].refresh_from_db()
    assert world["leaver"].anonymised_at is None and world["leaver"].full_name == "Zoë Quist"
    assert not AuditEntry.objects.filter(action="privacy.anonymise").exists()


def test_the_answer_for_someone_elses_person_is_the_same_as_for_no_one(client, world):
    client.force_login(world["b"])
    theirs = client.get(reverse("privacy:person-remove", args=[world["leaver"].pk]))
    nobody = client.get(reverse("privacy:person-remove", args=[10**9]))
    assert theirs.status_code == nobody.status_code == 404
    assert _unmasked(theirs.content) == _unmasked(nobody.content)


def _unmasked(page: bytes) -> bytes:
    """The page without its CSRF token, which Django masks afresh on every render."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def test_taking_part_as_an_applicant_is_enough_and_staff_may_remove_anyone(client, world):
    applicant = PersonFactory(separated_on=timezone.localdate())
    EnrollmentFactory(cycle=world["cycle_b"], person=applicant)
    assert _remove(client, world["a"], applicant).status_code == 404
    assert _remove(client, world["b"], applicant).status_code == 302
    stranger = PersonFactory(separated_on=timezone.localdate())  # in no program at all
    assert _remove(client, world["a"], stranger).status_code == 404
    assert _remove(client, UserFactory(is_coordinator=True, is_staff=True), stranger).status_code == 302


def test_the_reason_is_in_the_entrys_data_and_no_coordinator_reads_it(client, world):
    assert _remove(client, world["a"], world["leaver"]).status_code == 302
    entry = AuditEntry.objects.get(action="privacy.anonymise")
    assert entry.data == {"reason": REASON} and REASON not in entry.summary
    for reader in (world["a"], world["b"]):
        page = _log(client, reader)
        assert "privacy.anonymise" in page and f"Removed the data of {FORMER}" in page
        assert "misconduct" not in page


def test_earlier_entries_no_longer_name_the_person(client, world):
    """Entries written through references and entries written as plain text before them."""
    leaver, cycle_a = world["leaver"], world["cycle_a"]
    mentor = PersonFactory(first_name="Ravi", last_name="Menon")
    later = CycleFactory(program=cycle_a.program)
    Person.objects.filter(pk=leaver.pk).update(separated_on=None)  # paired while still employed
    EnrollmentFactory(cycle=later, person=mentor, role=Enrollment.Role.MENTOR)
    EnrollmentFactory(cycle=later, person=leaver, role=Enrollment.Role.MENTEE)
    pair = mentorship_create(cycle=later, mentor=mentor, mentee=leaver, by=world["a"])
    mentorship_end(mentorship=pair, by=world["a"], reason="Zoë Quist left")
    Person.objects.filter(pk=leaver.pk).update(separated_on=timezone.localdate())
    match_ban_create(cycle=later, mentor=mentor, mentee=leaver, reason="Zoë Quist asked for it", by=world["a"])
    # Written before summaries used references: the name and e-mail as plain text.
    audit_record(actor=world["a"], action="legacy.note", target=cycle_a.program,
                 summary="Called Zoë Quist (zoe.quist@example.gov) about the survey", data={"who": ["Zoë Quist"]})
    audit_record(actor=leaver.user, action="invitation.accept", summary="zoe.quist@example.gov")
    before = _log(client, world["a"])
    assert before.count("Zoë Quist") >= 3 and "Ravi Menon" in before and "zoe.quist@example.gov" in before

    assert _remove(client, world["a"], leaver).status_code == 302
    for reader in (world["a"], world["b"]):
        page = _log(client, reader)
        assert "Zoë" not in page and "Quist" not in page and "zoe.quist" not in page
    page = _log(client, world["a"])
    assert f"Paired Ravi Menon with {FORMER}" in page and f"Banned Ravi Menon → {FORMER}" in page
    assert f"Called {FORMER} ({FORMER}) about the survey" in page
    # The stored rows hold no trace either: a database reader learns nothing more than the page.
    stored = " ".join(
        f"{e.summary} {e.actor_label} {e.data}" for e in AuditEntry.objects.exclude(action="privacy.anonymise")
    )
    assert "Zoë" not in stored and "Quist" not in stored and "zoe.quist" not in stored
    assert person_ref(leaver) in stored
    assert "Ravi Menon" not in stored  # the mentor is named only through a reference, too


def test_entries_the_person_made_no_longer_carry_their_address(client, world):
    leaver = world["leaver"]
    audit_record(actor=leaver.user, action="mentorship.view_private_notes", target=world["pair"], summary="x")
    _remove(client, world["a"], leaver)
    entry = AuditEntry.objects.get(action="mentorship.view_private_notes")
    assert entry.actor_label == FORMER
