"""slimmer's cache: the parsed rule catalog is rebuilt when a rule file changes or the
entry is unreadable, and older entries of the same kind are removed."""

from __future__ import annotations

import os
import subprocess
import sys

CODE = "from slimmer.rules import all_rules; r = all_rules(); print(len(r), r['SLM010'].title)"


def run(env):
    return subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, check=True).stdout


def test_catalog_cache_is_rebuilt_and_pruned(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    first = run(env)
    folder = tmp_path / "slimmer"
    entries = sorted(p.name for p in folder.glob("catalog-*.pickle"))
    assert len(entries) == 1
    assert run(env) == first  # read from the cache
    (folder / entries[0]).write_bytes(b"garbage")
    assert run(env) == first  # unreadable: rebuilt
    from slimmer.cache import KEEP

    stale = []
    for i in range(KEEP + 1):  # entries of other installs, the oldest first
        old = folder / f"catalog-{i:016d}.pickle"
        old.write_bytes(b"old")
        os.utime(old, ns=(10**18 + i * 10**9, 10**18 + i * 10**9))
        stale.append(old)
    (folder / entries[0]).unlink()
    assert run(env) == first
    # The newest entries of other installs stay (two venvs must not evict each other); older go.
    assert [p.exists() for p in stale] == [False] * 2 + [True] * (KEEP - 1)
    assert len(list(folder.glob("catalog-*.pickle"))) == KEEP


def test_two_installs_keep_their_entries(tmp_path, monkeypatch):
    from slimmer import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache.store("kind-a.pickle", 1, replaces="kind-")
    cache.store("kind-b.pickle", 2, replaces="kind-")
    assert cache.load("kind-a.pickle") == 1 and cache.load("kind-b.pickle") == 2
