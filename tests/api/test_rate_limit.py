"""GANXUN_RATE_API: per client address and per account or token, 429 with Retry-After and a Chinese JSON
message, open again in the next window; counted in a cache the web processes share."""

import subprocess
import sys

import pytest
from django.core.cache import cache

from ganxun.accounts.services import token_create
from ganxun.core import ratelimit
from ganxun.core.roles import UNSCOPED_OPERATOR


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, at the start of a window; ``clock.now += 60`` moves it on."""
    class Clock:
        now = 1_800_000_000.0  # a multiple of 60 and of 3600

    monkeypatch.setattr(ratelimit, "_clock", lambda: Clock.now)
    cache.clear()
    yield Clock
    cache.clear()


def test_parse_rate():
    assert ratelimit.parse_rate("10/m") == ratelimit.Rate(10, 60)
    assert ratelimit.parse_rate("120/min") == ratelimit.Rate(120, 60)
    assert ratelimit.parse_rate(" 5 / 30s ") == ratelimit.Rate(5, 30)
    assert ratelimit.parse_rate("1000/h") == ratelimit.Rate(1000, 3600)
    assert ratelimit.parse_rate("") is None and ratelimit.parse_rate("off") is None
    from django.core.exceptions import ImproperlyConfigured

    for bad in ("10", "ten/m", "10/fortnight", "-1/m"):
        with pytest.raises(ImproperlyConfigured, match="GANXUN_RATE_API 应形如"):
            ratelimit.parse_rate(bad, "GANXUN_RATE_API")


def test_the_request_past_the_rate_is_429_with_retry_after_until_the_window_ends(client, world, settings, clock):
    settings.GANXUN_RATE_API = "5/m"
    client.force_login(world.users["city"])
    for _ in range(5):
        assert client.get("/api/v1/cadres/").status_code == 200
    clock.now += 15
    response = client.get("/api/v1/cadres/")
    assert response.status_code == 429
    assert response["Retry-After"] == "45"
    assert response.json() == {"detail": "请求过于频繁，请 45 秒后再试", "code": "rate_limited",
                               "extra": {"retry_after": 45}}
    clock.now += 45  # the next window
    assert client.get("/api/v1/cadres/").status_code == 200


def test_one_account_is_limited_from_every_address(client, world, settings, clock):
    settings.GANXUN_RATE_API = "3/m"
    client.force_login(world.users["city"])
    for n in range(3):
        assert client.get("/api/v1/cadres/", REMOTE_ADDR=f"10.0.0.{n}").status_code == 200
    assert client.get("/api/v1/cadres/", REMOTE_ADDR="10.0.0.9").status_code == 429
    # another account, from another address, is not
    other = type(client)()
    other.force_login(world.users["dc"])
    assert other.get("/api/v1/cadres/", REMOTE_ADDR="10.0.1.1").status_code == 200


def test_one_token_is_limited_from_every_address(client, world, settings, clock):
    settings.GANXUN_RATE_API = "3/m"
    _, raw = token_create(acting_user=UNSCOPED_OPERATOR, username="city_admin")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for n in range(3):
        assert client.get("/api/v1/cadres/", REMOTE_ADDR=f"10.0.0.{n}", **auth).status_code == 200
    response = client.get("/api/v1/cadres/", REMOTE_ADDR="10.0.0.9", **auth)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_300_guessed_tokens_are_answered_mostly_429(client, world, settings, clock):
    settings.GANXUN_RATE_API = "120/m"
    statuses = [client.get("/api/v1/cadres/", HTTP_AUTHORIZATION=f"Bearer gx_guess{n:04d}").status_code
                for n in range(300)]
    assert statuses.count(401) == 120 and statuses.count(429) == 180
    assert all(client.get("/api/v1/cadres/", HTTP_AUTHORIZATION="Bearer gx_more").status_code == 429 for _ in range(3))


def test_without_a_rate_nothing_is_counted(client, world, settings, clock):
    settings.GANXUN_RATE_API = ""
    client.force_login(world.users["city"])
    assert all(client.get("/api/v1/orgs/").status_code == 200 for _ in range(30))
    assert not any(str(k).startswith("ganxun:rate") for k in getattr(cache, "_cache", {}))


def test_the_file_cache_counts_across_processes(tmp_path):
    """Three processes (as three gunicorn workers) count against one file cache: 2 + 2 + 2 requests at 5/m,
    the sixth is over. A LocMemCache would give each process its own 5."""
    script = f"""
import sys
from django.conf import settings
settings.configure(CACHES={{"default": {{"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                        "LOCATION": {str(tmp_path / "cache")!r}}}}})
from ganxun.core import ratelimit
ratelimit._clock = lambda: 1_800_000_010.0
rate = ratelimit.parse_rate("5/m")
print(" ".join(str(ratelimit.hit("api", "ip:10.0.0.1", rate)) for _ in range(2)))
"""
    outputs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
               for _ in range(3)]
    assert outputs == [["None", "None"], ["None", "None"], ["None", "50"]]


def test_a_cache_that_cannot_be_written_lets_requests_through(client, world, settings, clock, monkeypatch, caplog):
    settings.GANXUN_RATE_API = "1/m"

    def full(*a, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache, "add", full)
    client.force_login(world.users["city"])
    assert [client.get("/api/v1/orgs/").status_code for _ in range(3)] == [200, 200, 200]
    assert "频率限制计数失败" in caplog.text
