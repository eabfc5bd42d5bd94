from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("invite/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
