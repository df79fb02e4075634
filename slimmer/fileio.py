"""Writing the user's files the way a careful editor does.

- The new text goes to a temporary file in the same folder, is flushed and fsync'ed, and
  is renamed over the old file: a reader sees the old file or the new one, never half.
- A symlink is written through: the link's target gets the new text, the link stays.
- A new file honours the umask (0644 under 022); a replaced file keeps its mode, and its
  owner and group where the user may set them.
- A read-only file is refused unless forced; anything but a regular file is refused.
- The file must be unchanged since slimmer read it (size, mtime, content): an edit made
  while slimmer ran is never lost.
- A backup is written atomically and never replaces an older backup: `Dockerfile.bak`
  first, then `Dockerfile.1.bak`, `Dockerfile.2.bak`, ... (numbered like Emacs' and GNU
  cp's numbered backups; every name ends in `.bak`, so analyze never takes one for a
  Dockerfile).
- SIGTERM or SIGHUP during a write removes the temporary file before slimmer exits.

Every failure is a SlimmerError naming the path (exit 2), never an OS traceback.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from slimmer.errors import SlimmerError

TMP_PREFIX = ".slimmer-"


@dataclass(frozen=True)
class Snapshot:
    """What a file was when slimmer read it."""

    size: int
    mtime_ns: int
    data: bytes


def snapshot(path: str) -> Snapshot | None:
    """The file's size, mtime and bytes now, or None when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            return Snapshot(st.st_size, st.st_mtime_ns, fh.read())
    except OSError:
        return None


def _os_error(path: str, exc: OSError, doing: str = "cannot write") -> SlimmerError:
    reason = exc.strerror or str(exc)
    return SlimmerError(f"{doing}: {reason}", path)


@contextmanager
def _signals_clean(tmp_paths: list[str]):
    """While a temporary file exists, SIGTERM/SIGHUP remove it and then exit as the
    signal would (128 + its number)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}

    def handler(signum, frame):
        for p in tmp_paths:
            try:
                os.unlink(p)
            except OSError:
                pass
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            previous[sig] = signal.signal(sig, handler)
        except (ValueError, OSError):
            pass
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder
    finally:
        os.close(fd)


def _write_temp(folder: str, data: bytes, like: os.stat_result | None, tmp_paths: list[str]) -> str:
    """A fsync'ed temporary file in `folder` with `data`; mode (and owner) of `like`, or
    0666 less the umask for a new file."""
    import secrets

    mode = stat.S_IMODE(like.st_mode) if like is not None else 0o666
    for _ in range(100):
        tmp = os.path.join(folder, TMP_PREFIX + secrets.token_hex(4))
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
        except FileExistsError:
            continue
        break
    else:  # pragma: no cover
        raise FileExistsError(errno.EEXIST, "no free temporary name", folder)
    tmp_paths.append(tmp)
    try:
        if like is not None:
            os.fchmod(fd, mode)  # the umask must not take bits off a file being replaced
            try:
                os.fchown(fd, like.st_uid, like.st_gid)
            except OSError:
                try:  # a user may still keep the group when it is one of theirs
                    os.fchown(fd, -1, like.st_gid)
                except OSError:
                    pass
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    finally:
        os.close(fd)
    return tmp


def _unlink_quietly(paths: list[str]) -> None:
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass


def backup_name(path: str) -> str:
    """The first free backup name: PATH.bak, then PATH.1.bak, PATH.2.bak, ..."""
    if not os.path.lexists(path + ".bak"):
        return path + ".bak"
    n = 1
    while os.path.lexists(f"{path}.{n}.bak"):
        n += 1
    return f"{path}.{n}.bak"


def _target(path: str) -> str:
    """The file a write to `path` changes: the end of its symlink chain."""
    return os.path.realpath(path) if os.path.islink(path) else path


def check_writable(path: str, force: bool = False) -> None:
    """Refuse, before any work, a path that cannot or should not be replaced."""
    target = _target(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        folder = os.path.dirname(os.path.abspath(target))
        if not os.path.isdir(folder):
            raise SlimmerError("cannot write: the folder does not exist", path) from None
        return
    except OSError as exc:
        raise _os_error(path, exc) from None
    if not stat.S_ISREG(st.st_mode):
        raise SlimmerError("cannot write: not a regular file", path)
    if not force and (not st.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK)):
        raise SlimmerError("the file is read-only; not changed (use --force to replace it anyway)", path)


def write_text(
    path: str,
    text: str,
    *,
    force: bool = False,
    expect: Snapshot | None = None,
    backup: bool = False,
) -> str | None:
    """Replace `path` with `text` (UTF-8, line endings as given). With `expect`, the file
    must still be what was read; with `backup`, the old bytes are kept first. Returns the
    backup's name, if one was written."""
    check_writable(path, force)
    target = _target(path)
    folder = os.path.dirname(os.path.abspath(target))
    data = text.encode("utf-8")
    tmp_paths: list[str] = []
    bak = None
    with _signals_clean(tmp_paths):
        try:
            try:
                like = os.stat(target)
            except FileNotFoundError:
                like = None
            if backup and like is not None:
                old = expect.data if expect is not None else open(target, "rb").read()
                bak = _write_backup(path, old, like, tmp_paths)
            tmp = _write_temp(folder, data, like, tmp_paths)
            if expect is not None:
                now = snapshot(target)
                if now is None or (now.size, now.mtime_ns, now.data) != (expect.size, expect.mtime_ns, expect.data):
                    raise SlimmerError("the file changed while slimmer ran; not replaced (run slimmer again)", path)
            os.replace(tmp, target)
            tmp_paths.remove(tmp)
            _fsync_dir(folder)
        except OSError as exc:
            raise _os_error(path, exc) from None
        finally:
            _unlink_quietly(tmp_paths)
    return bak


def _write_backup(path: str, data: bytes, like: os.stat_result, tmp_paths: list[str]) -> str:
    """Write `data` to the first free backup name, atomically and without ever replacing
    an existing file (a hard link of a finished temporary file fails if the name is taken)."""
    folder = os.path.dirname(os.path.abspath(path))
    tmp = _write_temp(folder, data, like, tmp_paths)
    for _ in range(100):
        name = backup_name(path)
        try:
            os.link(tmp, name)
        except FileExistsError:
            continue  # taken meanwhile: the next number
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK) and exc.errno != errno.ENOSYS:
                raise
            if os.path.lexists(name):
                continue
            os.rename(tmp, name)  # no hard links here: the name was free a moment ago
            tmp_paths.remove(tmp)
            return name
        os.unlink(tmp)
        tmp_paths.remove(tmp)
        return name
    raise SlimmerError("cannot write a backup: no free .bak name", path)  # pragma: no cover
