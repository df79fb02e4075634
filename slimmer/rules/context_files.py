"""Reading files of the build context, and only those.

analyze opens files the Dockerfile names (requirements files, archives ADD may unpack,
lockfiles, .dockerignore). The Dockerfile is input slimmer does not trust, so every read
goes through here:

- the path is resolved (symlinks followed) and must stay inside the build context: no
  `..` escape, no absolute path or link leading out of it;
- only regular files are read: no devices, FIFOs, sockets, nothing under /proc, /sys or
  /dev (whose "files" report size 0 and can hold secrets such as /proc/self/environ);
- at most MAX_BYTES are read; a larger file is not read at all.

A file that exists but is refused is recorded, and the CLI says that it was not read and
why (`skipped()`); a file that simply is not there is no news.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache

MAX_BYTES = 1 << 20  # 1 MiB: far more than any requirements file or lockfile head needs
_SYSTEM = ("/proc", "/sys", "/dev")

_skipped: dict[str, str] = {}  # path as the Dockerfile named it -> why it was not read


def skipped() -> list[tuple[str, str]]:
    """Files refused since the last call, with the reason; clears the list."""
    out = list(_skipped.items())
    _skipped.clear()
    return out


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@lru_cache(maxsize=64)
def _real_root(context_dir: str) -> str:
    return os.path.realpath(context_dir)


def _realpath_under(root: str, rel: str) -> str:
    """os.path.realpath(root/rel) for a `root` that is already real: only the components of
    `rel` are looked at (one lstat each), unless one is a link, then the full resolution."""
    path = root
    for part in rel.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            path = os.path.dirname(path)
            continue
        path = os.path.join(path, part)
        if os.path.islink(path):
            return os.path.realpath(os.path.join(root, rel))
    return path


def resolve(context_dir: str, rel: str, note: bool = True) -> str | None:
    """The real path of `rel` (relative to the context; a leading / is the context's root,
    as in COPY) when it is a regular file inside the build context, else None."""
    if not rel or "\0" in rel:
        return None
    root = _real_root(os.path.abspath(context_dir))
    joined = os.path.join(root, rel.lstrip("/"))
    if not os.path.lexists(joined):
        return None
    real = _realpath_under(root, rel.lstrip("/"))
    why = None
    if not _inside(root, real):
        why = "outside the build context"
    elif any(_inside(s, real) for s in _SYSTEM) and not any(_inside(s, root) for s in _SYSTEM):
        why = "a system file"
    else:
        try:
            st = os.stat(real)
        except OSError:
            return None
        if stat.S_ISDIR(st.st_mode):
            return None
        if not stat.S_ISREG(st.st_mode):
            why = "not a regular file"
        elif st.st_size > MAX_BYTES:
            why = f"larger than {MAX_BYTES // (1 << 20)} MiB"
    if why:
        if note:
            _skipped.setdefault(rel, why)
        return None
    return real


def is_file(context_dir: str, rel: str) -> bool:
    """True when `rel` is a regular file slimmer may read in the build context."""
    return resolve(context_dir, rel, note=False) is not None


def read_bytes(context_dir: str, rel: str, limit: int = MAX_BYTES) -> bytes | None:
    """At most `limit` bytes of a file in the build context, or None (not there, refused)."""
    real = resolve(context_dir, rel)
    if real is None:
        return None
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else meanwhile
            _skipped.setdefault(rel, "not a regular file")
            return None
        data = os.read(fd, min(limit, MAX_BYTES) + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        _skipped.setdefault(rel, f"larger than {MAX_BYTES // (1 << 20)} MiB")
        return None
    return data[:limit]


def read_text(context_dir: str, rel: str) -> str | None:
    """A text file of the build context (undecodable bytes replaced), or None."""
    data = read_bytes(context_dir, rel)
    return None if data is None else data.decode("utf-8", errors="replace")
