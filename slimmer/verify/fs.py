"""An image's filesystem read from one `docker export` tar, without running anything in it.

The export is the flattened filesystem of a container that was created and never started,
so this works on distroless and scratch images (no shell, no coreutils). Paths are absolute
and normalised; symlinks are resolved inside the image (an absolute link target is taken
relative to the image's root, never the host's).
"""

from __future__ import annotations

import posixpath
import stat
import tarfile
import tempfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    path: str
    kind: str  # "file", "dir", "link" (symlink), "hardlink", "other"
    size: int
    mode: int  # permission bits
    uid: int
    gid: int
    target: str = ""  # symlink target, or the path a hardlink points to


def _norm(name: str) -> str:
    name = name[2:] if name.startswith("./") else name
    return posixpath.normpath("/" + name.strip("/")) if name.strip("/") else "/"


class ImageFS:
    """The files of one image. Build it with `ImageFS.export(engine, image)` or, in tests,
    `ImageFS.from_tar(path)` / `ImageFS.from_entries(...)`."""

    def __init__(self, tar: tarfile.TarFile | None, members: dict[str, tarfile.TarInfo], entries: dict[str, Entry], buffer=None):
        self._tar = tar
        self._members = members
        self.entries = entries
        self._buffer = buffer
        self._contents: dict[str, bytes] = {}  # for from_entries

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_tar(cls, fileobj) -> ImageFS:
        tar = tarfile.open(fileobj=fileobj, mode="r:")
        members: dict[str, tarfile.TarInfo] = {}
        entries: dict[str, Entry] = {}
        for m in tar:
            path = _norm(m.name)
            if m.isdir():
                kind, target = "dir", ""
            elif m.issym():
                kind, target = "link", m.linkname
            elif m.islnk():
                kind, target = "hardlink", _norm(m.linkname)
            elif m.isreg():
                kind, target = "file", ""
            else:
                kind, target = "other", ""
            members[path] = m
            entries[path] = Entry(path, kind, m.size if kind == "file" else 0, stat.S_IMODE(m.mode), m.uid, m.gid, target)
        tar.members = []  # the index above is all we keep; the tar stays open for reads
        # Hardlinks carry the size of the file they share data with.
        for path, e in list(entries.items()):
            if e.kind == "hardlink" and e.target in entries:
                entries[path] = Entry(path, "hardlink", entries[e.target].size, e.mode, e.uid, e.gid, e.target)
        if "/" not in entries:
            entries["/"] = Entry("/", "dir", 0, 0o755, 0, 0)
        for path in list(entries):  # folders a tar implies without listing them
            parent = posixpath.dirname(path)
            while parent not in entries:
                entries[parent] = Entry(parent, "dir", 0, 0o755, 0, 0)
                parent = posixpath.dirname(parent)
        return cls(tar, members, entries, fileobj)

    @classmethod
    def from_entries(cls, files: dict[str, bytes | str], links: dict[str, str] | None = None, modes: dict[str, int] | None = None) -> ImageFS:
        """A small in-memory filesystem (for unit tests): files {path: content}, links
        {path: target}; parent folders are implied."""
        entries: dict[str, Entry] = {"/": Entry("/", "dir", 0, 0o755, 0, 0)}

        def add_dirs(path: str) -> None:
            parent = posixpath.dirname(path)
            while parent not in entries:
                entries[parent] = Entry(parent, "dir", 0, 0o755, 0, 0)
                parent = posixpath.dirname(parent)

        fs = cls(None, {}, entries)
        for path, data in files.items():
            raw = data.encode() if isinstance(data, str) else data
            add_dirs(path)
            entries[path] = Entry(path, "file", len(raw), (modes or {}).get(path, 0o755), 0, 0)
            fs._contents[path] = raw
        for path, target in (links or {}).items():
            add_dirs(path)
            entries[path] = Entry(path, "link", 0, 0o777, 0, 0, target)
        return fs

    @classmethod
    def from_overlay(cls, layers: list[str]) -> ImageFS:
        """The merged view of overlay2 layer folders (lowest first), as the kernel would
        show it: a whiteout (a 0/0 character device) deletes a path, an opaque folder
        (xattr trusted.overlay.opaque=y) hides what lower layers had below it."""
        import os

        entries: dict[str, Entry] = {"/": Entry("/", "dir", 0, 0o755, 0, 0)}
        host: dict[str, str] = {}

        def drop(path: str, keep_self: bool = False) -> None:
            existing = entries.get(path)
            if existing is None:
                return
            if existing.kind != "dir":
                if not keep_self:
                    entries.pop(path, None)
                    host.pop(path, None)
                return
            prefix = path.rstrip("/") + "/"
            for p in [p for p in entries if p.startswith(prefix)]:
                entries.pop(p, None)
                host.pop(p, None)
            if not keep_self:
                entries.pop(path, None)
                host.pop(path, None)

        for layer in layers:
            stack = [(layer, "/")]
            while stack:
                folder, rel = stack.pop()
                try:
                    items = list(os.scandir(folder))
                except OSError:
                    continue
                for item in items:
                    path = posixpath.join(rel, item.name)
                    st = item.stat(follow_symlinks=False)
                    if stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
                        drop(path)
                        continue
                    mode, uid, gid = stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid
                    if stat.S_ISDIR(st.st_mode):
                        existing = entries.get(path)
                        opaque = False
                        try:
                            opaque = os.getxattr(item.path, "trusted.overlay.opaque", follow_symlinks=False) == b"y"
                        except OSError:
                            pass
                        if existing is not None and (existing.kind != "dir" or opaque):
                            drop(path, keep_self=existing.kind == "dir")
                        entries[path] = Entry(path, "dir", 0, mode, uid, gid)
                        stack.append((item.path, path))
                    elif stat.S_ISLNK(st.st_mode):
                        drop(path)
                        entries[path] = Entry(path, "link", 0, mode, uid, gid, os.readlink(item.path))
                    elif stat.S_ISREG(st.st_mode):
                        drop(path)
                        entries[path] = Entry(path, "file", st.st_size, mode, uid, gid)
                        host[path] = item.path
                    else:
                        drop(path)
                        entries[path] = Entry(path, "other", 0, mode, uid, gid)
        fs = cls(None, {}, entries)
        fs._host = host
        return fs

    @staticmethod
    def overlay_layers(engine, image: str) -> list[str] | None:
        """The image's overlay2 layer folders (lowest first) when the engine is this
        machine's and they can be read here; else None (then `export` reads a tar)."""
        import os

        if os.environ.get("SLIMMER_VERIFY_EXPORT") or os.environ.get("DOCKER_HOST", "unix://").split("://", 1)[0] not in ("unix", ""):
            return None
        try:
            driver = engine.images.get(image).attrs.get("GraphDriver") or {}
        except Exception:
            return None
        data = driver.get("Data") or {}
        if driver.get("Name") != "overlay2" or not data.get("UpperDir"):
            return None
        layers = list(reversed([d for d in (data.get("LowerDir") or "").split(":") if d])) + [data["UpperDir"]]
        if not all(os.path.isdir(d) and os.access(d, os.R_OK | os.X_OK) for d in layers):
            return None
        return layers

    @classmethod
    def load(cls, engine, image: str, labels: dict[str, str]) -> ImageFS:
        """The image's files: straight from its overlay2 layers when the engine runs on
        this machine (no copy), else from `docker export`."""
        layers = cls.overlay_layers(engine, image)
        if layers is not None:
            return cls.from_overlay(layers)
        return cls.export(engine, image, labels)

    @classmethod
    def export(cls, engine, image: str, labels: dict[str, str]) -> ImageFS:
        """Create (never start) a container of the image, stream its filesystem into a
        temporary file, remove the container, and index the tar."""
        container = engine.containers.create(image, entrypoint=["/slimmer-verify-export"], command=[], labels=labels, network_mode="none")
        buf = tempfile.TemporaryFile(prefix="slimmer-verify-")
        try:
            for chunk in container.export(chunk_size=4 * 1024 * 1024):
                buf.write(chunk)
        finally:
            try:
                container.remove(force=True)
            except Exception:
                pass
        buf.seek(0)
        return cls.from_tar(buf)

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()
        if self._buffer is not None:
            self._buffer.close()

    # -- paths ----------------------------------------------------------------------------
    def lexists(self, path: str) -> bool:
        return _norm(path) in self.entries

    def resolve(self, path: str, depth: int = 0) -> str | None:
        """The path with every symlink resolved inside the image; None when it leads
        nowhere (a dangling link, a loop)."""
        path = _norm(path)
        if depth > 40:
            return None
        parts = [p for p in path.split("/") if p]
        current = "/"
        for i, part in enumerate(parts):
            candidate = posixpath.join(current, part)
            entry = self.entries.get(candidate)
            if entry is None:
                return None
            if entry.kind == "link":
                target = entry.target
                base = target if target.startswith("/") else posixpath.join(current, target)
                rest = "/".join(parts[i + 1:])
                return self.resolve(posixpath.join(base, rest) if rest else base, depth + 1)
            current = candidate
        return current

    def stat(self, path: str) -> Entry | None:
        """The entry a path leads to after symlinks (os.stat)."""
        real = self.resolve(path)
        return None if real is None else self.entries.get(real)

    def is_file(self, path: str) -> bool:
        e = self.stat(path)
        return e is not None and e.kind in ("file", "hardlink")

    def is_dir(self, path: str) -> bool:
        e = self.stat(path)
        return e is not None and e.kind == "dir"

    def under(self, folder: str) -> list[str]:
        """Every path below folder (not following symlinks), sorted."""
        folder = _norm(folder).rstrip("/")
        prefix = folder + "/"
        return sorted(p for p in self.entries if p.startswith(prefix))

    def listdir(self, folder: str) -> list[str]:
        real = self.resolve(folder)
        if real is None:
            return []
        prefix = real.rstrip("/") + "/"
        return sorted(p[len(prefix):] for p in self.entries if p.startswith(prefix) and "/" not in p[len(prefix):] and p != real)

    # -- contents -------------------------------------------------------------------------
    def open(self, path: str):
        """A seekable binary file object of the file a path leads to, or None."""
        real = self.resolve(path)
        if real is None:
            return None
        if real in getattr(self, "_host", {}):
            try:
                return open(self._host[real], "rb")  # noqa: SIM115 - the caller closes it
            except OSError:
                return None
        if real in self._contents:
            import io

            return io.BytesIO(self._contents[real])
        member = self._members.get(real)
        if member is None or not (member.isreg() or member.islnk()):
            return None
        if member.islnk():
            target = self._members.get(_norm(member.linkname))
            if target is None:
                return None
            member = target
        assert self._tar is not None
        return self._tar.extractfile(member)

    def read(self, path: str, limit: int | None = None) -> bytes | None:
        fh = self.open(path)
        if fh is None:
            return None
        with fh:
            return fh.read() if limit is None else fh.read(limit)

    def read_text(self, path: str) -> str | None:
        data = self.read(path)
        return None if data is None else data.decode("utf-8", errors="replace")

    def glob(self, pattern: str) -> list[str]:
        """Paths matching a shell pattern (fnmatch over whole paths; `*` crosses `/`)."""
        import fnmatch

        return sorted(p for p in self.entries if fnmatch.fnmatchcase(p, pattern))


