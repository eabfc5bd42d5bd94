"""Open help requests and at-risk flags of a cycle, and resolving them with a note."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.roles import coordinator_required
from programs.forms.coordinator import HelpReplyForm, ResolveForm
from programs.selectors import coordinator as selectors
from programs.selectors import health
from programs.services.help import help_reply_create, pair_flag_resolve
from programs.services.help import help_request_resolve as resolve_help_request
from programs.views.coordinator._access import cycle_for, flag_for, help_request_for

HELP_ROWS = 200


@coordinator_required
def cycle_help(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_for(request, pk)
    status = request.GET.get("status", "open")
    status = status if status in selectors.HELP_STATUSES else "open"  # an unknown value: the default
    context = {
        "cycle": cycle,
        "status": status,
        "statuses": selectors.HELP_STATUSES,
        # Lists kept short: resolved entries pile up over a cycle.
        "help_requests": list(selectors.help_requests(cycle=cycle, status=status)[:HELP_ROWS]),
        "flags": list(selectors.flags(cycle=cycle, status=status)[:HELP_ROWS]),
        "quiet_unflagged": selectors.unflagged_at_risk_count(cycle=cycle),
        "at_risk_weeks": health.at_risk_weeks(),
        "form": ResolveForm(),
    }
    return render(request, "programs/coordinator/help.html", context)


def _resolve(request: HttpRequest, obj: object, resolve: Callable[..., object], cycle_id: int) -> HttpResponse:
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            resolve(by=request.user, resolution=form.cleaned_data["resolution"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Resolved: {obj}.")
    else:
        messages.error(request, "Nothing was resolved: say what was done.")
    return redirect(reverse("programs:cycle-help", args=[cycle_id]))


@require_POST
@coordinator_required
def help_request_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = help_request_for(request, pk)
    return _resolve(
        request,
        help_request,
        lambda **kw: resolve_help_request(help_request=help_request, **kw),
        help_request.mentorship.cycle_id,
    )


@require_POST
@coordinator_required
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = flag_for(request, pk)
    return _resolve(request, flag, lambda **kw: pair_flag_resolve(flag=flag, **kw), flag.mentorship.cycle_id)


@require_POST
@coordinator_required
def help_request_reply(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = help_request_for(request, pk)
    form = HelpReplyForm(request.POST)
    # Back to the list the request is on (a resolved request is only under "all" and "resolved").
    status = "open" if help_request.resolved_at is None else "all"
    back = reverse("programs:cycle-help", args=[help_request.mentorship.cycle_id]) + f"?status={status}#help-{help_request.pk}"
    if not form.is_valid():
        messages.error(request, "Nothing was sent: " + " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        help_reply_create(help_request=help_request, by=request.user, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, "Nothing was sent: " + " ".join(error.messages))
    else:
        messages.success(request, f"Reply sent to {help_request.requested_by}. It is shown on their request.")
    return redirect(back)
