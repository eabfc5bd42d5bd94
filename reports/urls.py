from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("retention/", views.retention, name="retention"),
    path("knowledge-at-risk/", views.knowledge, name="knowledge"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("export/<slug:report>.<str:fmt>", views.export, name="export"),
    path("exports/<str:token>/", views.export_download, name="export-download"),
    path("exports/<str:token>/status/", views.export_status, name="export-status"),
    path("exports/<str:token>/status.json", views.export_status_json, name="export-status-json"),
    path("roster/", views.roster_upload, name="roster-upload"),
    path("roster/<int:pk>/", views.roster_preview, name="roster-preview"),
    path("roster/<int:pk>/status.json", views.roster_status, name="roster-status"),
    path("roster/<int:pk>/apply/", views.roster_apply_view, name="roster-apply"),
    path("roster/<int:pk>/discard/", views.roster_discard, name="roster-discard"),
]
