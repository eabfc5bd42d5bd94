"""Writes of the surveys app, split by stage: building, sending, answering.

Import from here (`from surveys.services import survey_open`); the modules are an internal layout.
"""

from surveys.services.answering import (
    SurveyUnavailable,
    draft_save,
    drafts_purge,
    response_submit,
)
from surveys.services.building import (
    QuestionsLocked,
    question_add,
    question_delete,
    question_move,
    question_update,
    survey_create_from_template,
    survey_update,
    template_create,
    template_duplicate,
    template_update,
)
from surveys.services.pool import pending_counts, pool_release, pools_release_due
from surveys.services.sending import (
    SurveyClosed,
    audience_rows,
    invitation_send,
    survey_open,
    surveys_due,
)
from surveys.tokens import link_for as invitation_link

__all__ = [
    "QuestionsLocked",
    "SurveyClosed",
    "SurveyUnavailable",
    "audience_rows",
    "draft_save",
    "drafts_purge",
    "invitation_link",
    "invitation_send",
    "pending_counts",
    "pool_release",
    "pools_release_due",
    "question_add",
    "question_delete",
    "question_move",
    "question_update",
    "response_submit",
    "survey_create_from_template",
    "survey_open",
    "survey_update",
    "surveys_due",
    "template_create",
    "template_duplicate",
    "template_update",
]
