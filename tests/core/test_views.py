import pytest
from django.urls import reverse

PUBLIC_PAGES = [
    "/",
    "/help/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/no-such-page/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_page_has_the_get_help_link_without_login(client, path):
    body = client.get(path).content.decode()
    assert 'class="help-now" href="/help/"' in body
    assert 'href="#main"' in body and '<main id="main"' in body


@pytest.mark.parametrize("persona", ["member", "therapist", "staff"], indirect=True)
def test_signed_in_pages_keep_the_get_help_link(login, persona):
    assert 'class="help-now"' in login(persona).get(reverse("profile")).content.decode()


@pytest.mark.django_db
def test_home_explains_both_kinds_of_help(client):
    body = client.get("/").content.decode()
    for phrase in (
        "Peer support",
        "Therapy",
        "Both, together",
        "lived experience",
        "Licensed professionals",
    ):
        assert phrase in body
    # Someone unsure which to choose is pointed at the guide that compares them.
    assert f'<a href="{reverse("guide")}">Not sure which fits you?' in body


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_load_no_third_party_assets(client):
    body = client.get("/").content.decode()
    assert 'src="http' not in body and 'href="http' not in body.split("<body")[0]


@pytest.mark.django_db
def test_home_runs_no_query_for_a_visitor(client, django_assert_max_num_queries):
    # A signed-in person's home is Today: tests/today/test_views.py counts its queries.
    with django_assert_max_num_queries(0):
        client.get("/")


def test_notifications_are_private_and_can_be_marked_read(login, member, member2):
    from kindred.core.models import Notification
    from kindred.core.notifications import do_notify, unread_count

    do_notify([member], kind="test", title="Someone replied to your thread", url="/x/")
    assert unread_count(member) == 1
    assert "Someone replied" not in login(member2).get(reverse("notifications")).content.decode()
    client = login(member)
    assert "Someone replied" in client.get(reverse("notifications")).content.decode()
    client.post(reverse("notifications"))
    assert unread_count(member) == 0
    assert Notification.objects.get().read_at is not None


@pytest.mark.django_db
def test_notifications_need_login(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_stale_form_gets_a_kind_page_not_a_technical_403():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "x@example.test", "password": "y"})
    assert response.status_code == 403
    assert "What you wrote is kept in this browser" in response.content.decode()
    api = client.post("/api/v1/tokens", data="{}", content_type="application/json")
    assert api.status_code in (401, 403) and api["Content-Type"].startswith("application/json")
