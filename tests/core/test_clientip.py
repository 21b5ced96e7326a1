"""The client address: X-Forwarded-For believed only from trusted proxies."""

import pytest
from django.test import RequestFactory

from kindred.core.clientip import address_bucket, client_ip, parse_address, scope_client_ip


def ip_of(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_with_no_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert ip_of("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_a_trusted_proxys_header_gives_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip_of("10.0.0.2", "203.0.113.1") == "203.0.113.1"


def test_what_the_client_wrote_to_the_left_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2", "10.0.0.3"]
    # The client sent "1.2.3.4" itself; the first proxy appended what it saw.
    assert ip_of("10.0.0.3", "1.2.3.4, 203.0.113.1, 10.0.0.2") == "203.0.113.1"


def test_an_untrusted_sender_cannot_pick_its_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip_of("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_when_every_hop_is_trusted_the_leftmost_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip_of("10.0.0.3", "10.0.0.9, 10.0.0.2") == "10.0.0.9"


def test_garbage_from_a_proxy_stops_at_the_last_real_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip_of("10.0.0.3", "unknown") == "10.0.0.3"
    assert ip_of("10.0.0.3", "") == "10.0.0.3"


def test_no_address_at_all_is_empty(settings):
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) == ""


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("203.0.113.1", "203.0.113.1"),
        ("203.0.113.1:5678", "203.0.113.1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("::ffff:203.0.113.1", "203.0.113.1"),
        ("not-an-ip", None),
    ],
)
def test_addresses_are_read_with_or_without_a_port(text, address):
    parsed = parse_address(text)
    assert (str(parsed) if parsed else None) == address


def test_ipv6_addresses_are_counted_by_their_64():
    assert address_bucket("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::"
    assert address_bucket("203.0.113.1") == "203.0.113.1"


def test_a_socket_scope_follows_the_same_rule(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    scope = {"client": ("10.0.0.2", 443), "headers": [(b"x-forwarded-for", b"203.0.113.1")]}
    assert scope_client_ip(scope) == "203.0.113.1"
    settings.TRUSTED_PROXIES = []
    assert scope_client_ip(scope) == "10.0.0.2"
    assert scope_client_ip({"headers": []}) == ""
