from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("no-profile/", views.no_profile, name="no-profile"),
]
