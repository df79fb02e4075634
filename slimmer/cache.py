"""slimmer's on-disk cache ($XDG_CACHE_HOME/slimmer): derived data that is slow to build at
every start (bashlex's parser tables, the parsed rule catalog). Entries are keyed by what
they were built from, written atomically, and any unreadable entry is simply rebuilt."""

from __future__ import annotations

import os
import pickle
import zlib


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "slimmer")


def fingerprint(text: str) -> str:
    """A short key for `text` (zlib: it imports in microseconds, hashlib does not)."""
    data = text.encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def files_fingerprint(paths: list[str]) -> str:
    """A key that changes when any of the files changes (name, size, mtime)."""
    parts = []
    for path in sorted(paths):
        st = os.stat(path)
        parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
    return fingerprint("\n".join(parts))


def load(name: str):
    """The cached object, or None when there is none or it cannot be read."""
    try:
        with open(os.path.join(cache_dir(), name), "rb") as fh:
            return pickle.load(fh)
    except Exception:
        return None


KEEP = 4  # entries of one kind kept: several installs (a venv, pre-commit's) share the folder


def store(name: str, value, replaces: str | None = None) -> None:
    """Write the entry; `replaces` is the prefix of older entries of the same kind: all but the
    KEEP most recent are removed, so that the folder does not grow with every upgrade while
    two installs side by side (each with its own key) do not evict each other's entry."""
    import tempfile

    folder = cache_dir()
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(folder, name))
        if replaces:
            others = [os.path.join(folder, n) for n in os.listdir(folder) if n.startswith(replaces) and n != name]
            others.sort(key=lambda p: os.stat(p).st_mtime_ns, reverse=True)
            for old in others[KEEP - 1:]:
                os.unlink(old)
    except OSError:
        pass  # a read-only home: slimmer works, only slower
