from django.contrib import admin
from django.urls import include, path

from kindred.accounts import views as account_views
from kindred.api_v1 import api
from kindred.audit import views as audit_views
from kindred.core import styleguide
from kindred.core import views as core_views
from kindred.today import views as today_views

admin.site.site_header = "Kindred administration"

urlpatterns = [
    path("", today_views.home, name="home"),
    path("today/", include("kindred.today.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("notifications/", core_views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/open/",
        core_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/settings/",
        core_views.notification_settings,
        name="notification_settings",
    ),
    path("styleguide/", styleguide.styleguide, name="styleguide"),
    path("", include("kindred.safety.urls")),
    path("spaces/", include("kindred.community.urls")),
    path("bookings/", include("kindred.bookings.urls")),
    path("groups/", include("kindred.groups.urls")),
    path("peers/", include("kindred.peers.urls")),
    path("rooms/", include("kindred.rooms.urls")),
    path("my/care/", include("kindred.care.urls")),
    path("guide/", include("kindred.guide.urls")),
    path("therapist/messages/", include("kindred.messaging.urls_therapist")),
    path("therapist/measures/", include("kindred.measures.urls_therapist")),
    path("therapist/clients/", include("kindred.clinical.urls")),
    path("therapist/clients/", include("kindred.care.urls_therapist")),
    path("therapist/plans/", include("kindred.plans.urls_therapist")),
    path("therapist/", include("kindred.bookings.urls_therapist")),
    path("calendar/", include("kindred.bookings.urls_calendar")),
    path("therapists/", include("kindred.therapy.urls_public")),
    path("therapist/", include("kindred.therapy.urls_therapist")),
    path("measures/", include("kindred.measures.urls")),
    path("my/plan/", include("kindred.plans.urls_member")),
    path("my/therapists/", include("kindred.messaging.urls_member")),
    path("my/messages/", include("kindred.messaging.urls_conversations")),
    path("my/intake/", include("kindred.clinical.urls_member")),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("terms/", account_views.legal_page, {"kind": "terms"}, name="legal_terms"),
    path("privacy/", account_views.legal_page, {"kind": "privacy"}, name="legal_privacy"),
    path("accounts/data/", include("kindred.rights.urls")),
    path("accounts/tokens/", include("kindred.api.urls")),
    path("accounts/", include("kindred.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("staff/therapists/", include("kindred.therapy.urls_staff")),
    path("staff/outcomes/", include("kindred.measures.urls_staff")),
    path("staff/", audit_views.staff_home, name="staff_home"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler404 = "kindred.core.errors.not_found"
handler500 = "kindred.core.errors.server_error"
# Not a Django handler: allauth's rate limits call it (allauth.core.ratelimit.respond_429).
handler429 = "kindred.accounts.views.rate_limited"
