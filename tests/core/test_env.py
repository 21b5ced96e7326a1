import pytest
from django.core.exceptions import ImproperlyConfigured

from kindred.env import env_bool, env_int, env_list, env_networks, env_rate_limits, env_str


def test_env_bool_accepts_the_usual_spellings(monkeypatch):
    for raw, expected in [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG") is expected


def test_env_bool_fails_loudly_on_a_typo(monkeypatch):
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be a boolean"):
        env_bool("FLAG")


def test_env_int_fails_loudly(monkeypatch):
    monkeypatch.setenv("NUM", "12a")
    with pytest.raises(ImproperlyConfigured, match="NUM must be an integer"):
        env_int("NUM", 3)
    monkeypatch.delenv("NUM")
    assert env_int("NUM", 3) == 3


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    monkeypatch.setenv("SECRET_KEY", "ignored-when-file-given")
    assert env_str("SECRET_KEY") == "s3cret"


def test_an_unreadable_secret_file_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        env_str("SECRET_KEY")


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,, ")
    assert env_list("HOSTS") == ["a.example", "b.example"]


def test_env_networks_fails_loudly_on_a_bad_address(monkeypatch):
    monkeypatch.setenv("PROXIES", "10.0.0.0/8, 2001:db8::1")
    assert env_networks("PROXIES") == ["10.0.0.0/8", "2001:db8::1"]
    monkeypatch.setenv("PROXIES", "10.0.0.0/8,proxy.local")
    with pytest.raises(ImproperlyConfigured, match="PROXIES must list IP addresses"):
        env_networks("PROXIES")


def test_env_rate_limits_overrides_named_actions(monkeypatch):
    defaults = {"api": "120/m/user", "community.reply": "20/10m/user"}
    monkeypatch.setenv("LIMITS", "api=300/m/user,600/m/ip; community.reply=")
    assert env_rate_limits("LIMITS", defaults) == {
        "api": "300/m/user,600/m/ip",
        "community.reply": "",
    }


@pytest.mark.parametrize(
    ("raw", "error"),
    [("apii=300/m/user", "action among: api"), ("api=300 a minute", "is not a rate")],
)
def test_env_rate_limits_fails_loudly_on_a_typo(monkeypatch, raw, error):
    monkeypatch.setenv("LIMITS", raw)
    with pytest.raises(ImproperlyConfigured, match=error):
        env_rate_limits("LIMITS", {"api": "120/m/user"})
