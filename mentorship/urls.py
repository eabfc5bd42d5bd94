from django.contrib import admin
from django.urls import include, path

from mentorship import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/switch/", views.home_switch, name="home-switch"),
    path("today/", include("homes.urls")),
    path("health/", views.health, name="health"),
    # Login addresses come from the HR roster: letting people add or switch addresses here would
    # let someone claim a colleague's address. This route shadows allauth's e-mail page.
    path("accounts/email/", views.email_managed_by_roster, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("people/", include("profiles.urls")),
    path("programs/", include("programs.urls")),
    path("circles/", include("circles.urls")),
    path("matching/", include("matching.urls")),
    path("surveys/", include("surveys.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("privacy/", include("privacy.urls")),
    path("calendar/", include("calendars.urls")),
    path("resources/", include("resources.urls")),
    path("flash/", include("flash.urls")),
    path("communities/", include("communities.urls")),
    path("speed-rounds/", include("speedrounds.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Mentorship back office"
admin.site.site_title = "Mentorship"

# The project's own error pages (mentorship/errors.py); allauth's rate limits use handler429.
handler400 = "mentorship.errors.bad_request"
handler403 = "mentorship.errors.permission_denied"
handler404 = "mentorship.errors.page_not_found"
handler500 = "mentorship.errors.server_error"
handler429 = "mentorship.errors.too_many_requests"
