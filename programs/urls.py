from django.urls import path

from programs.views import coordinator, participant

app_name = "programs"

# --- Participant portal (programs/views/participant.py) ---------------------------------------
participant_urls = [
    path("me/", participant.participant_home, name="participant-home"),
]

# --- Coordinator pages (programs/views/coordinator.py) ----------------------------------------
coordinator_urls = [
    path("coordinate/", coordinator.coordinator_home, name="coordinator-home"),
]

urlpatterns = participant_urls + coordinator_urls
