"""One access matrix over every URL pattern of the project, tried as eight roles, by GET and POST.

How to read a row: ``row("programs:mentorship-detail", pair, "L2422444")`` says: the URL named
``programs:mentorship-detail`` with the scenario's pair as ``pk`` gives, for the roles in
``access_scenario.ROLES`` order (anonymous, owner E, another participant O, partner M,
coordinator of program A, coordinator of program B, HR analyst, Django staff):

    2 = 200                      L = 302 to the sign-in page      A = 302 to the admin sign-in page
    3 = 403                      4 = 404                          5 = 405 (wrong method)
    N = 302 to "no employee record" (a login without a Person on a page about "me")
    R = 302 elsewhere (a page that sends you on, e.g. to your own home)
    G = 410 (a used or invalid link, with a page that says why)   B = 400 (form errors)
    U = 401 (allauth's page for a failed single sign-on)

Every cell is tried by GET; a refused GET must write nothing, and a page answered with 200 must
not show the pair's private words to someone outside the pair. Every cell whose GET is a denial
(L A 3 4 N G, or 5 on a POST-only URL) is tried by POST too: the POST must be denied as well and
leave every row of every table unchanged. POST-only URLs carry a second string, ``post=``,
checked cell by cell.

A URL pattern without a row fails ``test_every_url_pattern_has_an_entry``: add a row here (or,
for the admin site, it is covered by the admin rule below). docs/security.md explains the rules.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import include, path, reverse

from profiles.models import DevelopmentGoal
from tests.access_scenario import (
    DENIALS,
    MISSING_ID,
    ROLES,
    Pattern,
    Scenario,
    all_patterns,
    build_scenario,
    fingerprint,
    fingerprinted_tables,
    outcome,
    private_texts,
    write_count,
)

# The marker tells pytest-django to create the test database before the module's scenario needs it.
pytestmark = pytest.mark.django_db

Kwargs = Callable[[Scenario], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    name: str  # URL name, or the route of an unnamed pattern
    kwargs: Kwargs | None
    get: str | Callable[[Scenario], str]  # a callable when the outcome depends on the data (admin history)
    post: str | None = None  # POST-only URLs: the POST outcome per role
    data: dict[str, Any] = field(default_factory=dict)
    label: str = ""  # tells apart two rows for the same URL (a valid and an invalid token)
    route: str | None = None  # unnamed patterns are requested by their route, kwargs filled in
    roles: frozenset[int] = frozenset(range(len(ROLES)))  # the columns tried (all but on the admin)
    admin: bool = False

    def expected(self, s: Scenario) -> str:
        return self.get(s) if callable(self.get) else self.get

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label}]" if self.label else self.name

    def url(self, s: Scenario) -> str:
        kwargs = self.kwargs(s) if self.kwargs else {}
        if self.route is None:
            return reverse(self.name, kwargs=kwargs)
        path = self.route.replace("(?P<url>.*)$", str(kwargs.get("url", "")))
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), path)


def row(name: str, kwargs: Kwargs | None, get: str, **extra: Any) -> Row:
    assert len(get) == len(ROLES), f"{name}: {get!r} needs one code per role"
    assert extra.get("post") is None or len(extra["post"]) == len(ROLES), name
    return Row(name, kwargs, get, **extra)


# Kwargs builders, named for what they point at.
def pair(s: Scenario) -> dict[str, Any]:
    return {"pk": s.pair.pk}


def program(s: Scenario) -> dict[str, Any]:
    return {"slug": s.program.slug}


def cycle(s: Scenario) -> dict[str, Any]:
    return {"pk": s.cycle.pk}


def event(s: Scenario) -> dict[str, Any]:
    return {"pk": s.event.pk}


def community(s: Scenario) -> dict[str, Any]:
    return {"slug": s.community.slug}


def goal(s: Scenario) -> dict[str, Any]:
    return {"pk": s.goal.pk}


def meeting_request(s: Scenario) -> dict[str, Any]:
    return {"pk": s.pair.pk, "request_pk": s.meeting_request.pk}


def run(s: Scenario) -> dict[str, Any]:
    return {"pk": s.run.pk}


def survey(s: Scenario) -> dict[str, Any]:
    return {"pk": s.survey.pk}


def template(s: Scenario) -> dict[str, Any]:
    return {"pk": s.template.pk}


def roster(s: Scenario) -> dict[str, Any]:
    return {"pk": s.roster_import.pk}


# The two shapes most coordinator pages share.
COORDINATOR_OF_A = "L3332433"  # an object of program A: its coordinator only; B's coordinator gets 404
ANY_COORDINATOR = "L3332233"  # no program object in the URL: every coordinator

ROWS: list[Row] = [
    #                                           anon owner other partner coord coord_b hr staff
    # --- Project pages ----------------------------------------------------------------------
    row("home", None, "LRRRRRRN"),
    row("home-switch", None, "L5555555", post="LRRRRRRR"),
    row("homes:coordinator", None, ANY_COORDINATOR),
    row("health", None, "22222222"),
    # --- allauth ------------------------------------------------------------------------------
    row("account_login", None, "2RRRRRRR"),
    row("account_logout", None, "L2222222"),
    row("account_inactive", None, "22222222"),
    row("account_signup", None, "2RRRRRRR"),
    row("account_reauthenticate", None, "L2222222"),
    row("account_email", None, "L2222222"),
    row("account_email_verification_sent", None, "22222222"),
    row("account_change_password", None, "L2222222"),
    row("account_set_password", None, "LRRRRRRR"),
    row("account_reset_password", None, "22222222"),
    row("account_confirm_login_code", None, "LRRRRRRR"),
    row("account_confirm_email", lambda s: {"key": "not-a-real-key"}, "22222222"),
    row("account_reset_password_from_key_done", None, "22222222"),
    row("account_reset_password_from_key", lambda s: {"uidb36": "zz", "key": "not-a-real-key"}, "22222222"),
    row("account_reset_password_done", None, "22222222"),
    row("socialaccount_login_cancelled", None, "22222222"),
    row("socialaccount_login_error", None, "UUUUUUUU"),
    row("socialaccount_signup", None, "LLLLLLLL"),
    row("socialaccount_connections", None, "L2222222"),
    row("accounts/social/login/cancelled/", None, "RRRRRRRR", route="accounts/social/login/cancelled/"),
    row("accounts/social/login/error/", None, "RRRRRRRR", route="accounts/social/login/error/"),
    row("accounts/social/signup/", None, "RRRRRRRR", route="accounts/social/signup/"),
    row("accounts/social/connections/", None, "RRRRRRRR", route="accounts/social/connections/"),
    # --- accounts -----------------------------------------------------------------------------
    row("profiles:invite", None, ANY_COORDINATOR),
    row("accounts:invitation-accept", lambda s: {"token": s.account_invitation_token}, "22222222", label="valid"),
    row("accounts:invitation-accept", lambda s: {"token": "not-a-real-token"}, "GGGGGGGG", label="bad"),
    # --- profiles -----------------------------------------------------------------------------
    row("profiles:no-profile", None, "L2222222"),
    row("profiles:profile-edit", None, "L222NNNN"),
    row("profiles:skills", None, "L222NNNN"),
    row("profiles:idp", None, "L222NNNN"),
    row("profiles:goal-create", None, "L222NNNN"),
    row("profiles:goal-edit", goal, "L244NNNN"),
    row("profiles:goal-delete", goal, "L244NNNN"),
    row("profiles:goal-notes", goal, "L2424444"),
    row("profiles:directory", None, "L2222233"),
    row("profiles:person-detail", lambda s: {"pk": s.mentee.pk}, "L2222233"),
    row("profiles:people", None, ANY_COORDINATOR),
    row("profiles:skill-catalogue", None, ANY_COORDINATOR),
    row("profiles:category-create", None, ANY_COORDINATOR),
    row("profiles:category-edit", lambda s: {"pk": s.category.pk}, ANY_COORDINATOR),
    row("profiles:skill-create", None, ANY_COORDINATOR),
    row("profiles:skill-edit", lambda s: {"pk": s.skill.pk}, ANY_COORDINATOR),
    row("profiles:skill-delete", lambda s: {"pk": s.skill.pk}, "L3335533", post="L333RR33"),
    # --- programs: participants ---------------------------------------------------------------
    row("programs:participant-home", None, "L2223333"),
    row("programs:apply-list", None, "L2223333"),
    row("programs:apply", lambda s: {"cycle_pk": s.cycle.pk, "role": "mentee"}, "L2223333"),
    row("programs:enrollment-withdraw", lambda s: {"pk": s.enrollment.pk}, "55555555", post="LR443333"),
    row("programs:event-list", None, "L2223333"),
    row("programs:event-detail", event, "L2422444"),
    row("programs:event-rsvp", event, "55555555", post="LR4R3444"),
    row("programs:mentorship-detail", pair, "L2422444"),
    row("programs:mentorship-private-notes", pair, "LR4R2444"),
    row("programs:agreement-edit", pair, "L2423444"),
    row("programs:agreement-confirm", pair, "55555555", post="LR4R3444"),
    row("programs:meeting-schedule", pair, "L3423444"),
    row("programs:meeting-record", pair, "L3423444"),
    row("programs:meeting-log", lambda s: {"pk": s.pair.pk, "meeting_pk": s.meeting.pk}, "L3423444"),
    row("programs:meeting-cancel", lambda s: {"pk": s.pair.pk, "meeting_pk": s.meeting.pk}, "55555555", post="L34R3444"),
    row("programs:goal-note-add", lambda s: {"pk": s.pair.pk, "goal_pk": s.goal.pk}, "L2423444"),
    row("programs:pair-help", pair, "L2423444"),
    row("programs:meeting-propose", pair, "L2433444"),
    row("programs:meeting-request-accept", meeting_request, "55555555", post="L34R3444"),
    row("programs:meeting-request-decline", meeting_request, "55555555", post="L34R3444"),
    row("programs:meeting-request-withdraw", meeting_request, "55555555", post="LR433444"),
    # --- programs: coordinators ---------------------------------------------------------------
    row("programs:coordinator-home", None, ANY_COORDINATOR),
    row("programs:program-create", None, ANY_COORDINATOR),
    row("programs:program-edit", program, COORDINATOR_OF_A),
    row("programs:cycle-create", program, COORDINATOR_OF_A),
    row("programs:program-events", program, COORDINATOR_OF_A),
    row("programs:event-create", program, COORDINATOR_OF_A),
    row("programs:cycle-detail", cycle, COORDINATOR_OF_A),
    row("programs:cycle-edit", cycle, COORDINATOR_OF_A),
    row("programs:cycle-applications", cycle, COORDINATOR_OF_A),
    row("programs:cycle-pairs", cycle, COORDINATOR_OF_A),
    row("programs:cycle-help", cycle, COORDINATOR_OF_A),
    row("programs:pair-end", pair, COORDINATOR_OF_A),
    row("programs:pair-complete", pair, COORDINATOR_OF_A),
    row("programs:help-resolve", lambda s: {"pk": s.help_request.pk}, "55555555", post="L333R433"),
    row("programs:help-reply", lambda s: {"pk": s.help_request.pk}, "55555555", post="L333R433"),
    row("programs:flag-resolve", lambda s: {"pk": s.flag.pk}, "55555555", post="L333R433"),
    row("programs:event-edit", event, COORDINATOR_OF_A),
    row("programs:event-cancel", event, COORDINATOR_OF_A),
    row("programs:event-rsvps", event, COORDINATOR_OF_A),
    # --- matching -----------------------------------------------------------------------------
    row("matching:index", None, ANY_COORDINATOR),
    row("matching:cycle", cycle, COORDINATOR_OF_A),
    row("matching:settings", cycle, COORDINATOR_OF_A),
    row("matching:ban-create", cycle, "L3335533", post="L333B433"),
    row("matching:ban-delete", lambda s: {"pk": s.ban.pk}, "L3335533", post="L333R433"),
    row("matching:run-start", cycle, "L3335533", post="L333R433"),
    row("matching:coverage", cycle, COORDINATOR_OF_A),
    row("matching:compare", cycle, COORDINATOR_OF_A),
    row("matching:rematch", pair, "L3335533", post="L333R433"),
    row("matching:run-detail", run, COORDINATOR_OF_A),
    row("matching:run-status", run, COORDINATOR_OF_A),
    row("matching:run-audit", run, COORDINATOR_OF_A),
    row("matching:run-audit-export", lambda s: {"pk": s.run.pk, "fmt": "csv"}, COORDINATOR_OF_A, label="csv"),
    row("matching:run-audit-export", lambda s: {"pk": s.run.pk, "fmt": "xlsx"}, COORDINATOR_OF_A, label="xlsx"),
    row("matching:proposal-lock", lambda s: {"pk": s.run.pk, "proposal_pk": s.proposal.pk}, "L3335533", post="L333R433"),
    row("matching:proposal-reject", lambda s: {"pk": s.run.pk, "proposal_pk": s.proposal.pk}, "L3335533", post="L333R433"),
    row("matching:seat-lock", lambda s: {"pk": s.run.pk, "seat_pk": s.seat.pk}, "L3335533", post="L333R433"),
    row("matching:seat-reject", lambda s: {"pk": s.run.pk, "seat_pk": s.seat.pk}, "L3335533", post="L333R433"),
    row("matching:run-swap", run, "L3335533", post="L333B433"),
    row("matching:run-add", run, "L3335533", post="L333B433"),
    row("matching:run-rerun", run, "L3335533", post="L333R433"),
    row("matching:run-publish", run, COORDINATOR_OF_A),
    row("matching:choice-list", None, "LR222222"),
    row("matching:choice", lambda s: {"cycle_pk": s.cycle.pk}, "L2444444"),
    row("matching:requests", None, "L2224444"),
    row("matching:request-decide", lambda s: {"pk": s.choice.pk}, "L5555555", post="L44R4444"),
    # --- surveys ------------------------------------------------------------------------------
    row("surveys:my-surveys", None, "L2222222"),
    row("surveys:answer-mine", lambda s: {"pk": s.invitation.pk}, "L2444444"),
    row("surveys:answer-token", lambda s: {"token": s.survey_token}, "22333333", label="valid"),
    row("surveys:answer-token", lambda s: {"token": "not-a-real-token"}, "44444444", label="bad"),
    row("surveys:answer-thanks", None, "22222222"),
    row("surveys:index", None, ANY_COORDINATOR),
    row("surveys:cycle-surveys", lambda s: {"cycle_pk": s.cycle.pk}, COORDINATOR_OF_A),
    row("surveys:template-list", None, ANY_COORDINATOR),
    row("surveys:template-create", None, ANY_COORDINATOR),
    row("surveys:template-detail", template, COORDINATOR_OF_A),
    row("surveys:template-edit", template, COORDINATOR_OF_A),
    # The shared starter set: every coordinator reads and uses it; nobody edits it (404, as for an
    # object that is not yours), and a POST that would add a question to it changes nothing.
    row("surveys:template-detail", lambda s: {"pk": s.shared_template.pk}, ANY_COORDINATOR, label="shared",
        post="L3334433", data={"kind": "text", "text": "Matrix question", "required": "on"}),
    row("surveys:template-edit", lambda s: {"pk": s.shared_template.pk}, "L3334433", label="shared"),
    row("surveys:question-edit", lambda s: {"pk": s.shared_question.pk}, "L3334433", label="shared"),
    row("surveys:question-delete", lambda s: {"pk": s.shared_question.pk}, "L3335533", label="shared",
        post="L3334433"),
    row("surveys:template-duplicate", template, "L3335533", post="L333R433"),
    row("surveys:survey-create", lambda s: {"template_pk": s.template.pk}, COORDINATOR_OF_A),
    row("surveys:question-edit", lambda s: {"pk": s.template_question.pk}, COORDINATOR_OF_A),
    row("surveys:question-delete", lambda s: {"pk": s.template_question.pk}, "L3335533", post="L333R433"),
    row("surveys:question-move", lambda s: {"pk": s.template_question.pk}, "L3335533", post="L333R433"),
    row("surveys:survey-detail", survey, COORDINATOR_OF_A),
    row("surveys:survey-edit", survey, COORDINATOR_OF_A),
    row("surveys:survey-open", survey, "L3335533", post="L333R433"),
    row("surveys:survey-results", survey, COORDINATOR_OF_A),
    row("surveys:survey-export", lambda s: {"pk": s.survey.pk, "fmt": "csv"}, COORDINATOR_OF_A),
    # --- reports ------------------------------------------------------------------------------
    row("reports:index", None, "L3332223"),
    row("reports:dashboard", None, ANY_COORDINATOR),
    row("reports:retention", None, "L3332223"),
    row("reports:knowledge", None, "L3333323"),
    row("reports:outcomes", None, "L3332223"),
    row("reports:export", lambda s: {"report": "retention", "fmt": "csv"}, "L3332223"),
    row("reports:export", lambda s: {"report": "retention-people", "fmt": "csv"}, "L3333323", label="hr-only"),
    row("reports:export-download", lambda s: {"token": s.export_file.token}, "L4444424"),
    row("reports:export-status", lambda s: {"token": s.export_file.token}, "L4444424"),
    row("reports:export-status-json", lambda s: {"token": s.export_file.token}, "L4444424"),
    row("reports:roster-upload", None, "L3333323"),
    row("reports:roster-preview", roster, "L3333323"),
    row("reports:roster-status", roster, "L3333323"),
    row("reports:roster-apply", roster, "L3333353", post="L33333R3"),
    row("reports:roster-discard", roster, "L3333353", post="L33333R3"),
    # --- notifications, audit, privacy --------------------------------------------------------
    row("notifications:unsubscribe", lambda s: {"token": s.unsubscribe_token}, "22222222", label="valid"),
    row("notifications:unsubscribe", lambda s: {"token": "not-a-real-token"}, "44444444", label="bad"),
    # The feed's address is its own key: any session, or none, reads it; a wrong one is a 404.
    row("calendars:feed", lambda s: {"token": s.calendar_token}, "22222222", label="valid"),
    row("calendars:feed", lambda s: {"token": "not-a-real-token"}, "44444444", label="bad"),
    row("calendars:settings", None, "L222NNNN"),
    row("calendars:issue", None, "L555NNNN", post="L222NNNN"),
    row("calendars:revoke", None, "L555NNNN", post="LRRRNNNN"),
    # The library: a program's participants and coordinators; everyone else as if it did not exist.
    # Flash conversations: the two people only; volumes for coordinators and HR.
    row("flash:mine", None, "L222NNNN"),
    row("flash:ask", lambda s: {"pk": s.mentor.pk}, "L224NNNN"),
    row("flash:accept", lambda s: {"pk": s.flash.pk}, "L442NNNN"),
    row("flash:decline", lambda s: {"pk": s.flash.pk}, "L555NNNN", post="L44RNNNN"),
    row("flash:withdraw", lambda s: {"pk": s.flash.pk}, "L555NNNN", post="LR44NNNN"),
    row("flash:feedback", lambda s: {"pk": s.flash.pk}, "L555NNNN", post="LR44NNNN"),
    row("flash:availability", None, "L222NNNN"),
    row("flash:volumes", None, "L3332223"),
    # --- Mentoring circles: members (E mentee, M mentor) and program A's coordinators; others 404 ---
    row("circles:mine", None, "L222NNNN"),
    row("circles:detail", lambda s: {"pk": s.circle.pk}, "L2422444"),
    row("circles:agreement", lambda s: {"pk": s.circle.pk}, "L5555555", post="L34RR444"),
    row("circles:session-new", lambda s: {"pk": s.circle.pk}, "L3422444"),
    row("circles:note-add", lambda s: {"pk": s.circle.pk}, "L5555555", post="L2423444"),
    row("circles:apply", lambda s: {"pk": s.circle.pk}, "L555NNNN", post="L444NNNN"),
    row("circles:edit", lambda s: {"pk": s.circle.pk}, COORDINATOR_OF_A),
    row("circles:end", lambda s: {"pk": s.circle.pk}, "L3335533", post="L333R433"),
    row("circles:member-add", lambda s: {"pk": s.circle.pk}, "L3335533", post="L333R433"),
    row("circles:member-remove", lambda s: {"pk": s.circle_member.pk}, "L3335533", post="L333R433"),
    row("circles:session-edit", lambda s: {"pk": s.circle_session.pk}, "L3422444"),
    row("circles:session-cancel", lambda s: {"pk": s.circle_session.pk}, "L5555555", post="L34RR444"),
    row("circles:session-attendance", lambda s: {"pk": s.circle_session.pk}, "L3423444"),
    row("circles:application-withdraw", lambda s: {"pk": s.circle_application.pk}, "L555NNNN", post="L444NNNN"),
    row("circles:application-place", lambda s: {"pk": s.circle_application.pk}, "L3335533", post="L333R433"),
    row("circles:cycle", lambda s: {"cycle_pk": s.cycle.pk}, COORDINATOR_OF_A),
    row("circles:new", lambda s: {"cycle_pk": s.cycle.pk}, COORDINATOR_OF_A),
    row("circles:cycle-export", lambda s: {"cycle_pk": s.cycle.pk, "fmt": "csv"}, COORDINATOR_OF_A),
    row("resources:library", None, "L2222222"),
    row("resources:open", lambda s: {"pk": s.resource.pk}, "LR4RR444"),
    row("resources:manage", None, ANY_COORDINATOR),
    row("resources:create", None, ANY_COORDINATOR),
    row("resources:edit", lambda s: {"pk": s.resource.pk}, "L3332433"),
    row("resources:delete", lambda s: {"pk": s.resource.pk}, "L3335533", post="L333R433"),
    # Communities: the public one is seen by anyone signed in; the mentee leads it, the mentor is a
    # member; only a lead or program A's coordinator changes it; only members open its resources.
    # The mentors' community is for program A's mentors and coordinators only.
    row("communities:list", None, "L2222222"),
    row("communities:create", None, ANY_COORDINATOR),
    row("communities:detail", community, "L2222222"),
    row("communities:detail", lambda s: {"slug": s.mentors_community.slug}, "L4422444", label="mentors"),
    row("communities:join", community, "L555NNNN", post="LRRRNNNN"),
    row("communities:join", lambda s: {"slug": s.mentors_community.slug}, "L555NNNN", post="L44RNNNN",
        label="mentors"),
    row("communities:leave", community, "L555NNNN", post="LRRRNNNN"),
    row("communities:edit", community, "L2332333"),
    row("communities:role", community, "L5555555", post="LR33R333"),
    row("communities:event-create", community, "L2332333"),
    row("communities:resource-add", community, "L5555555", post="LR33R333"),
    row("communities:resource-open", lambda s: {"slug": s.community.slug, "pk": s.resource.pk}, "LR3RR333"),
    row("communities:resource-remove", lambda s: {"slug": s.community.slug, "pk": s.resource.pk}, "L5555555",
        post="LR33R333"),
    # Speed rounds: program A's coordinator runs them; the two seated see their own timetable.
    row("speedrounds:schedule", event, COORDINATOR_OF_A),
    row("speedrounds:print", event, COORDINATOR_OF_A),
    row("speedrounds:mine", event, "L242NNNN"),
    row("notifications:failed", None, ANY_COORDINATOR),
    row("audit:log", None, "L3332223"),
    row("privacy:my-data", None, "L2224444"),
    row("privacy:person-remove", lambda s: {"pk": s.mentee.pk}, COORDINATOR_OF_A),
    row("privacy:removed", None, ANY_COORDINATOR),
]


# --- The admin site: one rule for every pattern under admin/ -----------------------------------
# Nobody but staff gets past the admin's own sign-in (anonymous and every non-staff role: A).
# Staff S has is_staff and no model permission: the index and its own password pages answer, every
# model page refuses (403), an app with no visible model is not there (404).
ADMIN_STAFF_OUTCOME = {
    "admin:index": "2",
    "admin:login": "R",  # already signed in: sent on to the index
    "admin:password_change": "2",
    "admin:password_change_done": "2",
    "admin:jsi18n": "2",
    "admin:autocomplete": "3",
    "admin:view_on_site": "R",
    "admin:app_list": "4",
}
# The sign-in page answers everyone; logging out sends a non-staff session to the index (which then
# asks for a staff sign-in) and is POST-only for staff.
ADMIN_PUBLIC = {"admin:login": "2222222R", "admin:logout": "RRRRRRR5"}


def admin_rows() -> list[Row]:
    rows = []
    for pattern in all_patterns():
        if not pattern.route.startswith("admin/") or pattern.shadowed:
            continue
        rows.append(admin_row(pattern))
    return rows


def admin_row(pattern: Pattern) -> Row:
    model_admin = getattr(pattern.callback, "model_admin", None)
    model = model_admin.model if model_admin else None
    name = pattern.name or pattern.route
    if name in ADMIN_PUBLIC:
        get = ADMIN_PUBLIC[name]
    elif name in ADMIN_STAFF_OUTCOME:
        get = "AAAAAAA" + ADMIN_STAFF_OUTCOME[name]
    elif pattern.name is None and model is not None:
        get = "AAAAAAAR"  # <id>/ is kept as a redirect to <id>/change/
    elif pattern.name is None:
        get = "AAAAAAA4"  # the catch-all: an unknown admin address
    elif name.endswith("_history"):
        # Django looks the object up before checking permissions: a missing one sends staff back to the index.
        def get(s: Scenario, p: Pattern = pattern, m: Any = model) -> str:
            exists = m._default_manager.filter(pk=admin_kwargs(p, m, s)["object_id"]).exists()
            return "AAAAAAA3" if exists else "AAAAAAAR"
    else:
        get = "AAAAAAA3"  # a model page: changelist, add, change, delete, password
    # Every non-staff role is turned away by the same first check of the admin (is_staff), so to stay
    # fast all eight roles are tried on one page per model (its change page) and on the site-wide
    # pages, and anonymous and staff (the two answers that differ) on every other pattern.
    representative = model is None or name.endswith("_change")
    roles = frozenset(range(len(ROLES))) if representative else ADMIN_EVERY_PATTERN_ROLES
    return Row(
        name, lambda s, p=pattern, m=model: admin_kwargs(p, m, s), get,
        route=None if pattern.name else pattern.route, roles=roles, admin=True,
    )


ADMIN_EVERY_PATTERN_ROLES = frozenset(ROLES.index(role) for role in ("anon", "staff"))


def admin_kwargs(pattern: Pattern, model: Any, s: Scenario) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType

    kwargs: dict[str, Any] = {}
    route = pattern.route
    if "object_id" in route or "<id>" in route:
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first() if model else s.program.pk
        kwargs["object_id" if "object_id" in route else "id"] = pk if pk is not None else MISSING_ID
    if "content_type_id" in route:
        kwargs["content_type_id"] = ContentType.objects.get_for_model(type(s.program)).pk
    if "app_label" in route:
        kwargs["app_label"] = "programs"
    if "(?P<url>" in route:
        kwargs["url"] = "no-such-page/"
    return kwargs


# ----------------------------------------------------------------------------------------------
# Fixtures: the scenario is built once for the module; every test runs in a savepoint of it.


@pytest.fixture(scope="module")
def scenario(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    from django.db import connection

    if connection.vendor != "postgresql":
        # The fingerprint reads PostgreSQL's write counters and hashes rows with string_agg.
        message = f"The access matrix needs PostgreSQL (DATABASE_URL points at {connection.vendor})."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    media_root = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=str(media_root)
    ):
        with transaction.atomic():
            built = build_scenario(media_root)
            built.cookies = {role: dict(client.cookies.items()) for role, client in built.clients.items()}
            built.tables = fingerprinted_tables()
            yield built
            transaction.set_rollback(True)


@pytest.fixture
def world(scenario: Scenario, db: None) -> Scenario:
    # `db` wraps each test in a savepoint of the module's transaction: tests cannot leak into each other.
    return scenario


def request(s: Scenario, role: str, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    client = s.clients[role]
    # Each request starts from the role's own session, even after a logout response cleared it.
    client.cookies = SimpleCookie()
    for key, morsel in s.cookies[role].items():
        client.cookies[key] = morsel.value
    if method == "GET":
        return client.get(url)
    return client.post(url, data or {})


def send_and_compare(
    s: Scenario, role: str, url: str, data: dict[str, Any] | None = None, method: str = "POST"
) -> tuple[str, list[str]]:
    """Send as the role inside a savepoint; the outcome and the tables whose rows it changed, then undo it."""
    writes = write_count(s.tables)
    savepoint = transaction.savepoint()
    got = outcome(request(s, role, method, url, data))
    changed: list[str] = []
    if write_count(s.tables) != writes:
        after = fingerprint(s.tables)
        transaction.savepoint_rollback(savepoint)
        before = fingerprint(s.tables)
        changed = sorted(table for table in s.tables if before[table] != after[table])
    else:
        transaction.savepoint_rollback(savepoint)
    return got, changed


# Roles that never read the pair's private words, and the pages where someone who may not read them
# still does (known, see docs/security.md): the audit log repeats the reason typed for a ban.
OUTSIDERS = frozenset({"anon", "other", "coord_b", "hr", "staff"})
KNOWN_EXPOSURES: dict[str, set[str]] = {}


def leaked(s: Scenario, role: str, entry: Row, response: Any) -> list[str]:
    """The private texts of the pair that a page answered with 200 shows to a role that may not read them."""
    texts = dict(zip(PRIVATE_TEXT_NAMES, private_texts(s), strict=True))
    if role in OUTSIDERS:
        names = set(texts) - KNOWN_EXPOSURES.get(entry.id, set())
    elif role == "coord" and entry.name != "programs:mentorship-private-notes":
        names = {"meeting notes", "circle note"}  # meeting notes only on the audited page; circle notes never
    else:
        return []
    body = b"".join(response.streaming_content) if response.streaming else response.content
    page = body.decode(errors="replace")
    return [texts[name] for name in sorted(names) if texts[name] in page]


PRIVATE_TEXT_NAMES = (
    "meeting notes", "progress note", "help request", "agreement", "ban reason", "flag detail", "end reason",
    "help resolution", "help reply", "meeting proposal note", "circle note",
)


def check_row(s: Scenario, entry: Row) -> list[str]:
    url = entry.url(s)
    expected_get = entry.expected(s)
    problems: list[str] = []
    for index, role in enumerate(ROLES):
        if index not in entry.roles:
            continue
        if expected_get[index] in DENIALS and not entry.admin:
            # A refused GET must not write either (the admin is Django's own and left out for speed).
            got, changed = send_and_compare(s, role, url, method="GET")
            if changed:
                problems.append(f"GET  {role:8} was refused ({got}) but changed {', '.join(changed)}")
        else:
            response = request(s, role, "GET", url)
            got = outcome(response)
            if got == "2" and not entry.admin:
                problems += [f"GET  {role:8} shows {text!r}" for text in leaked(s, role, entry, response)]
        if got != expected_get[index]:
            problems.append(f"GET  {role:8} expected {expected_get[index]} got {got}")
        expected_post = entry.post[index] if entry.post else None
        refused = expected_get[index] in DENIALS - {"5"} or (expected_post is not None and expected_post in DENIALS)
        if not refused and expected_post is None:
            continue
        got, changed = send_and_compare(s, role, url, entry.data or DEFAULT_POST)
        if refused and changed:
            problems.append(f"POST {role:8} was refused ({got}) but changed {', '.join(changed)}")
        if expected_post is not None and got != expected_post:
            problems.append(f"POST {role:8} expected {expected_post} got {got}")
        elif expected_post is None and got not in DENIALS:
            problems.append(f"POST {role:8} expected a refusal like the GET ({expected_get[index]}) got {got}")
    return [f"{entry.id} {url}: {p}" for p in problems]


# A form payload with a plausible value for the fields the project's forms use, so that a view
# which forgot its access check would act on it, not stop at an invalid form.
DEFAULT_POST: dict[str, Any] = {
    "text": "Matrix note",
    "message": "Matrix message",
    "reason": "Matrix reason",
    "resolution": "Matrix resolution",
    "confirm": "on",
    "decision": "accept",
    "note": "ok",
    "response": "going",
    "guests": "0",
    "kind": "help",
    "cadence": "weekly",
    "meeting_format": "video",
    "expectations": "Matrix expectations",
    "duration_minutes": "30",
    "scheduled_at": "2031-01-01T10:00",
    "held_at": "2020-01-01T10:00",
    "private_notes": "Matrix private",
    "name": "Matrix name",
    "title": "Matrix title",
    "description": "Matrix description",
    "first_name": "Matrix",
    "last_name": "Person",
    "email": "matrix@example.gov",
    "emails": "matrix@example.gov",
    "direction": "up",
    "motivation": "Matrix motivation",
    "capacity": "1",
    "action": "submit",
    "valid_rows_only": "on",
}


MATRIX: list[Row] = ROWS + admin_rows()


@pytest.mark.parametrize("entry", MATRIX, ids=lambda e: e.id)
def test_access(world: Scenario, entry: Row) -> None:
    problems = check_row(world, entry)
    assert not problems, "\n".join(problems)


def coverage_problems() -> list[str]:
    """What keeps the matrix from covering the URL configuration, in words a developer can act on."""
    # A pattern shadowed by an earlier one with the same route (our page in place of allauth's)
    # is never reached, so it needs no row; the one that answers has it.
    patterns = [p for p in all_patterns() if not p.shadowed]
    keys = [p.key for p in patterns]
    problems = []
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated:
        problems.append(f"Two URL patterns share a name, so only one of them can be reversed and tried: {duplicated}")
    listed = {entry.name for entry in ROWS}
    missing = [p.key for p in patterns if not p.route.startswith("admin/") and p.key not in listed]
    if missing:
        problems.append(
            "URL patterns with no entry in the access matrix; add each to ROWS in tests/test_access_matrix.py "
            "with the outcome for every role (see docs/security.md): " + ", ".join(missing)
        )
    stale = sorted(listed - set(keys))
    if stale:
        problems.append(f"Matrix rows for URLs that no longer exist: {stale}")
    return problems


def test_every_url_pattern_has_an_entry() -> None:
    problems = coverage_problems()
    assert not problems, "\n".join(problems)


# A URL configuration with one page more than the project's, to show the check above notices it.
urlpatterns = [path("an-unlisted-page/", lambda request: None, name="an-unlisted-page"), path("", include(settings.ROOT_URLCONF))]


def test_a_new_url_without_an_entry_fails_the_suite() -> None:
    with override_settings(ROOT_URLCONF=__name__):
        problems = coverage_problems()
    assert len(problems) == 1 and "an-unlisted-page" in problems[0] and "add each to ROWS" in problems[0]


def test_the_matrix_covers_every_admin_pattern() -> None:
    admin_keys = [p.key for p in all_patterns() if p.route.startswith("admin/") and not p.shadowed]
    assert sorted(entry.name for entry in admin_rows()) == sorted(admin_keys)
    assert len(admin_keys) > 100  # every registered model brings its own pages; a broken walk finds few


def test_a_post_that_changes_a_row_is_noticed(world: Scenario) -> None:
    # The owner may delete her goal: the comparison the matrix relies on must see that change.
    url = reverse("profiles:goal-delete", args=[world.goal.pk])
    got, changed = send_and_compare(world, "owner", url, {})
    assert got == "R"
    assert "profiles_developmentgoal" in changed
    assert DevelopmentGoal.objects.filter(pk=world.goal.pk).exists()  # and the savepoint undid it


# --- Walking ids ------------------------------------------------------------------------------
# Someone who guesses the id of another person's object gets exactly what a made-up id gets:
# 404 with the same page, so the guess confirms nothing. Participants walk the participant URLs;
# coordinator B walks program A's coordinator URLs (a participant is stopped by the role check
# there, with the same 403 whatever the id: also checked).


@dataclass(frozen=True)
class Walk:
    name: str
    kwargs: Callable[[Scenario, int | None], dict[str, Any]]  # None: the real object's id
    walker: str
    method: str = "GET"
    status: int = 404


def _with(key: str, real: Callable[[Scenario], int], **fixed: Callable[[Scenario], Any]) -> Callable:
    def build(s: Scenario, fake: int | None) -> dict[str, Any]:
        kwargs = {name: value(s) for name, value in fixed.items()}
        kwargs[key] = real(s) if fake is None else fake
        return kwargs

    return build


def _pair_pk(s: Scenario) -> int:
    return s.pair.pk


WALKS = [
    Walk("programs:mentorship-detail", _with("pk", _pair_pk), "other"),
    Walk("programs:mentorship-private-notes", _with("pk", _pair_pk), "other"),
    Walk("programs:agreement-edit", _with("pk", _pair_pk), "other"),
    Walk("programs:agreement-confirm", _with("pk", _pair_pk), "other", "POST"),
    Walk("programs:pair-help", _with("pk", _pair_pk), "other"),
    Walk("programs:meeting-schedule", _with("pk", _pair_pk), "other"),
    Walk("programs:meeting-log", _with("pk", _pair_pk, meeting_pk=lambda s: s.meeting.pk), "other"),
    # The mentor, on her own pair's pages, tries a meeting of another pair and a goal of someone else.
    Walk("programs:meeting-log", _with("meeting_pk", lambda s: s.other_meeting.pk, pk=_pair_pk), "partner"),
    Walk("programs:meeting-cancel", _with("meeting_pk", lambda s: s.other_meeting.pk, pk=_pair_pk), "partner", "POST"),
    Walk("programs:meeting-cancel", _with("pk", _pair_pk, meeting_pk=lambda s: s.meeting.pk), "other", "POST"),
    Walk("programs:goal-note-add", _with("pk", _pair_pk, goal_pk=lambda s: s.goal.pk), "other"),
    Walk("programs:goal-note-add", _with("goal_pk", lambda s: s.other_goal.pk, pk=_pair_pk), "partner"),
    Walk("programs:event-detail", _with("pk", lambda s: s.event.pk), "other"),
    Walk("programs:event-rsvp", _with("pk", lambda s: s.event.pk), "other", "POST"),
    Walk("programs:enrollment-withdraw", _with("pk", lambda s: s.enrollment.pk), "other", "POST"),
    Walk("profiles:goal-edit", _with("pk", lambda s: s.goal.pk), "other"),
    Walk("profiles:goal-delete", _with("pk", lambda s: s.goal.pk), "other", "POST"),
    Walk("profiles:goal-notes", _with("pk", lambda s: s.goal.pk), "other"),
    Walk("profiles:goal-notes", _with("pk", lambda s: s.goal.pk), "other", "POST"),
    Walk("surveys:answer-mine", _with("pk", lambda s: s.invitation.pk), "other"),
    Walk("surveys:answer-mine", _with("pk", lambda s: s.used_invitation.pk), "owner"),
    Walk("matching:choice", _with("cycle_pk", lambda s: s.cycle.pk), "other"),
    Walk("matching:request-decide", _with("pk", lambda s: s.choice.pk), "other", "POST"),
    Walk("matching:run-detail", _with("pk", lambda s: s.run.pk), "coord_b"),
    Walk("matching:run-detail", _with("pk", lambda s: s.run.pk), "other", status=403),
    Walk("matching:run-status", _with("pk", lambda s: s.run.pk), "coord_b"),
    Walk("matching:run-audit", _with("pk", lambda s: s.run.pk), "coord_b"),
    Walk("matching:run-audit-export", _with("pk", lambda s: s.run.pk, fmt=lambda s: "csv"), "coord_b"),
    Walk("matching:proposal-lock", _with("pk", lambda s: s.run.pk, proposal_pk=lambda s: s.proposal.pk), "coord_b", "POST"),
    Walk("matching:proposal-reject", _with("pk", lambda s: s.run.pk, proposal_pk=lambda s: s.proposal.pk), "other", "POST", 403),
    Walk("matching:seat-lock", _with("pk", lambda s: s.run.pk, seat_pk=lambda s: s.seat.pk), "coord_b", "POST"),
    Walk("matching:ban-delete", _with("pk", lambda s: s.ban.pk), "coord_b", "POST"),
    Walk("programs:cycle-detail", _with("pk", lambda s: s.cycle.pk), "coord_b"),
    Walk("circles:detail", _with("pk", lambda s: s.circle.pk), "other"),
    Walk("circles:session-edit", _with("pk", lambda s: s.circle_session.pk), "other"),
    Walk("circles:edit", _with("pk", lambda s: s.circle.pk), "coord_b"),
    Walk("circles:member-remove", _with("pk", lambda s: s.circle_member.pk), "coord_b", "POST"),
    Walk("circles:application-withdraw", _with("pk", lambda s: s.circle_application.pk), "owner", "POST"),
    Walk("programs:pair-end", _with("pk", _pair_pk), "coord_b"),
    Walk("programs:help-resolve", _with("pk", lambda s: s.help_request.pk), "coord_b", "POST"),
    Walk("programs:flag-resolve", _with("pk", lambda s: s.flag.pk), "coord_b", "POST"),
    Walk("programs:event-rsvps", _with("pk", lambda s: s.event.pk), "coord_b"),
    Walk("surveys:survey-detail", _with("pk", lambda s: s.survey.pk), "coord_b"),
    Walk("surveys:survey-results", _with("pk", lambda s: s.survey.pk), "coord_b"),
    Walk("surveys:template-edit", _with("pk", lambda s: s.template.pk), "coord_b"),
    Walk("surveys:question-edit", _with("pk", lambda s: s.template_question.pk), "coord_b"),
    Walk("surveys:question-edit", _with("pk", lambda s: s.question.pk), "coord_b"),
    Walk("surveys:question-delete", _with("pk", lambda s: s.question.pk), "coord_b", "POST"),
    Walk("communities:detail", _with("slug", lambda s: s.mentors_community.slug), "other"),
    Walk("communities:resource-open", _with("pk", lambda s: s.resource.pk, slug=lambda s: s.mentors_community.slug),
         "partner"),
    Walk("speedrounds:schedule", _with("pk", lambda s: s.event.pk), "coord_b"),
    Walk("speedrounds:print", _with("pk", lambda s: s.event.pk), "coord_b"),
    Walk("speedrounds:mine", _with("pk", lambda s: s.event.pk), "other"),
    Walk("reports:roster-preview", _with("pk", lambda s: s.roster_import.pk), "coord", status=403),
]


def _export_token(s: Scenario, fake: int | None) -> dict[str, Any]:
    return {"token": s.export_file.token if fake is None else f"guess{fake}"}


WALKS += [
    Walk(name, _export_token, walker)
    for name in ("reports:export-download", "reports:export-status", "reports:export-status-json")
    for walker in ("other", "coord", "coord_b")
]


CSRF_VALUE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.mark.parametrize("walk", WALKS, ids=lambda w: f"{w.name}-{w.walker}-{w.method}")
def test_someone_elses_id_answers_like_a_made_up_one(world: Scenario, walk: Walk) -> None:
    def answer(fake: int | None) -> tuple[int, bytes]:
        url = reverse(walk.name, kwargs=walk.kwargs(world, fake))
        response = request(world, walk.walker, walk.method, url, DEFAULT_POST)
        # The error pages carry the site's menu, whose sign-out form holds a CSRF token that
        # Django masks afresh on every response (BREACH): random, so it says nothing of the id.
        return response.status_code, CSRF_VALUE.sub(b'name="csrfmiddlewaretoken" value=""', response.content)

    real = answer(None)
    assert real[0] == walk.status, f"{walk.walker} on someone else's {walk.name}: {real[0]}"
    for fake in (MISSING_ID, MISSING_ID + 1, 0):
        assert answer(fake) == real, f"{walk.name} with id {fake} answers differently from the real id"
