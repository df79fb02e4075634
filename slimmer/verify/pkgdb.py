"""Which system package installed a file, from the image's own package database: dpkg
(/var/lib/dpkg/info/*.list, or distroless's /var/lib/dpkg/status.d/*) or apk
(/lib/apk/db/installed)."""

from __future__ import annotations

import posixpath

from slimmer.verify.fs import ImageFS


def parse_dpkg_status(text: str) -> dict[str, str]:
    """{package: version} of the packages the status file says are installed."""
    out: dict[str, str] = {}
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line[:1] in (" ", "\t") or ":" not in line:
                continue
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
        name = fields.get("package")
        status = fields.get("status", "install ok installed")
        if name and status.split()[-1:] == ["installed"]:
            out[name] = fields.get("version", "")
    return out


def parse_apk_installed(text: str) -> dict[str, str]:
    """{path: package} from apk's installed database (P: package, F: folder, R: file)."""
    owners: dict[str, str] = {}
    package = folder = ""
    for line in text.splitlines():
        if not line:
            package = folder = ""
            continue
        key, _, value = line.partition(":")
        if key == "P":
            package = value
        elif key == "F":
            folder = value
        elif key == "R" and package:
            owners["/" + posixpath.join(folder, value).lstrip("/")] = package
    return owners


def _usr_variants(path: str) -> list[str]:
    """The same file under merged /usr: /lib/x is /usr/lib/x and back."""
    out = [path]
    for top in ("/lib", "/bin", "/sbin", "/lib64", "/lib32"):
        if path.startswith(top + "/"):
            out.append("/usr" + path)
        if path.startswith("/usr" + top + "/"):
            out.append(path[4:])
    return out


class PackageDB:
    """The file -> package index of one image, read once."""

    def __init__(self, fs: ImageFS):
        self.fs = fs
        self.kind: str | None = None
        self.owners: dict[str, str] = {}
        self.installed: dict[str, str] = {}
        self._load()

    def _load(self) -> None:
        fs = self.fs
        apk = fs.read_text("/lib/apk/db/installed")
        if apk is not None:
            self.kind = "apk"
            self.owners = parse_apk_installed(apk)
            self.installed = {p: "" for p in self.owners.values()}
            return
        status = fs.read_text("/var/lib/dpkg/status")
        lists = [p for p in fs.listdir("/var/lib/dpkg/info") if p.endswith(".list")]
        status_d = fs.listdir("/var/lib/dpkg/status.d")
        if status is None and not lists and not status_d:
            return
        self.kind = "dpkg"
        self.installed = parse_dpkg_status(status or "")
        for name in lists:
            package = name[: -len(".list")].split(":", 1)[0]
            for line in (fs.read_text(f"/var/lib/dpkg/info/{name}") or "").splitlines():
                if line.startswith("/") and line != "/.":
                    self.owners.setdefault(line, package)
        # distroless: status.d/<pkg> (control) and status.d/<pkg>.md5sums (files)
        for name in status_d:
            path = f"/var/lib/dpkg/status.d/{name}"
            if name.endswith(".md5sums"):
                package = name[: -len(".md5sums")]
                for line in (fs.read_text(path) or "").splitlines():
                    parts = line.split(None, 1)
                    if len(parts) == 2:
                        self.owners.setdefault("/" + parts[1].strip().lstrip("/"), package)
            else:
                self.installed.update(parse_dpkg_status(fs.read_text(path) or ""))

    def owner(self, path: str) -> str | None:
        """The package that installed path (tried as given, with symlinks resolved, and
        under merged /usr)."""
        tries = [path]
        real = self.fs.resolve(path)
        if real and real != path:
            tries.append(real)
        for p in tries:
            for variant in _usr_variants(p):
                if variant in self.owners:
                    return self.owners[variant]
        # A library's versioned file is often owned while the soname link is not.
        base = posixpath.basename(path)
        for p, pkg in self.owners.items():
            if posixpath.basename(p) == base:
                return pkg
        return None
