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
    entries = sorted(p.name for p in folder.glob("catalog-*.marshal"))
    assert len(entries) == 1
    assert run(env) == first  # read from the cache
    (folder / entries[0]).write_bytes(b"garbage")
    assert run(env) == first  # unreadable: rebuilt
    stale = folder / "catalog-0000000000000000.marshal"
    stale.write_bytes(b"old")
    (folder / entries[0]).unlink()
    assert run(env) == first
    assert not stale.exists()  # replaced by the new entry
    assert len(list(folder.glob("catalog-*.marshal"))) == 1


def test_a_planted_entry_never_runs_code(tmp_path):
    """Issue 10: the cache folder may come from a shared home or a restored CI cache. A
    pickle planted under every entry name (old and new) must not run; a marshal entry that
    carries a code object is a miss too."""
    import marshal
    import pickle

    from slimmer import cache

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    first = run(env)
    folder = tmp_path / "slimmer"
    proof = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(proof), "w"))

    names = [p.name for p in folder.iterdir()]
    assert names
    for name in names + [n.replace(".marshal", ".pickle") for n in names]:
        (folder / name).write_bytes(pickle.dumps(Evil()))
    assert run(env) == first
    subprocess.run([sys.executable, "-m", "slimmer", "analyze", "-"], env=env, capture_output=True)
    assert not proof.exists()
    # a well-formed entry (header, checksum) that holds a code object is not plain data
    body = marshal.dumps([compile("open(%r, 'w')" % str(proof), "x", "exec")])
    entry = cache.MAGIC + f"{__import__('zlib').crc32(body):08x}".encode() + body
    for name in names:
        (folder / name).write_bytes(entry)
    assert run(env) == first
    assert not proof.exists()


def test_entries_round_trip_plain_data_only(tmp_path, monkeypatch):
    from slimmer import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    value = {"a": [1, 2.5, None, True, ("x", {"y": "z"})], "b": {1: 2}}
    cache.store("t", value)
    assert cache.load("t") == value
    cache.store("bad", {"s": {1, 2}})  # a set is not plain data: nothing is stored
    assert cache.load("bad") is None
    (tmp_path / "slimmer" / "t").write_bytes((tmp_path / "slimmer" / "t").read_bytes()[:-1])
    assert cache.load("t") is None  # damaged: a miss
