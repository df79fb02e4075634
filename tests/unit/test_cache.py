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
    stale = folder / "catalog-0000000000000000.pickle"
    stale.write_bytes(b"old")
    (folder / entries[0]).unlink()
    assert run(env) == first
    assert not stale.exists()  # replaced by the new entry
    assert len(list(folder.glob("catalog-*.pickle"))) == 1
