from django.urls import path

from communities import views

app_name = "communities"

urlpatterns = [
    path("", views.community_list, name="list"),
    path("new/", views.community_create, name="create"),
    path("<slug:slug>/", views.community_detail, name="detail"),
    path("<slug:slug>/join/", views.community_join, name="join"),
    path("<slug:slug>/leave/", views.community_leave, name="leave"),
    path("<slug:slug>/edit/", views.community_edit, name="edit"),
    path("<slug:slug>/leads/", views.community_role, name="role"),
    path("<slug:slug>/events/new/", views.community_event_create, name="event-create"),
    path("<slug:slug>/resources/", views.community_resource_add, name="resource-add"),
    path("<slug:slug>/resources/<int:pk>/", views.community_resource_open, name="resource-open"),
    path("<slug:slug>/resources/<int:pk>/remove/", views.community_resource_remove, name="resource-remove"),
]
