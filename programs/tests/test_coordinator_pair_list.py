"""The cycle's pairs list: search, filters, sort and pages, all in the URL, at a fixed query cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.listing import PER_PAGE
from profiles.tests.factories import CoordinatorFactory, PersonFactory
from programs.models import Mentorship, PairFlag
from programs.tests.factories import CycleFactory, MeetingFactory, MentorshipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(client):
    coordinator = CoordinatorFactory()
    program = ProgramFactory()
    program.coordinators.add(coordinator)
    client.force_login(coordinator)
    return CycleFactory(program=program)


def _url(cycle, **params):
    from urllib.parse import urlencode

    return reverse("programs:cycle-pairs", args=[cycle.pk]) + ("?" + urlencode(params) if params else "")


def test_search_finds_a_pair_by_either_persons_name(client, cycle):
    wanted = MentorshipFactory(cycle=cycle, mentee=PersonFactory(first_name="Zelda", last_name="Quartermain"))
    MentorshipFactory.create_batch(3, cycle=cycle)
    pairs = client.get(_url(cycle, q="quarterMAIN")).context["pairs"]
    assert [p.pk for p in pairs] == [wanted.pk]
    body = client.get(_url(cycle, q="nobody-like-this")).content.decode()
    assert "No pairs match" in body


def test_status_and_at_risk_filters_and_a_sort_keep_each_other_in_page_links(client, cycle):
    for _ in range(PER_PAGE + 5):
        pair = MentorshipFactory(cycle=cycle)
        PairFlag.objects.create(mentorship=pair, reason=PairFlag.Reason.values[0])
    MentorshipFactory(cycle=cycle, status=Mentorship.Status.ENDED)
    response = client.get(_url(cycle, status="active", at_risk="1", sort="mentee"))
    assert len(response.context["pairs"]) == PER_PAGE
    assert response.context["listing"].total == PER_PAGE + 5
    body = response.content.decode()
    assert "page=2" in body and "status=active&amp;at_risk=1&amp;sort=mentee&amp;page=2" in body
    names = [p.mentee.last_name for p in response.context["pairs"]]
    assert names == sorted(names)
    second = client.get(_url(cycle, status="active", at_risk="1", sort="mentee", page=2)).context["pairs"]
    assert len(second) == 5


def test_nonsense_parameters_fall_back_instead_of_failing(client, cycle):
    MentorshipFactory.create_batch(2, cycle=cycle)
    for params in ({"sort": "mentor__password"}, {"page": "-1"}, {"page": "abc"}, {"status": "x' OR 1=1"}, {"q": "a\x0bb"}):
        response = client.get(_url(cycle, **params))
        assert response.status_code == 200, params
    assert client.get(_url(cycle, sort="mentor__password")).context["listing"].sort == "status"


def test_the_quiet_sort_puts_pairs_without_meetings_first(client, cycle):
    busy = MentorshipFactory(cycle=cycle)
    MeetingFactory.create_batch(3, mentorship=busy)
    quiet = MentorshipFactory(cycle=cycle)
    assert client.get(_url(cycle, sort="quiet")).context["pairs"][0].pk == quiet.pk


def test_a_page_costs_the_same_queries_for_5_or_200_pairs(client, cycle):
    MentorshipFactory.create_batch(5, cycle=cycle)
    client.get(_url(cycle))
    with CaptureQueriesContext(connection) as few:
        client.get(_url(cycle))
    MentorshipFactory.create_batch(195, cycle=cycle)
    with CaptureQueriesContext(connection) as many:
        client.get(_url(cycle, page=3))
    assert len(many) == len(few)
