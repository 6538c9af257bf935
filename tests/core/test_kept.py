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
