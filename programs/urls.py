from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("me/", views.participant_home, name="participant-home"),
    path("coordinate/", views.coordinator_home, name="coordinator-home"),
]