def users(fs: ImageFS) -> dict[str, tuple[int, int]]:
    """{name: (uid, gid)} from the image's /etc/passwd."""
    out: dict[str, tuple[int, int]] = {}
    for line in (fs.read_text("/etc/passwd") or "").splitlines():
        parts = line.split(":")
        if len(parts) >= 4 and parts[2].isdigit() and parts[3].isdigit():
            out[parts[0]] = (int(parts[2]), int(parts[3]))
    return out


def groups_of(fs: ImageFS, name: str | None, gid: int) -> set[int]:
    """The gids a user belongs to: the primary one and those /etc/group lists them in."""
    found = {gid}
    for line in (fs.read_text("/etc/group") or "").splitlines():
        parts = line.split(":")
        if len(parts) >= 4 and parts[2].isdigit() and name and name in parts[3].split(","):
            found.add(int(parts[2]))
    return found


def user_ids(fs: ImageFS, user: str | None) -> tuple[int, set[int]] | None:
    """The uid and gids the image's USER runs as; None when the name is unknown."""
    user = (user or "").strip() or "root"
    name, _, group = user.partition(":")
    table = users(fs)
    if name.isdigit():
        uid = int(name)
        gid = next((g for n, (u, g) in table.items() if u == uid), 0)
        uname = next((n for n, (u, g) in table.items() if u == uid), None)
    elif name in table:
        uid, gid = table[name]
        uname = name
    else:
        return None
    if group:
        if group.isdigit():
            gid = int(group)
        else:
            for line in (fs.read_text("/etc/group") or "").splitlines():
                parts = line.split(":")
                if len(parts) >= 3 and parts[0] == group and parts[2].isdigit():
                    gid = int(parts[2])
    return uid, groups_of(fs, uname, gid)


