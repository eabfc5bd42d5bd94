from django.urls import path  # noqa: F401

from notifications import views  # noqa: F401

app_name = "notifications"

urlpatterns: list = []
