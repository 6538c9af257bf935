"""``core.kept.kept_once``: many asking the same while it is being worked out get the one result."""

import threading
import time

from ganxun.core.kept import kept_once


def test_the_others_wait_for_the_first_and_get_its_result():
    calls = []
    started = threading.Event()

    def slow():
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return {"page": len(calls)}

    got = []
    first = threading.Thread(target=lambda: got.append(kept_once("k", slow, 60)))
    first.start()
    started.wait(5)
    others = [threading.Thread(target=lambda: got.append(kept_once("k", slow, 60))) for _ in range(5)]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join()
    assert calls == [1] and got == [{"page": 1}] * 6


def test_a_result_not_to_keep_is_worked_out_each_time_and_a_failure_lets_the_next_try():
    calls = []
    assert kept_once("r", lambda: calls.append(1) or "redirect", 60, keep=lambda v: v != "redirect") == "redirect"
    assert kept_once("r", lambda: calls.append(1) or "redirect", 60, keep=lambda v: v != "redirect") == "redirect"
    assert len(calls) == 2

    def broken():
        raise RuntimeError("database went away")

    try:
        kept_once("f", broken, 60)
    except RuntimeError:
        pass
    start = time.monotonic()
    assert kept_once("f", lambda: "ok", 60) == "ok" and time.monotonic() - start < 1   # no marker left to wait on


def _computing(key, value, began: threading.Event, release: threading.Event, got: list, **options):
    def slow():
        began.set()
        release.wait(5)
        return value
    return threading.Thread(target=lambda: got.append(kept_once(key, slow, 60, **options)))


def test_while_one_works_out_a_new_state_the_others_get_the_latest_at_once_and_nobody_waits():
    family = {"latest": "page:latest", "stale_seconds": 10}
    assert kept_once("page@1", lambda: "state 1", 60, **family) == "state 1"
    began, release, got = threading.Event(), threading.Event(), []
    first = _computing("page@2", "state 2", began, release, got, **family)
    first.start()
    began.wait(5)
    calls = []
    start = time.monotonic()
    # another asker at a later state still: the family is being worked out, the latest page is young enough
    assert kept_once("page@3", lambda: calls.append(1) or "state 3", 60, **family) == "state 1"
    assert time.monotonic() - start < 1 and calls == []
    release.set()
    first.join()
    assert got == ["state 2"]
    # the family free again, a later state is worked out; one who asks without the family waits as before
    assert kept_once("page@3", lambda: "state 3", 60, **family) == "state 3"
    assert kept_once("page@3", lambda: "never", 60) == "state 3"


def test_a_latest_value_too_old_is_not_given_and_a_young_one_spares_the_work():
    assert kept_once("old@1", lambda: "state 1", 60, latest="old:latest") == "state 1"
    time.sleep(0.05)
    # too old to be fresh or stale: worked out
    assert kept_once("old@2", lambda: "state 2", 60, latest="old:latest", fresh_seconds=0.01,
                     stale_seconds=0.01) == "state 2"
    # young enough to be fresh: nothing worked out
    assert kept_once("old@3", lambda: "state 3", 60, latest="old:latest", fresh_seconds=30) == "state 2"
    # while another works out the family, a latest value too old for the asker makes it wait for the result
    time.sleep(0.05)
    began, release, got = threading.Event(), threading.Event(), []
    first = _computing("old@4", "state 4", began, release, got, latest="old:latest", stale_seconds=30)
    first.start()
    began.wait(5)
    threading.Timer(0.2, release.set).start()
    assert kept_once("old@4", lambda: "not this", 60, latest="old:latest", stale_seconds=0.01) == "state 4"
    first.join()


def test_a_slower_computation_of_an_older_state_does_not_replace_the_latest():
    began, release, got = threading.Event(), threading.Event(), []
    older = _computing("slow@1", "state 1", began, release, got, latest="slow:latest")
    older.start()
    began.wait(5)
    assert kept_once("slow@2", lambda: "state 2", 60, latest="slow:latest") == "state 2"
    release.set()
    older.join()
    assert kept_once("slow@3", lambda: "never", 60, latest="slow:latest", fresh_seconds=30) == "state 2"
