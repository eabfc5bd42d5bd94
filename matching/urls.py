from django.urls import path  # noqa: F401

from matching import views  # noqa: F401

app_name = "matching"

urlpatterns: list = []
