"""Reads of the surveys app. `cycle_outcomes` is the contract other apps (reports) rely on."""

from surveys.selectors.lists import (
    coordinator_surveys,
    editable_templates,
    invitation_for_token,
    my_open_invitations,
    visible_templates,
)
from surveys.selectors.outcomes import Outcomes, cycle_outcomes
from surveys.selectors.results import SurveyResults, named_responses, named_rows, survey_results

__all__ = [
    "Outcomes",
    "SurveyResults",
    "coordinator_surveys",
    "cycle_outcomes",
    "editable_templates",
    "invitation_for_token",
    "my_open_invitations",
    "named_responses",
    "named_rows",
    "survey_results",
    "visible_templates",
]