def can_execute(entry: Entry, ids: tuple[int, set[int]]) -> bool:
    uid, gids = ids
    if uid == 0:
        return bool(entry.mode & 0o111)
    if entry.uid == uid:
        return bool(entry.mode & 0o100)
    if entry.gid in gids:
        return bool(entry.mode & 0o010)
    return bool(entry.mode & 0o001)


DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def env_map(env: list[str] | None) -> dict[str, str]:
    out = {}
    for item in env or []:
        key, _, value = item.partition("=")
        out[key] = value
    return out


def which(fs: ImageFS, name: str, path_var: str | None, workdir: str | None, ids: tuple[int, set[int]] | None) -> tuple[str | None, str]:
    """Where `name` resolves as a command in the image: (path, reason when None)."""
    if "/" in name:
        candidate = name if name.startswith("/") else posixpath.join(workdir or "/", name)
        candidates = [candidate]
    else:
        candidates = [posixpath.join(d or ".", name) for d in (path_var if path_var is not None else DEFAULT_PATH).split(":")]
    seen_noexec = None
    for c in candidates:
        entry = fs.stat(c)
        if entry is None or entry.kind not in ("file", "hardlink"):
            continue
        if ids is not None and not can_execute(entry, ids):
            seen_noexec = c
            continue
        return _norm(c), ""
    if seen_noexec:
        return None, f"{seen_noexec} exists but is not executable by the image's USER"
    where = name if "/" in name else f"on PATH ({path_var if path_var is not None else DEFAULT_PATH})"
    return None, f"not found {where}" if "/" not in name else f"{name} does not exist"


__all__ = ["ImageFS", "Entry", "users", "user_ids", "can_execute", "which", "env_map", "DEFAULT_PATH"]
