"""Load an object named in the URL only if the user coordinates its program; 404 otherwise."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from programs.models import Cycle, Event, HelpRequest, Mentorship, PairFlag, Program
from programs.selectors.access import coordinated_programs


def program_for(request: HttpRequest, slug: str) -> Program:
    return get_object_or_404(coordinated_programs(request.user), slug=slug)


def cycle_for(request: HttpRequest, pk: int) -> Cycle:
    programs = coordinated_programs(request.user)
    return get_object_or_404(Cycle.objects.select_related("program").filter(program__in=programs), pk=pk)


def event_for(request: HttpRequest, pk: int) -> Event:
    programs = coordinated_programs(request.user)
    return get_object_or_404(Event.objects.select_related("program", "cycle").filter(program__in=programs), pk=pk)


def mentorship_for(request: HttpRequest, pk: int) -> Mentorship:
    # Not mentorships_visible_to: a coordinator who is also a participant must not run their own pair.
    programs = coordinated_programs(request.user)
    qs = Mentorship.objects.select_related("cycle__program", "mentor", "mentee")
    return get_object_or_404(qs.filter(cycle__program__in=programs), pk=pk)


def help_request_for(request: HttpRequest, pk: int) -> HelpRequest:
    programs = coordinated_programs(request.user)
    qs = HelpRequest.objects.select_related("mentorship__cycle__program", "mentorship__mentor", "mentorship__mentee")
    return get_object_or_404(qs.filter(mentorship__cycle__program__in=programs), pk=pk)


def flag_for(request: HttpRequest, pk: int) -> PairFlag:
    programs = coordinated_programs(request.user)
    qs = PairFlag.objects.select_related("mentorship__cycle__program", "mentorship__mentor", "mentorship__mentee")
    return get_object_or_404(qs.filter(mentorship__cycle__program__in=programs), pk=pk)
