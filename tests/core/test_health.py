import pytest
from django.urls import reverse

from kindred.core import health

pytestmark = pytest.mark.django_db


def test_it_reports_every_component(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert set(data["checks"]) == {"database", "cache", "channel_layer", "tasks"}
    assert all(check["ok"] for check in data["checks"].values())
    assert data["checks"]["tasks"]["mode"] == "immediate"


def test_a_failing_component_makes_it_degraded_without_leaking_details(client, monkeypatch):
    def broken():
        raise ConnectionError("password=hunter2 host=db.internal")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "degraded"
    assert data["checks"]["database"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": data["checks"]["database"]["ms"],
    }
    assert "hunter2" not in response.content.decode()
