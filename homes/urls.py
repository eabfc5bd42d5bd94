from django.urls import path

from homes import views

app_name = "homes"

urlpatterns = [
    path("coordinator/", views.coordinator, name="coordinator"),
]
