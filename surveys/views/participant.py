"""Answering: the e-mailed token link (no password), and "my surveys" for signed-in people."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from programs.selectors.access import person_of
from surveys import selectors, services
from surveys.forms import AnswerForm, draft_from_post
from surveys.models import Draft, Invitation


@login_required
def my_surveys(request: HttpRequest) -> HttpResponse:
    invitations = list(selectors.my_open_invitations(person_of(request.user)))
    return render(request, "surveys/my_surveys.html", {"invitations": invitations})


@login_required
@never_cache
def answer_mine(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request.user)
    qs = Invitation.objects.filter(person=person) if person else Invitation.objects.none()
    invitation = get_object_or_404(
        qs.select_related("survey__cycle__program", "person", "mentorship__mentor", "mentorship__mentee"), pk=pk
    )
    return _answer(request, invitation)


@never_cache
def answer_token(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return render(request, "surveys/answer_unavailable.html", {"reason": "invalid"}, status=404)
    if request.user.is_authenticated:
        person = person_of(request.user)
        if person is None or person.pk != invitation.person_id:
            # Signed in as someone else: the link was not sent to them. Say nothing about the survey.
            return render(request, "surveys/answer_unavailable.html", {"reason": "not_yours"}, status=403)
    return _answer(request, invitation)


def answer_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/answer_thanks.html")


def _answer(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    survey = invitation.survey
    if invitation.used:
        return render(request, "surveys/answer_unavailable.html", {"reason": "used", "survey": survey}, status=410)
    if not survey.is_open():
        return render(request, "surveys/answer_unavailable.html", {"reason": "closed", "survey": survey}, status=410)
    questions = list(survey.questions.all())
    is_fetch = request.headers.get("X-Requested-With") == "fetch"

    if request.method == "POST":
        typed = draft_from_post(request.POST, questions)
        try:
            if request.POST.get("action") == "save":
                services.draft_save(invitation=invitation, data=typed)
                if is_fetch:
                    return JsonResponse({"saved": True, "at": timezone.localtime().strftime("%H:%M")})
                messages.success(request, "Your answers are saved. Use the same link to finish later.")
                return redirect(request.path)
            form = AnswerForm(request.POST, questions=questions)
            if form.is_valid():
                if not services.response_submit(invitation=invitation, answers=form.answers()):
                    return render(
                        request, "surveys/answer_unavailable.html", {"reason": "used", "survey": survey}, status=410
                    )
                return redirect("surveys:answer-thanks")
            # Keep everything typed, even the invalid parts, so nothing is lost on a later visit.
            services.draft_save(invitation=invitation, data=typed)
        except services.SurveyUnavailable:
            if is_fetch:
                return JsonResponse({"saved": False, "error": "closed"}, status=410)
            return render(request, "surveys/answer_unavailable.html", {"reason": "closed", "survey": survey}, status=410)
    else:
        draft = Draft.objects.filter(invitation=invitation).first()
        form = AnswerForm(initial=draft.data if draft else None, questions=questions)

    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "invitation": invitation,
            "form": form,
            "questions": form.bound_questions(),
            "has_errors": form.is_bound and bool(form.errors),
        },
    )
