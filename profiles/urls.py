from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("invite/", views.invite, name="invite"),
    path("no-profile/", views.no_profile, name="no-profile"),
    # My own record
    path("me/", views.profile_edit, name="profile-edit"),
    path("me/skills/", views.skills, name="skills"),
    path("me/plan/", views.idp, name="idp"),
    path("me/plan/goals/new/", views.goal_create, name="goal-create"),
    path("me/plan/goals/<int:pk>/edit/", views.goal_edit, name="goal-edit"),
    path("me/plan/goals/<int:pk>/delete/", views.goal_delete, name="goal-delete"),
    # Shared with the person's current mentors
    path("goals/<int:pk>/notes/", views.goal_notes, name="goal-notes"),
    # Colleagues
    path("directory/", views.directory, name="directory"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    # Coordinators
    path("roster/", views.people, name="people"),
    path("skills/", views.skill_catalogue, name="skill-catalogue"),
    path("skills/categories/new/", views.category_edit, name="category-create"),
    path("skills/categories/<int:pk>/edit/", views.category_edit, name="category-edit"),
    path("skills/new/", views.skill_edit, name="skill-create"),
    path("skills/<int:pk>/edit/", views.skill_edit, name="skill-edit"),
    path("skills/<int:pk>/delete/", views.skill_delete, name="skill-delete"),
]
