"""slimmer's on-disk cache ($XDG_CACHE_HOME/slimmer): derived data that is slow to build at
every start (bashlex's parser tables, the parsed rule catalog). Entries are keyed by what
they were built from, written atomically, and any unreadable entry is simply rebuilt.

The cache folder may come from anywhere (a shared home, a restored CI cache), so an entry
must never be able to run code: entries are plain data (dict, list, tuple, str, int, float,
bool, None) in marshal's format, which has no way to call anything when it loads (pickle
does), behind a header and a checksum; after loading, the value is walked and anything but
plain data (a code object, say) makes the entry a miss, as does any unreadable entry."""

from __future__ import annotations

import marshal
import os
import zlib

MAGIC = b"slimmer-cache-1\n"
_PLAIN = (str, int, float, bool, type(None))


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


def is_plain(value) -> bool:
    """True when `value` is only dicts, lists and tuples of str, int, float, bool, None
    (a loop, not recursion: the tables hold tens of thousands of items)."""
    scalars = frozenset(_PLAIN)
    containers = (dict, list, tuple)
    if type(value) in scalars:
        return True
    if type(value) not in containers:
        return False
    stack = [value]
    while stack:
        v = stack.pop()
        items = [*v.keys(), *v.values()] if type(v) is dict else v
        for x in items:
            t = type(x)
            if t in scalars:
                continue
            if t not in containers:
                return False
            stack.append(x)
    return True


def load(name: str):
    """The cached value, or None when there is none, it cannot be read, or it is not plain
    data written by slimmer (a planted or damaged entry is a miss, never run)."""
    try:
        with open(os.path.join(cache_dir(), name), "rb") as fh:
            data = fh.read()
        if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
            return None
        body = data[len(MAGIC) + 8 :]
        if data[len(MAGIC) : len(MAGIC) + 8] != f"{zlib.crc32(body):08x}".encode():
            return None
        value = marshal.loads(body)
    except Exception:
        return None
    return value if is_plain(value) else None


def store(name: str, value, replaces: str | None = None) -> None:
    """Write the entry; `replaces` is the prefix of older entries of the same kind, removed
    so that the folder does not grow with every upgrade."""
    import tempfile

    folder = cache_dir()
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        body = marshal.dumps(value)
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + f"{zlib.crc32(body):08x}".encode() + body)
        os.replace(tmp, os.path.join(folder, name))
        if replaces:
            for old in os.listdir(folder):
                if old.startswith(replaces) and old != name:
                    os.unlink(os.path.join(folder, old))
    except (OSError, ValueError):  # ValueError: not marshallable, so not plain data
        pass  # a read-only home: slimmer works, only slower
