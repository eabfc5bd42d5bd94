from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_data, name="my-data"),
    path("people/<int:pk>/remove/", views.person_remove, name="person-remove"),
    path("removed/", views.removed, name="removed"),
]
