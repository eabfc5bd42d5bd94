from django.urls import path

from resources import views

app_name = "resources"

urlpatterns = [
    path("", views.library, name="library"),
    path("<int:pk>/open/", views.resource_open, name="open"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.resource_edit, name="create"),
    path("manage/<int:pk>/edit/", views.resource_edit, name="edit"),
    path("manage/<int:pk>/delete/", views.resource_delete, name="delete"),
]
