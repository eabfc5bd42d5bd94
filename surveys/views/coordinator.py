"""Coordinator pages: templates and their builder, surveys per cycle, opening, results, exports."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.roles import coordinator_required
from common.listing import Sort, listing
from programs.selectors.access import coordinated_cycles, coordinated_events, coordinated_programs
from surveys import selectors, services
from surveys.exports import ResponsesExport
from surveys.forms import QuestionForm, SurveyForm, TemplateForm
from surveys.models import Survey
from surveys.services.building import questions_locked
from surveys.views._access import question_for_coordinator, survey_for_coordinator, template_for_coordinator


class ProgramChoiceForm(forms.Form):
    program = forms.ModelChoiceField(queryset=None, help_text="The program that will own the copy.")

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = coordinated_programs(user).order_by("name")


class TemplateCreateForm(TemplateForm):
    program = forms.ModelChoiceField(queryset=None)

    class Meta(TemplateForm.Meta):
        fields = ["program", *TemplateForm.Meta.fields]

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = coordinated_programs(user).order_by("name")


# --- Surveys per cycle -------------------------------------------------------------------


@coordinator_required
def survey_index(request: HttpRequest) -> HttpResponse:
    surveys = list(selectors.coordinator_surveys(request.user))
    return render(request, "surveys/survey_index.html", {"surveys": surveys, "cycle": None})


@coordinator_required
def cycle_surveys(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_object_or_404(coordinated_cycles(request.user).select_related("program"), pk=cycle_pk)
    surveys = list(selectors.coordinator_surveys(request.user, cycle_id=cycle.pk))
    return render(request, "surveys/survey_index.html", {"surveys": surveys, "cycle": cycle})


# --- Templates and the builder ---------------------------------------------------------------


@coordinator_required
def template_list(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/template_list.html", {"templates": list(selectors.visible_templates(request.user))})


@coordinator_required
def template_create(request: HttpRequest) -> HttpResponse:
    form = TemplateCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        template = services.template_create(
            by=request.user,
            program=data["program"],
            name=data["name"],
            description=data["description"],
            anonymous=data["anonymous"],
            audience=data["audience"],
        )
        messages.success(request, "Template created. Add its questions below.")
        return redirect(template)
    return render(request, "surveys/form_page.html", {"form": form, "title": "New survey template"})


@coordinator_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = template_for_coordinator(request, pk)
    editable = template.program_id is not None and coordinated_programs(request.user).filter(
        pk=template.program_id
    ).exists()
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            services.question_add(owner=template, by=request.user, **form.service_fields())
            messages.success(request, "Question added.")
            return redirect(template)
    return render(
        request,
        "surveys/template_detail.html",
        {
            "template": template,
            "questions": list(template.questions.all()),
            "editable": editable,
            "form": form,
            "duplicate_form": ProgramChoiceForm(user=request.user),
        },
    )


@coordinator_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = template_for_coordinator(request, pk, edit=True)
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.template_update(template=template, by=request.user, **form.cleaned_data)
        messages.success(request, "Template saved.")
        return redirect(template)
    return render(request, "surveys/form_page.html", {"form": form, "title": f"Edit “{template.name}”", "back": template})


@coordinator_required
@require_POST
def template_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    template = template_for_coordinator(request, pk)
    form = ProgramChoiceForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "Choose one of your programs to own the copy.")
        return redirect(template)
    copy = services.template_duplicate(
        template=template, program=form.cleaned_data["program"], by=request.user, name=f"{template.name} (copy)"
    )
    messages.success(request, "Copied. This copy is yours to edit.")
    return redirect(copy)


@coordinator_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_for_coordinator(request, pk)
    owner = question.survey or question.template
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, by=request.user, **form.service_fields())
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Question saved.")
        return redirect(owner)
    locked = questions_locked(owner)
    return render(
        request,
        "surveys/form_page.html",
        {"form": form, "title": "Edit question", "back": owner, "locked": locked},
    )


@coordinator_required
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_for_coordinator(request, pk)
    owner = question.survey or question.template
    try:
        services.question_delete(question=question, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Question deleted.")
    return redirect(owner)


@coordinator_required
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_for_coordinator(request, pk)
    owner = question.survey or question.template
    try:
        services.question_move(question=question, by=request.user, up=request.POST.get("direction") == "up")
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(f"{owner.get_absolute_url()}#question-{question.pk}")


# --- Surveys ------------------------------------------------------------------------------------


def _survey_form(request: HttpRequest, **kwargs: object) -> SurveyForm:
    return SurveyForm(
        request.POST or None, cycles=coordinated_cycles(request.user), events=coordinated_events(request.user), **kwargs
    )


@coordinator_required
def survey_create(request: HttpRequest, template_pk: int) -> HttpResponse:
    template = template_for_coordinator(request, template_pk)
    initial = {"title": template.name, "description": template.description, "anonymous": template.anonymous,
               "audience": template.audience}
    if request.GET.get("cycle", "").isdigit():
        initial["cycle"] = int(request.GET["cycle"])
    form = _survey_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        survey = services.survey_create_from_template(
            template=template, cycle=form.cleaned_data["cycle"], by=request.user, **form.service_fields()
        )
        messages.success(request, f"“{survey.title}” is scheduled to open on {survey.opens_on:%B %-d, %Y}.")
        return redirect(survey)
    return render(
        request, "surveys/form_page.html", {"form": form, "title": f"Use “{template.name}” in a cycle", "back": template}
    )


@coordinator_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for_coordinator(request, pk)
    locked = questions_locked(survey)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(owner=survey, by=request.user, **form.service_fields())
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Question added.")
        return redirect(survey)
    counts = selectors.coordinator_surveys(request.user).filter(pk=survey.pk).values("invited", "responded", "waiting").first()
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "questions": list(survey.questions.all()),
            "locked": locked,
            "editable": not locked,
            "is_closed": survey.status() == Survey.Status.CLOSED,
            "form": form,
            "counts": counts,
        },
    )


@coordinator_required
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for_coordinator(request, pk)
    form = _survey_form(request, instance=survey)
    if request.method == "POST" and form.is_valid():
        services.survey_update(survey=survey, by=request.user, **form.service_fields())
        messages.success(request, "Survey saved.")
        return redirect(survey)
    return render(request, "surveys/form_page.html", {"form": form, "title": f"Edit “{survey.title}”", "back": survey})


@coordinator_required
@require_POST
def survey_open_now(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for_coordinator(request, pk)
    try:
        created = services.survey_open(survey=survey)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(survey)
    from audit.services import audit_record

    audit_record(actor=request.user, action="survey.open", target=survey, summary=f"{created} new invitations")
    if created:
        messages.success(request, f"Survey open: {created} invitation{'s' if created != 1 else ''} on the way.")
    else:
        messages.info(request, "The survey is open; everyone in its audience was already invited.")
    return redirect(survey)


@coordinator_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for_coordinator(request, pk)
    _release_if_closed(survey)
    results = selectors.survey_results(survey=survey)
    context = {"survey": survey, "results": results}
    if not survey.anonymous and not results.hidden and results.respondents:
        # Who answered what, 50 a page, searchable by name: a named survey of a big cycle would
        # otherwise be one table of thousands of rows.
        named = listing(
            request,
            selectors.named_responses(survey),
            sorts=NAMED_SORTS,
            search_fields=("person__first_name", "person__last_name", "person__email"),
        )
        context |= {"listing": named, "named": selectors.named_rows(named.items, [r.question for r in results.questions])}
    return render(request, "surveys/survey_results.html", context)


NAMED_SORTS = {
    "name": Sort("Name", ("person__last_name", "person__first_name", "pk")),
    "newest": Sort("Newest first", ("-submitted_on", "pk")),
    "oldest": Sort("Oldest first", ("submitted_on", "pk")),
}


@coordinator_required
def survey_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    survey = survey_for_coordinator(request, pk)
    _release_if_closed(survey)
    export = ResponsesExport(survey)
    if not export.allowed:
        messages.info(
            request, "Fewer than five answers to this anonymous survey are in the results, so there is nothing to export yet."
        )
        return redirect("surveys:survey-results", pk=survey.pk)
    from audit.services import audit_record

    return export.response(
        fmt, audit=lambda: audit_record(actor=request.user, action="survey.export", target=survey, summary=fmt)
    )



def _release_if_closed(survey: Survey) -> None:
    """A closed survey's last pooled answers are due: release them now rather than at beat's next run."""
    if survey.anonymous and survey.status() == Survey.Status.CLOSED:
        services.pool_release(survey_id=survey.pk)
