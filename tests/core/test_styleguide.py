import pytest

from tests.conftest import PERSONAS

NOT_STAFF = [p for p in PERSONAS if p != "staff"]


def test_staff_see_every_component(client, staff, django_assert_max_num_queries):
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        response = client.get("/styleguide/")
    assert response.status_code == 200
    html = response.content.decode()
    for component in (
        "card-grid",
        "btn-primary",
        "btn-secondary",
        "btn-danger",
        "badge",
        "avatar",
        "empty-state",
        "stack",
        "cluster",
        "tabs",
        "toast",
        "form-row",
        "checkbox-group",
        "side-panel",
        "icon",
        "errorlist",
        "<table",
        "<textarea",
        'type="radio"',
        "<select",
    ):
        assert component in html, component


def test_anonymous_visitors_get_not_found(client, db):
    assert client.get("/styleguide/").status_code == 404


@pytest.mark.parametrize("persona", NOT_STAFF, indirect=True)
def test_other_roles_get_not_found(client, persona):
    client.force_login(persona)
    assert client.get("/styleguide/").status_code == 404


def test_anyone_may_see_it_on_a_development_server(client, settings, db):
    settings.DEBUG = True
    assert client.get("/styleguide/").status_code == 200


def test_it_only_answers_get(client, staff):
    client.force_login(staff)
    assert client.post("/styleguide/").status_code == 405
