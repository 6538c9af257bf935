"""``core.filecache.FileCache``: the shared cache, with an atomic ``add`` and a size looked at now and then."""

import threading
import time

from ganxun.core import filecache
from ganxun.core.filecache import FileCache


def _cache(tmp_path, **options):
    return FileCache(str(tmp_path / "cache"), {"OPTIONS": options})


def test_of_many_threads_adding_one_key_exactly_one_succeeds(tmp_path):
    cache = _cache(tmp_path)

    def add(key, n, go, won):
        go.wait()
        if cache.add(key, n, timeout=60):
            won.append(n)
    for round_ in range(20):
        go, won = threading.Barrier(8), []
        threads = [threading.Thread(target=add, args=(f"marker-{round_}", n, go, won)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(won) == 1 and cache.get(f"marker-{round_}") == won[0]


def test_add_takes_the_place_of_an_expired_value_and_keeps_a_live_one(tmp_path):
    cache = _cache(tmp_path)
    cache.set("k", "old", timeout=0.05)
    assert not cache.add("k", "new", timeout=60) or cache.get("k") == "new"
    time.sleep(0.1)
    assert cache.add("k", "new", timeout=60) and cache.get("k") == "new"
    assert not cache.add("k", "newer", timeout=60) and cache.get("k") == "new"


def test_the_size_is_looked_at_once_a_while_and_then_culled(tmp_path):
    cache = _cache(tmp_path, MAX_ENTRIES=10, CULL_FREQUENCY=2)

    def files():
        return len(list((tmp_path / "cache").glob("*.djcache")))
    cache.set("first", 0)                  # looks (nothing to cull), then not again for CULL_SECONDS
    for n in range(30):
        cache.set(f"k{n}", n)
    assert files() == 31                   # grown past MAX_ENTRIES meanwhile: no listing on each set
    filecache._looked_at[cache._dir] -= filecache.CULL_SECONDS + 1   # the time has passed
    cache.set("one-more", 1)
    assert files() <= 17                   # culled as Django does: half of what was there
    assert cache.get("one-more") == 1
