"""The limits' settings and arithmetic, the headers of every answer, and whom the local gateway believes."""

from __future__ import annotations

import ipaddress

import pytest
from devdevdev.api.app import with_security_headers
from devdevdev.settings import Settings
from devdevdev.store.ratelimit import client_attribute, seconds_to_window_end

from infra.local.gateway import source_ip, trusted_networks

SECRET = "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"


def test_the_ip_ceiling_defaults_to_ten_clients_and_can_be_set():
    assert Settings.from_env({"STAGE": "local"}).ip_rate_limit_per_minute == 1200
    assert Settings.from_env({"STAGE": "local", "RATE_LIMIT_PER_MINUTE": "10"}).ip_rate_limit_per_minute == 100
    env = {"STAGE": "local", "RATE_LIMIT_PER_MINUTE": "10", "RATE_LIMIT_PER_IP_PER_MINUTE": "20"}
    assert Settings.from_env(env).ip_rate_limit_per_minute == 20


def test_a_block_of_ten_and_a_member_recheck_of_a_minute_by_default():
    settings = Settings.from_env({"STAGE": "local"})
    assert (settings.rate_limit_block, settings.member_recheck_seconds) == (10, 60)
    env = {"STAGE": "local", "RATE_LIMIT_BLOCK": "25", "MEMBER_RECHECK_SECONDS": "0"}
    assert (Settings.from_env(env).rate_limit_block, Settings.from_env(env).member_recheck_seconds) == (25, 0)


def test_crawler_failures_default_to_ten_a_minute():
    assert Settings.from_env({"STAGE": "local"}).crawler_auth_failures_per_minute == 10
    env = {"STAGE": "local", "CRAWLER_AUTH_FAILURES_PER_MINUTE": "3"}
    assert Settings.from_env(env).crawler_auth_failures_per_minute == 3


@pytest.mark.parametrize(
    "name, value",
    [
        ("RATE_LIMIT_PER_IP_PER_MINUTE", "0"),
        ("CRAWLER_AUTH_FAILURES_PER_MINUTE", "-1"),
        ("HSTS_MAX_AGE_SECONDS", "-5"),
        ("RATE_LIMIT_BLOCK", "0"),
        ("MEMBER_RECHECK_SECONDS", "-1"),
    ],
)
def test_limits_below_their_range_are_refused(name, value):
    with pytest.raises(ValueError, match=name.lower()):
        Settings.from_env({"STAGE": "local", name: value})


@pytest.mark.parametrize("stage, hsts", [("local", 0), ("test", 0), ("dev", 31536000), ("prod", 31536000)])
def test_hsts_only_on_the_aws_stages(stage, hsts):
    assert Settings.from_env({"STAGE": stage, "JWT_SECRET": SECRET}).hsts_max_age_seconds == hsts


def test_trusted_proxies_are_addresses_or_networks():
    settings = Settings.from_env({"STAGE": "local", "TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8,::1"})
    assert settings.trusted_proxies == ("127.0.0.1", "10.0.0.0/8", "::1")
    assert Settings.from_env({"STAGE": "local"}).trusted_proxies == ()
    with pytest.raises(ValueError, match="not an IP address or network"):
        Settings.from_env({"STAGE": "local", "TRUSTED_PROXIES": "127.0.0.1,proxy.example"})


@pytest.mark.parametrize("epoch, seconds", [(0, 60), (1, 59), (59, 1), (60, 60), (1_767_268_830, 30)])
def test_retry_after_counts_whole_seconds_to_the_window_end(epoch, seconds):
    assert seconds_to_window_end(epoch) == seconds


def test_a_client_counter_is_a_short_stable_name_whatever_the_cookie():
    names = {client_attribute(c) for c in (None, "", "GA1.1.1.1", "x" * 5000, "\ud800", "GA1.1.1.2")}
    assert len(names) == 5  # None and "" are the same client: the IP's cookieless requests
    assert all(len(name) == 17 and name.startswith("c") for name in names)
    assert client_attribute("GA1.1.1.1") == client_attribute("GA1.1.1.1")


def secured(result: dict, hsts: int = 0) -> dict:
    return with_security_headers(result, Settings.from_env({"STAGE": "local", "HSTS_MAX_AGE_SECONDS": str(hsts)}))


def test_every_answer_gets_nosniff_no_referrer_and_no_store():
    result = secured({"statusCode": 200, "headers": {"Content-Type": "application/json;charset=UTF-8"}, "body": "{}"})
    assert result["headers"] == {
        "Content-Type": "application/json;charset=UTF-8",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
    assert secured({"statusCode": 302})["headers"]["Cache-Control"] == "no-store"  # a result without headers


def test_no_store_replaces_a_routes_cache_control_and_hsts_follows_the_setting():
    result = secured({"statusCode": 200, "headers": {"cache-control": "no-cache", "Retry-After": "5"}}, hsts=600)
    assert result["headers"] == {
        "Retry-After": "5",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "Strict-Transport-Security": "max-age=600; includeSubDomains",
    }


TRUSTED = trusted_networks(("127.0.0.1", "10.0.0.0/8", "::1"))


@pytest.mark.parametrize(
    "peer, forwarded_for, expected",
    [
        ("203.0.113.7", "", "203.0.113.7"),
        ("203.0.113.7", "1.2.3.4", "203.0.113.7"),  # an untrusted peer's header is the client's own words
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "198.51.100.9", "198.51.100.9"),
        ("127.0.0.1", "1.2.3.4, 198.51.100.9", "198.51.100.9"),  # the client wrote 1.2.3.4
        ("127.0.0.1", "1.2.3.4, 198.51.100.9, 10.1.2.3", "198.51.100.9"),  # a chain of trusted proxies
        ("::1", "2001:db8::1", "2001:db8::1"),
        ("127.0.0.1", "10.0.0.1, 10.0.0.2", "127.0.0.1"),  # only proxies: the peer
        ("127.0.0.1", "1.2.3.4, not-an-address", "127.0.0.1"),  # a malformed hop is not believed
        ("testclient", "1.2.3.4", "testclient"),
    ],
)
def test_the_source_ip_is_the_peer_unless_the_peer_is_a_trusted_proxy(peer, forwarded_for, expected):
    assert source_ip(peer, forwarded_for, TRUSTED) == expected


def test_without_trusted_proxies_the_peer_is_always_the_source():
    assert source_ip("127.0.0.1", "198.51.100.9", ()) == "127.0.0.1"
    assert trusted_networks(("10.0.0.0/8",)) == (ipaddress.ip_network("10.0.0.0/8"),)
