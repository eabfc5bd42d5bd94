import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from profiles.tests.factories import CoordinatorFactory
from programs import signals
from programs.models import Enrollment
from programs.services.enrollments import enrollments_decide
from programs.tests.factories import CycleFactory, EnrollmentFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided():
    received = []

    def listener(sender, enrollment, decided_by, **kwargs):
        received.append((enrollment.pk, enrollment.status, decided_by))

    signals.enrollment_decided.connect(listener)
    yield received
    signals.enrollment_decided.disconnect(listener)


def test_bulk_approval_records_who_when_and_note_and_signals_each(decided, django_capture_on_commit_callbacks):
    cycle = CycleFactory()
    pending = EnrollmentFactory.create_batch(3, cycle=cycle, status=Enrollment.Status.PENDING)
    coordinator = CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        result = enrollments_decide(enrollments=pending, status="approved", by=coordinator, note="Welcome")
    assert len(result.decided) == 3
    for enrollment in Enrollment.objects.all():
        assert enrollment.status == "approved" and enrollment.decided_by == coordinator
        assert enrollment.decision_note == "Welcome" and enrollment.decided_at is not None
    assert sorted(pk for pk, _, _ in decided) == sorted(e.pk for e in pending)
    assert AuditEntry.objects.filter(action="enrollment.decide").count() == 1


def test_withdrawn_and_already_decided_are_not_signalled_again(decided, django_capture_on_commit_callbacks):
    cycle = CycleFactory()
    withdrawn = EnrollmentFactory(cycle=cycle, status=Enrollment.Status.WITHDRAWN)
    approved = EnrollmentFactory(cycle=cycle, status=Enrollment.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        result = enrollments_decide(enrollments=[withdrawn, approved], status="approved", by=None)
    assert result.decided == [] and [e.pk for e in result.unchanged] == [approved.pk]
    assert [e.pk for e, _ in result.skipped] == [withdrawn.pk]
    assert decided == []
    assert Enrollment.objects.get(pk=withdrawn.pk).status == Enrollment.Status.WITHDRAWN


def test_someone_in_an_active_pair_cannot_be_declined():
    cycle = CycleFactory()
    mentee_enrollment = EnrollmentFactory(cycle=cycle, role="mentee")
    MentorshipFactory(cycle=cycle, mentee=mentee_enrollment.person)
    result = enrollments_decide(enrollments=[mentee_enrollment], status="declined", by=None)
    assert result.skipped[0][1] == "is in an active pair; end the pair first"
    assert Enrollment.objects.get(pk=mentee_enrollment.pk).status == Enrollment.Status.APPROVED


def test_only_decisions_are_accepted_as_status():
    with pytest.raises(ValidationError):
        enrollments_decide(enrollments=[EnrollmentFactory()], status="withdrawn", by=None)
