"""Coordinator pages: a cycle's matching (settings, bans, runs, coverage) and the review of a run.

Every view is behind coordinator_required (403 for other roles, login for anonymous) and loads
its cycle or run through matching.selectors, which 404s outside the programs the user runs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import coordinator_required
from audit.services import audit_record
from circles.services import seat_problems
from common.progress import progress_get
from matching import selectors
from matching.engine import ProblemError
from matching.exports import RunAuditExport
from matching.forms import BanForm, CompareForm, MatchSettingsForm, PairPickForm, RematchForm, SwapForm, score_scale
from matching.models import MatchBan, MatchRun, MatchSettings
from matching.selectors.audit import run_audit as audit_of
from matching.selectors.publish import publish_problems
from matching.services import review, runs
from matching.services.choice import mentee_suggestions
from matching.services.inputs import settings_for
from matching.services.rematch import mentee_rematch
from programs.models import Enrollment, HelpRequest
from programs.selectors.access import coordinated_cycles


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


@coordinator_required
def index(request: HttpRequest) -> HttpResponse:
    cycles = list(coordinated_cycles(request.user).select_related("program").order_by("-starts_on"))
    last_ids = MatchRun.objects.filter(cycle__in=cycles).values("cycle_id").annotate(last=Max("pk")).values("last")
    latest = {run.cycle_id: run for run in MatchRun.objects.filter(pk__in=last_ids)}
    rows = [(c, latest.get(c.pk)) for c in cycles]
    return render(request, "matching/index.html", {"rows": rows})


@coordinator_required
def cycle_matching(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_for_coordinator(request.user, pk)
    return _render_cycle(request, cycle)


def _render_cycle(request: HttpRequest, cycle: Any, *, ban_form: BanForm | None = None, status: int = 200) -> HttpResponse:
    run_list = list(selectors.cycle_runs(cycle))
    done = [r for r in run_list if r.status == MatchRun.Status.DONE]
    if ban_form is None:
        ban_form = BanForm(
            mentors=runs.approved_people(cycle, Enrollment.Role.MENTOR),
            mentees=runs.approved_people(cycle, Enrollment.Role.MENTEE),
        )
    compare_form = CompareForm(runs=done, initial={"a": done[1].pk, "b": done[0].pk} if len(done) > 1 else None)
    context = {
        "cycle": cycle,
        "runs": run_list,
        "counts": selectors.cycle_counts(cycle),
        "choices": selectors.cycle_choice_counts(cycle) if cycle.mentee_choice else None,
        "bans": list(selectors.cycle_bans(cycle)),
        "ban_form": ban_form,
        "compare_form": compare_form if len(done) > 1 else None,
        "settings_mode": settings_for(cycle)[1],
    }
    ready = selectors.ready_mentee(cycle, request.GET.get("ready"))
    if ready is not None:
        # After a rematch: the mentee's best mentors now, to pair by hand or to wait for a run.
        context.update(ready=ready[0], ready_last=ready[1], ready_suggestions=mentee_suggestions(cycle=cycle, mentee=ready[0]))
    return render(request, "matching/cycle.html", context, status=status)


@coordinator_required
def settings_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_for_coordinator(request.user, pk)
    stale = None
    try:
        current, mode = settings_for(cycle)
    except ProblemError as error:
        # Saved before the score's scale was fixed: start from the defaults and say why.
        stale = str(error)
        current, mode = settings_for(cycle, MatchSettings(cycle=cycle))
    form = MatchSettingsForm(request.POST or None, initial=MatchSettingsForm.initial_from(current, mode))
    if request.method == "POST" and form.is_valid():
        chosen = form.to_settings(current)
        if chosen is not None:
            try:
                runs.match_settings_update(cycle=cycle, by=request.user, settings=chosen, mode=form.cleaned_data["mode"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Match settings saved. They apply to the next run.")
                return redirect("matching:cycle", cycle.pk)
    return render(request, "matching/settings.html",
                  {"cycle": cycle, "form": form, "scale": score_scale(current), "stale": stale})


@coordinator_required
@require_POST
def ban_create(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_for_coordinator(request.user, pk)
    form = BanForm(
        request.POST,
        mentors=runs.approved_people(cycle, Enrollment.Role.MENTOR),
        mentees=runs.approved_people(cycle, Enrollment.Role.MENTEE),
    )
    if form.is_valid():
        try:
            ban = runs.match_ban_create(
                cycle=cycle, mentor=form.person("mentor"), mentee=form.person("mentee"),
                reason=form.cleaned_data["reason"], by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{ban.mentor} and {ban.mentee} will not be paired.")
            return redirect("matching:cycle", cycle.pk)
    return _render_cycle(request, cycle, ban_form=form, status=400)


@coordinator_required
@require_POST
def ban_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ban = get_object_or_404(
        MatchBan.objects.select_related("cycle", "mentor", "mentee").filter(cycle__in=coordinated_cycles(request.user)),
        pk=pk,
    )
    runs.match_ban_delete(ban=ban, by=request.user)
    messages.success(request, f"The ban on {ban.mentor} → {ban.mentee} is lifted.")
    return redirect("matching:cycle", ban.cycle_id)


@coordinator_required
@require_POST
def run_start(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_for_coordinator(request.user, pk)
    run = runs.run_start(cycle=cycle, by=request.user)
    messages.info(request, f"Run {run.pk} started.")
    return redirect(run.get_absolute_url())


@coordinator_required
def coverage(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_for_coordinator(request.user, pk)
    rows = selectors.coverage_gaps(cycle)
    return render(
        request, "matching/coverage.html",
        {"cycle": cycle, "rows": rows, "total_goals": sum(r.goals for r in rows)},
    )


@coordinator_required
@require_GET
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_for_coordinator(request.user, pk)
    done = list(selectors.cycle_runs(cycle).filter(status=MatchRun.Status.DONE))
    form = CompareForm(request.GET or None, runs=done)
    comparison = None
    if form.is_bound and form.is_valid():
        by_pk = {str(r.pk): r for r in done}
        comparison = runs.runs_compare(a=by_pk[form.cleaned_data["a"]], b=by_pk[form.cleaned_data["b"]])
    return render(request, "matching/compare.html", {"cycle": cycle, "form": form, "comparison": comparison})


@coordinator_required
@require_POST
def rematch(request: HttpRequest, pk: int) -> HttpResponse:
    """End a pair and send its coordinator to matching with the mentee ready for a new mentor."""
    mentorship = selectors.mentorship_for_coordinator(request.user, pk)
    form = RematchForm(request.POST)
    back = reverse("programs:cycle-help", args=[mentorship.cycle_id])
    if not form.is_valid():
        messages.error(request, "No rematch was started: " + " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(back)
    help_request = None
    if form.cleaned_data["help_request"]:
        help_request = get_object_or_404(
            HelpRequest.objects.select_related("mentorship"), pk=form.cleaned_data["help_request"], mentorship=mentorship
        )
    try:
        mentee_rematch(mentorship=mentorship, by=request.user, reason=form.cleaned_data["reason"], help_request=help_request)
    except ValidationError as error:
        messages.error(request, "No rematch was started: " + " ".join(error.messages))
        return redirect(back)
    messages.success(
        request, f"The pair {mentorship} has ended. {mentorship.mentee} is ready to be matched with a new mentor."
    )
    return redirect(f"{reverse('matching:cycle', args=[mentorship.cycle_id])}?ready={mentorship.mentee_id}#ready")


# ---------------------------------------------------------------- a run


@coordinator_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_coordinator(request.user, pk)
    return _render_run(request, run)


def _render_run(
    request: HttpRequest, run: MatchRun, *, swap_form: SwapForm | None = None, add_form: PairPickForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"run": run, "cycle": run.cycle, "run_label": f"Run {run.pk}"}
    if not run.is_finished:
        context["progress"] = progress_get(run.progress_key)
    if run.status == MatchRun.Status.DONE:
        sort = request.GET.get("sort", "score")
        show = request.GET.get("show", "all")
        try:
            department = int(request.GET.get("department") or 0) or None
        except ValueError:
            department = None
        page = selectors.review_page(
            run=run, sort=sort, department=department, show=show, page=request.GET.get("page") or 1,
            seats_page=request.GET.get("seats") or 1,
        )
        query = request.GET.copy()
        query.pop("page", None)
        seats_query = query.copy()
        seats_query.pop("seats", None)
        for name in [k for k in query if k.startswith("why-")]:
            query.pop(name)
        why_form = PairPickForm(
            request.GET if "why-mentee" in request.GET else None,
            mentors=page.mentors, mentees=page.mentees, prefix="why",
        )
        why_answer = ""
        if why_form.is_bound and why_form.is_valid():
            why_answer = review.why_not_text(run=run, mentee=why_form.mentee_person, mentor=why_form.mentor_person)
        why_circle, why_circle_answer = _why_circle(request, run, page)
        paired = {p.mentee_id for p in page.live} | {
            s.mentee_id for s in page.live_seats
        }  # a mentee with a seat in a circle gets no pair in the same run
        unpaired = [m for m in page.mentees if m.pk not in paired]
        context.update(
            audit=audit_of(run, proposals=page.proposals, mentees=page.mentees),
            page=page,
            sort=sort,
            show=show,
            page_query=query.urlencode(),
            seats_query=seats_query.urlencode(),
            department=department,
            sorts=selectors.SORTS,
            shows=selectors.SHOW,
            why_form=why_form,
            why_answer=why_answer,
            why_circle=why_circle,
            circle_askable=_circle_askable(page) if page.circles else [],
            why_circle_answer=why_circle_answer,
            swap_form=swap_form or SwapForm(live=page.live),
            add_form=add_form or PairPickForm(mentors=page.mentors, mentees=unpaired, prefix="add"),
        )
    return render(request, "matching/run_detail.html", context, status=status)


def _circle_askable(page: Any) -> list[Any]:
    """Mentees "why not this circle?" offers: those with a seat or with nothing, not the paired
    ones (at 10k mentees a select of everyone costs the page a megabyte)."""
    paired = {p.mentee_id for p in page.live}
    return [m for m in page.mentees if m.pk not in paired]


def _why_circle(request: HttpRequest, run: MatchRun, page: Any) -> tuple[dict[str, Any], str]:
    """The "why not this circle?" question: ids checked against the run's mentees and the cycle's circles."""
    raw_mentee, raw_circle = request.GET.get("whyc-mentee", ""), request.GET.get("whyc-circle", "")
    chosen = {
        "mentee": int(raw_mentee) if raw_mentee.isdigit() else None,
        "circle": int(raw_circle) if raw_circle.isdigit() else None,
        "error": "",
    }
    if not raw_mentee and not raw_circle:
        return chosen, ""
    mentee = next((m for m in _circle_askable(page) if m.pk == chosen["mentee"]), None)
    circle = next((c for c in page.circles if c.pk == chosen["circle"]), None)
    if mentee is None or circle is None:
        chosen["error"] = "Choose a mentee of this run and a circle of this cycle."
        return chosen, ""
    return chosen, review.why_not_text(run=run, mentee=mentee, circle=circle)


@coordinator_required
@require_POST
def seat_lock(request: HttpRequest, pk: int, seat_pk: int) -> HttpResponse:
    run = selectors.run_for_coordinator(request.user, pk)
    try:
        seat = review.seat_lock(run=run, seat_id=seat_pk, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        verb = "locked" if seat.status == "locked" else "unlocked"
        messages.success(request, f"{seat.mentee}'s seat in the circle “{seat.circle.topic}” {verb}.")
    return _back(run, request)


@coordinator_required
@require_POST
def seat_reject(request: HttpRequest, pk: int, seat_pk: int) -> HttpResponse:
    run = selectors.run_for_coordinator(request.user, pk)
    try:
        seat = review.seat_reject(run=run, seat_id=seat_pk, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, f"{seat.mentee}'s seat in the circle “{seat.circle.topic}” rejected. "
                                  "A re-run will not place them there.")
    return _back(run, request)


@coordinator_required
@require_GET
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    run = selectors.run_for_coordinator(request.user, pk)
    if run.is_publishing:
        return JsonResponse(
            {"status": run.publish_state, "label": run.get_publish_state_display(), "message": "", "finished": False}
        )
    progress = progress_get(run.progress_key) if not run.is_finished else None
    return JsonResponse(
        {
            "status": run.status,
            "label": run.get_status_display(),
            "message": run.message,
            "finished": run.is_finished,
            "progress": progress.as_json() if progress else None,
        }
    )


def _finished_run(request: HttpRequest, pk: int) -> MatchRun:
    run = selectors.run_for_coordinator(request.user, pk)
    if run.status != MatchRun.Status.DONE:
        raise Http404("This run has not finished, so it has no audit yet.")
    return run


@coordinator_required
@require_GET
def run_audit(request: HttpRequest, pk: int) -> HttpResponse:
    run = _finished_run(request, pk)
    context = {"run": run, "cycle": run.cycle, "audit": audit_of(run), "audit_label": f"Audit of run {run.pk}"}
    return render(request, "matching/run_audit.html", context)


@coordinator_required
@require_GET
def run_audit_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("The audit exports as .csv or .xlsx.")
    run = _finished_run(request, pk)
    export = RunAuditExport(audit_of(run))

    def audit() -> None:
        audit_record(actor=request.user, action="matching.audit_export", target=run.cycle,
                     summary=f"Exported the audit of matching run {run.pk} as {fmt.upper()}.", data={"run": run.pk})

    return export.response(fmt, audit=audit)


def _back(run: MatchRun, request: HttpRequest) -> HttpResponse:
    url = run.get_absolute_url()
    query = request.POST.get("return_query", "")
    # Only our own filter parameters go back into the address; nothing else is echoed.
    if query and all(part.split("=")[0] in {"sort", "show", "department", "page"} for part in query.split("&")):
        url = f"{url}?{query}"
    return redirect(url)


@coordinator_required
@require_POST
def proposal_lock(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    run = selectors.run_for_coordinator(request.user, pk)
    try:
        proposal = review.proposal_lock(run=run, proposal_id=proposal_pk, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        verb = "locked" if proposal.status == "locked" else "unlocked"
        messages.success(request, f"{proposal.mentor} → {proposal.mentee} {verb}.")
    return _back(run, request)


@coordinator_required
@require_POST
def proposal_reject(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    run = selectors.run_for_coordinator(request.user, pk)
    try:
        proposal = review.proposal_reject(run=run, proposal_id=proposal_pk, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request, f"{proposal.mentor} → {proposal.mentee} rejected. A re-run will not propose this pair."
        )
    return _back(run, request)


@coordinator_required
@require_POST
def run_swap(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_coordinator(request.user, pk)
    if not run.is_editable:
        messages.error(request, "This run can no longer be changed.")
        return redirect(run.get_absolute_url())
    page = selectors.review_page(run=run)
    form = SwapForm(request.POST, live=page.live)
    if form.is_valid():
        try:
            first, second = review.proposal_swap(
                run=run, first_id=int(form.cleaned_data["first"]), second_id=int(form.cleaned_data["second"]),
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Swapped: {first.mentee} now with {first.mentor}, {second.mentee} with {second.mentor}.")
            return redirect(run.get_absolute_url())
    return _render_run(request, run, swap_form=form, status=400)


@coordinator_required
@require_POST
def run_add(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_coordinator(request.user, pk)
    if not run.is_editable:
        messages.error(request, "This run can no longer be changed.")
        return redirect(run.get_absolute_url())
    page = selectors.review_page(run=run)
    form = PairPickForm(request.POST, mentors=page.mentors, mentees=page.mentees, prefix="add")
    if form.is_valid():
        try:
            proposal = review.proposal_add(run=run, mentor=form.mentor_person, mentee=form.mentee_person, by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Added {proposal.mentor} → {proposal.mentee} ({proposal.score:.1f} points).")
            return redirect(run.get_absolute_url())
    return _render_run(request, run, add_form=form, status=400)


@coordinator_required
@require_POST
def run_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_coordinator(request.user, pk)
    try:
        new = runs.run_start(cycle=run.cycle, by=request.user, parent=run)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect(run.get_absolute_url())
    messages.info(request, f"Run {new.pk} started from run {run.pk}: locked pairs kept, rejected pairs left out.")
    return redirect(new.get_absolute_url())


@coordinator_required
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_coordinator(request.user, pk)
    if request.method == "POST":
        try:
            runs.run_publish_request(run=run, by=request.user)
        except ValidationError as error:
            _error_messages(request, error)
            return redirect(run.get_absolute_url())
        run.refresh_from_db()
        if run.published_at:
            messages.success(request, "Published. Both people of each pair are told by e-mail.")
        elif not run.is_publishing:
            messages.error(request, "Nothing was published; the reasons are below.")
        return redirect(run.get_absolute_url())
    page = selectors.review_page(run=run) if run.status == MatchRun.Status.DONE else None
    problems = publish_problems(run, page.proposals) if page and run.is_editable else []
    if page and run.is_editable:
        problems += seat_problems([s for s in page.live_seats if not s.member_id])
    context = {"run": run, "cycle": run.cycle, "page": page, "problems": problems}
    return render(request, "matching/publish_confirm.html", context)
