from django.urls import path

from flash import views

app_name = "flash"

urlpatterns = [
    path("", views.my_conversations, name="mine"),
    path("ask/<int:pk>/", views.ask, name="ask"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("availability/", views.availability, name="availability"),
    path("volumes/", views.volumes, name="volumes"),
]
