from django.urls import path

from speedrounds import views

app_name = "speedrounds"

urlpatterns = [
    path("events/<int:pk>/", views.schedule, name="schedule"),
    path("events/<int:pk>/print/", views.printable, name="print"),
    path("events/<int:pk>/me/", views.mine, name="mine"),
]
