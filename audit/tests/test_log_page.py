"""The audit log page: coordinators and HR read it, filter it, page through it; nobody else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import audit_record
from profiles.tests.factories import CoordinatorFactory, HRAnalystFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_coordinator_reads_and_filters_the_log():
    from django.test import Client

    hr, coordinator = HRAnalystFactory(email="hr@example.gov"), CoordinatorFactory()
    audit_record(actor=hr, action="report.export", summary="Retention as XLSX (program_id=3)")
    audit_record(actor=None, action="roster.import", summary="Roster roster.csv: 2 new")
    client = Client()
    client.force_login(coordinator)
    body = client.get(reverse("audit:log")).content.decode()
    assert "Retention as XLSX (program_id=3)" in body and "hr@example.gov" in body and "roster.csv" in body
    body = client.get(reverse("audit:log"), {"action": "report.export"}).content.decode()
    assert "Retention as XLSX" in body and "roster.csv" not in body
    body = client.get(reverse("audit:log"), {"actor": "nobody-like-this"}).content.decode()
    assert "No entries match these filters." in body


def test_log_is_paginated(client):
    for i in range(55):
        audit_record(actor=None, action="x.test", summary=f"entry {i}")
    client.force_login(HRAnalystFactory())
    first = client.get(reverse("audit:log"))
    assert len(first.context["page"].object_list) == 50
    assert len(client.get(reverse("audit:log"), {"page": 2}).context["page"].object_list) == 5


def test_participants_and_anonymous_cannot_read_the_log(client):
    url = reverse("audit:log")
    assert client.get(url).status_code == 302
    client.force_login(PersonFactory().user)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code in (403, 405)
    assert AuditEntry.objects.count() == 0


def test_coordinators_read_only_their_programs_entries(client):
    from programs.tests.factories import MentorshipFactory, ProgramFactory

    mine, theirs = ProgramFactory(), ProgramFactory()
    coordinator = CoordinatorFactory()
    mine.coordinators.add(coordinator)
    own_pair = MentorshipFactory(cycle__program=mine)
    other_pair = MentorshipFactory(cycle__program=theirs)
    audit_record(actor=None, action="mentorship.end", target=own_pair, summary="Ended our pair")
    audit_record(actor=None, action="mentorship.end", target=other_pair, summary="Ended their pair")
    audit_record(actor=None, action="roster.import", summary="Roster applied")
    client.force_login(coordinator)
    body = client.get(reverse("audit:log")).content.decode()
    assert "Ended our pair" in body and "Roster applied" in body
    assert "Ended their pair" not in body


def test_the_program_of_an_entry_is_found_from_its_target():
    from programs.tests.factories import CycleFactory, MentorshipFactory

    cycle = CycleFactory()
    pair = MentorshipFactory(cycle=cycle)
    assert audit_record(actor=None, action="x", target=cycle.program).program_id == cycle.program_id
    assert audit_record(actor=None, action="x", target=cycle).program_id == cycle.program_id
    assert audit_record(actor=None, action="x", target=pair).program_id == cycle.program_id
    assert audit_record(actor=None, action="x", target=pair.mentee).program_id is None
