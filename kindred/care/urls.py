from django.urls import URLPattern, URLResolver, path

from kindred.care import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.team, name="care_team"),
    path("defaults/", views.default_access, name="care_default_access"),
    path("who-can-see/", views.who_can_see, name="care_who_can_see"),
    path("sharing/", views.grants_page, name="care_grants"),
    path("sharing/<int:grant_id>/stop/", views.revoke, name="care_revoke"),
    path("who-looked/", views.access_log, name="care_access_log"),
    path("timeline/", views.timeline, name="care_timeline"),
    path("suggestions/", views.referrals, name="care_referrals"),
    path("suggestions/<int:referral_id>/accept/", views.accept, name="care_referral_accept"),
    path("suggestions/<int:referral_id>/dismiss/", views.dismiss, name="care_referral_dismiss"),
    path("shared/", views.shared_list, name="care_shared"),
    path("shared/<int:member_id>/", views.shared_member, name="care_shared_member"),
    path("suggest/<int:member_id>/", views.refer, name="care_refer"),
]
