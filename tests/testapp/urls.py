"""The site's URLs plus test-only pages (``settings.ROOT_URLCONF`` in tests that need them)."""

from django.urls import include, path

from tests.testapp.views import room_page

urlpatterns = [
    path("test-rooms/<int:room_id>/", room_page, name="test_room_page"),
    path("", include("kindred.urls")),
]
