"""Under gunicorn the reverse proxy's headers count from GANXUN_TRUSTED_PROXY only, exactly as under waitress."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from ganxun.shell.proxy import TrustedProxy


def seen(peer: str, headers: dict, trusted: str | None = "127.0.0.1") -> dict:
    captured = {}

    def app(environ, start_response):
        captured.update(environ)
        return []

    environ = {"REMOTE_ADDR": peer, "wsgi.url_scheme": "http",
               **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}}
    TrustedProxy(app, trusted)(environ, lambda *a: None)
    return captured


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9, 10.0.0.7",
             "X-Forwarded-Host": "evil.example", "X-Forwarded-Ssl": "on", "Forwarded": "for=1.2.3.4;proto=https"}


def test_the_proxys_scheme_and_last_hop_are_believed_and_the_headers_removed():
    environ = seen("127.0.0.1", FORWARDED)

    assert environ["wsgi.url_scheme"] == "https" and environ["HTTPS"] == "on"
    assert environ["REMOTE_ADDR"] == "10.0.0.7"  # the hop the proxy itself added
    assert not [k for k in environ if "FORWARDED" in k]


def test_a_stranger_claiming_to_be_forwarded_keeps_its_own_address_and_plain_http():
    environ = seen("127.0.0.2", FORWARDED)

    assert environ["wsgi.url_scheme"] == "http" and "HTTPS" not in environ
    assert environ["REMOTE_ADDR"] == "127.0.0.2"
    assert not [k for k in environ if "FORWARDED" in k]


def test_with_no_trusted_proxy_nobody_is_believed_and_garbage_is_ignored():
    assert seen("127.0.0.1", FORWARDED, trusted=None)["REMOTE_ADDR"] == "127.0.0.1"
    environ = seen("127.0.0.1", {"X-Forwarded-Proto": "gopher", "X-Forwarded-For": "not-an-address"})
    assert environ["wsgi.url_scheme"] == "http" and environ["REMOTE_ADDR"] == "127.0.0.1"


@pytest.mark.parametrize("raw, expected", [("3", 3), ("1", 1)])
def test_the_number_of_web_processes_is_a_setting(monkeypatch, raw, expected):
    from ganxun import settings as ganxun_settings

    monkeypatch.setenv("GANXUN_WEB_WORKERS", raw)
    assert ganxun_settings._web_workers() == expected


@pytest.mark.parametrize("raw", ["0", "-2", "many", "100"])
def test_a_bad_number_of_web_processes_is_refused_in_chinese(monkeypatch, raw):
    from ganxun import settings as ganxun_settings

    monkeypatch.setenv("GANXUN_WEB_WORKERS", raw)
    with pytest.raises(ImproperlyConfigured, match="GANXUN_WEB_WORKERS 应为 1—64 的整数"):
        ganxun_settings._web_workers()


def test_by_default_one_web_process_per_cpu_plus_one(monkeypatch):
    import os

    from ganxun import settings as ganxun_settings

    monkeypatch.delenv("GANXUN_WEB_WORKERS", raising=False)
    assert ganxun_settings._web_workers() == max(2, len(os.sched_getaffinity(0)) + 1)
