from django.urls import path

from surveys.views import coordinator, participant

app_name = "surveys"

# --- People answering (surveys/views/participant.py) -------------------------------------------
participant_urls = [
    path("mine/", participant.my_surveys, name="my-surveys"),
    path("mine/<int:pk>/", participant.answer_mine, name="answer-mine"),
    path("r/<str:token>/", participant.answer_token, name="answer-token"),
    path("thanks/", participant.answer_thanks, name="answer-thanks"),
]

# --- Coordinators (surveys/views/coordinator.py) -----------------------------------------------
coordinator_urls = [
    path("", coordinator.survey_index, name="index"),
    path("cycles/<int:cycle_pk>/", coordinator.cycle_surveys, name="cycle-surveys"),
    path("templates/", coordinator.template_list, name="template-list"),
    path("templates/new/", coordinator.template_create, name="template-create"),
    path("templates/<int:pk>/", coordinator.template_detail, name="template-detail"),
    path("templates/<int:pk>/edit/", coordinator.template_edit, name="template-edit"),
    path("templates/<int:pk>/copy/", coordinator.template_duplicate, name="template-duplicate"),
    path("templates/<int:template_pk>/use/", coordinator.survey_create, name="survey-create"),
    path("questions/<int:pk>/edit/", coordinator.question_edit, name="question-edit"),
    path("questions/<int:pk>/delete/", coordinator.question_delete, name="question-delete"),
    path("questions/<int:pk>/move/", coordinator.question_move, name="question-move"),
    path("<int:pk>/", coordinator.survey_detail, name="survey-detail"),
    path("<int:pk>/edit/", coordinator.survey_edit, name="survey-edit"),
    path("<int:pk>/open/", coordinator.survey_open_now, name="survey-open"),
    path("<int:pk>/results/", coordinator.survey_results, name="survey-results"),
    path("<int:pk>/export.<str:fmt>", coordinator.survey_export, name="survey-export"),
]

urlpatterns = participant_urls + coordinator_urls
