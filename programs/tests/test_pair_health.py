"""One definition of a pair at risk: pairs built on each side of the line, and every place that
counts or lists pairs at risk (Coordinate, the cycle's pairs, the dashboard, help and flags,
the mentor's nudge, the weekly digest) must pick the same ones."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Delivery, Kind
from notifications.services.digest import digest_for
from notifications.services.sweep import meeting_nudges_claim
from profiles.tests.factories import CoordinatorFactory
from programs.models import Cycle, Meeting, Mentorship, PairFlag
from programs.selectors import coordinator as coordinator_selectors
from programs.selectors.coordinator import cycles_with_counts
from programs.tests.factories import CycleFactory, MeetingFactory, MentorshipFactory
from reports.selectors.dashboard import cycle_dashboard

pytestmark = pytest.mark.django_db


def _noon(days_ago: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(12)))


def _build(weeks: int):
    """Pairs named by what they should be. `line` is the last day a meeting leaves a pair quiet."""
    line = weeks * 7
    today = timezone.localdate()
    cycle = CycleFactory(starts_on=today - timedelta(days=line + 60))
    coordinator = CoordinatorFactory()
    cycle.program.coordinators.add(coordinator)
    started = cycle.starts_on

    def pair(**kwargs) -> Mentorship:
        return MentorshipFactory(cycle=cycle, started_on=kwargs.pop("started_on", started), **kwargs)

    p = {
        "met_on_the_line": pair(),  # at risk: its last meeting was exactly `weeks` ago
        "met_a_day_later": pair(),  # not: one day short of the line
        "never_met_started_on_the_line": pair(started_on=today - timedelta(days=line)),  # at risk
        "never_met_started_a_day_later": pair(started_on=today - timedelta(days=line - 1)),  # not
        "quiet_but_booked": pair(),  # not: a meeting is booked ahead
        "met_lately_but_flagged": pair(),  # at risk: an open flag
        "flag_resolved": pair(),  # not: its flag is resolved and it met lately
        "meeting_not_logged_yet": pair(),  # not: a past meeting still "scheduled" counts as contact
        "cancelled_only": pair(),  # at risk: a cancelled meeting is no contact
        "ended_quiet": pair(status=Mentorship.Status.ENDED),  # not: only active pairs
    }
    MeetingFactory(mentorship=p["met_on_the_line"], scheduled_at=_noon(line))
    MeetingFactory(mentorship=p["met_a_day_later"], scheduled_at=_noon(line - 1))
    MeetingFactory(mentorship=p["quiet_but_booked"], scheduled_at=_noon(line + 30))
    MeetingFactory(mentorship=p["quiet_but_booked"], scheduled_at=_noon(-3), status=Meeting.Status.SCHEDULED)
    MeetingFactory(mentorship=p["met_lately_but_flagged"], scheduled_at=_noon(2))
    PairFlag.objects.create(mentorship=p["met_lately_but_flagged"], reason=PairFlag.Reason.LOW_SCORE)
    MeetingFactory(mentorship=p["flag_resolved"], scheduled_at=_noon(2))
    PairFlag.objects.create(mentorship=p["flag_resolved"], reason=PairFlag.Reason.HELP, resolved_at=timezone.now())
    MeetingFactory(mentorship=p["meeting_not_logged_yet"], scheduled_at=_noon(line + 30))
    MeetingFactory(mentorship=p["meeting_not_logged_yet"], scheduled_at=_noon(5), status=Meeting.Status.SCHEDULED)
    MeetingFactory(mentorship=p["cancelled_only"], scheduled_at=_noon(3), status=Meeting.Status.CANCELLED)
    at_risk = {p[name].pk for name in ("met_on_the_line", "never_met_started_on_the_line", "met_lately_but_flagged", "cancelled_only")}
    quiet = at_risk - {p["met_lately_but_flagged"].pk}
    return cycle, coordinator, at_risk, quiet


@pytest.mark.parametrize("weeks", [4, 2])
def test_every_place_agrees_on_which_pairs_are_at_risk(client, settings, weeks):
    settings.PAIR_AT_RISK_WEEKS = weeks
    cycle, coordinator, at_risk, quiet = _build(weeks)
    now = timezone.now()

    # Coordinate and the role home: the count per cycle.
    assert cycles_with_counts(Cycle.objects.filter(pk=cycle.pk)).get().at_risk_pairs == len(at_risk)
    # The cycle's pairs list, filtered and unfiltered.
    assert {m.pk for m in coordinator_selectors.cycle_pairs(cycle=cycle, at_risk_only=True)} == at_risk
    assert {m.pk for m in coordinator_selectors.cycle_pairs(cycle=cycle) if m.at_risk} == at_risk
    # The dashboard, which also says why.
    dashboard = cycle_dashboard(cycle=cycle, now=now)
    assert {h.pair.pk for h in dashboard.at_risk} == at_risk
    assert all(h.reasons for h in dashboard.at_risk)
    # Help and flags: the open flags plus the quiet pairs nobody flagged.
    flagged = {f.mentorship_id for f in coordinator_selectors.open_flags(cycle=cycle)}
    assert flagged | quiet == at_risk
    assert coordinator_selectors.unflagged_at_risk_count(cycle=cycle) == len(quiet - flagged)
    # The mentor's nudge goes to the quiet pairs, the day they cross the line.
    meeting_nudges_claim(now=now)
    nudged = set(Delivery.objects.filter(kind=Kind.MEETING_NUDGE_MENTOR).values_list("object_id", flat=True))
    assert nudged == quiet
    # The weekly digest.
    [digest] = digest_for(user=coordinator, now=now)
    assert (digest.at_risk_pairs, digest.silent_pairs) == (len(at_risk), len(quiet))

    # And the pages say the same.
    client.force_login(coordinator)
    body = client.get(reverse("programs:cycle-pairs", args=[cycle.pk]), {"at_risk": "1"}).content.decode()
    assert body.count(">At risk</span>") == len(at_risk)
    body = client.get(reverse("reports:dashboard"), {"cycle": cycle.pk}).content.decode()
    assert f"{len(at_risk)} pairs at risk" in body


def test_the_dashboard_says_why_each_pair_is_listed(settings):
    settings.PAIR_AT_RISK_WEEKS = 4
    cycle, _, _, _ = _build(4)
    reasons = {h.pair.pk: h.reasons for h in cycle_dashboard(cycle=cycle).at_risk}
    by_name = {m.pk: m for m in Mentorship.objects.filter(cycle=cycle)}
    texts = sorted("; ".join(r) for r in reasons.values())
    assert "Low pairing score in a survey" in texts
    assert "No meeting for 4 weeks (at risk after 4)" in texts
    assert "No meeting since the start, 4 weeks ago" in texts
    assert len(by_name) == 10
