from django.urls import path

from circles import views

app_name = "circles"

urlpatterns = [
    path("", views.circles_mine, name="mine"),
    path("<int:pk>/", views.circle_detail, name="detail"),
    path("<int:pk>/agreement/", views.circle_agreement, name="agreement"),
    path("<int:pk>/sessions/new/", views.session_new, name="session-new"),
    path("<int:pk>/notes/", views.note_add, name="note-add"),
    path("<int:pk>/apply/", views.circle_apply, name="apply"),
    path("<int:pk>/edit/", views.circle_edit, name="edit"),
    path("<int:pk>/end/", views.circle_end, name="end"),
    path("<int:pk>/members/add/", views.member_add, name="member-add"),
    path("members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session-attendance"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("applications/<int:pk>/place/", views.application_place, name="application-place"),
    path("cycles/<int:cycle_pk>/", views.cycle_circles, name="cycle"),
    path("cycles/<int:cycle_pk>/new/", views.circle_new, name="new"),
    path("cycles/<int:cycle_pk>/circles.<str:fmt>", views.cycle_circles_export, name="cycle-export"),
]
