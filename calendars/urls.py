from django.urls import path

from calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.feed_settings, name="settings"),
    path("new-address/", views.feed_issue, name="issue"),
    path("turn-off/", views.feed_revoke, name="revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
