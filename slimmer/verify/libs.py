"""Check 3, shared libraries: every ELF file the app runs (under the WORKDIR, a venv or
site-packages, node_modules, and the entrypoint binary) finds each DT_NEEDED library in
AFTER, searched as the dynamic loader does: DT_RPATH (when there is no DT_RUNPATH),
LD_LIBRARY_PATH, DT_RUNPATH, with `$ORIGIN` expanded, then the folders of /etc/ld.so.conf
(and its includes) and the default ones (musl: /etc/ld-musl-*.path or /lib:/usr/local/lib:/usr/lib).

ELF headers are read with pyelftools from the exported filesystem, so nothing runs in the
image. A library missing in AFTER that BEFORE had is named with the package that installed
it in BEFORE (dpkg or apk database): the repair installs exactly those.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from slimmer.verify.fs import ImageFS
from slimmer.verify.model import Check, Side, programs
from slimmer.verify.pkgdb import PackageDB

GLIBC_DEFAULT = ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib")
MUSL_DEFAULT = ("/lib", "/usr/local/lib", "/usr/lib")
SCAN_DIR_MARKS = ("/site-packages/", "/dist-packages/", "/node_modules/")


@dataclass
class ElfInfo:
    needed: list[str] = field(default_factory=list)
    rpath: list[str] = field(default_factory=list)
    runpath: list[str] = field(default_factory=list)
    interp: str | None = None


def read_elf(fh) -> ElfInfo | None:
    """DT_NEEDED, DT_RPATH, DT_RUNPATH and PT_INTERP of an ELF file; None if it is not one."""
    from elftools.common.exceptions import ELFError
    from elftools.elf.dynamic import DynamicSection, DynamicSegment
    from elftools.elf.elffile import ELFFile

    try:
        elf = ELFFile(fh)
        info = ElfInfo()
        dynamic = None
        for section in elf.iter_sections():
            if isinstance(section, DynamicSection):
                dynamic = section
                break
        for segment in elf.iter_segments():
            if segment.header.p_type == "PT_INTERP":
                info.interp = segment.get_interp_name()
            elif dynamic is None and isinstance(segment, DynamicSegment):
                dynamic = segment
        if dynamic is not None:
            for tag in dynamic.iter_tags():
                if tag.entry.d_tag == "DT_NEEDED":
                    info.needed.append(tag.needed)
                elif tag.entry.d_tag == "DT_RPATH":
                    info.rpath += [p for p in tag.rpath.split(":") if p]
                elif tag.entry.d_tag == "DT_RUNPATH":
                    info.runpath += [p for p in tag.runpath.split(":") if p]
        return info
    except (ELFError, ValueError, KeyError, AssertionError, IndexError, OSError, TypeError):
        return None


def ld_conf_dirs(fs: ImageFS, path: str = "/etc/ld.so.conf", depth: int = 0) -> list[str]:
    """The folders /etc/ld.so.conf names, following `include` globs (relative to /etc)."""
    text = fs.read_text(path)
    if text is None or depth > 5:
        return []
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("include "):
            for pattern in line.split()[1:]:
                pattern = pattern if pattern.startswith("/") else posixpath.join(posixpath.dirname(path), pattern)
                for match in fs.glob(pattern):
                    if fs.is_file(match):
                        out += ld_conf_dirs(fs, match, depth + 1)
        elif line.startswith("hwcap"):
            continue
        else:
            out.append(line.rstrip("/"))
    return out


def is_musl(fs: ImageFS) -> bool:
    return bool(fs.glob("/lib/ld-musl-*")) or fs.lexists("/etc/alpine-release")


class Resolver:
    """Finds libraries in one image as its dynamic loader would."""

    def __init__(self, fs: ImageFS, env: dict[str, str]):
        self.fs = fs
        self.ld_library_path = [p for p in env.get("LD_LIBRARY_PATH", "").split(":") if p]
        if is_musl(fs):
            conf = []
            for path in fs.glob("/etc/ld-musl-*.path"):
                conf += [p for line in (fs.read_text(path) or "").splitlines() for p in line.replace(":", " ").split()]
            self.system = conf or list(MUSL_DEFAULT)
        else:
            self.system = ld_conf_dirs(fs) + list(GLIBC_DEFAULT)

    def search_dirs(self, elf_path: str, info: ElfInfo) -> list[str]:
        real = self.fs.resolve(elf_path) or elf_path
        origin = posixpath.dirname(real)

        def expand(dirs: list[str]) -> list[str]:
            return [d.replace("${ORIGIN}", origin).replace("$ORIGIN", origin) for d in dirs]

        dirs = [] if info.runpath else expand(info.rpath)
        # A wheel's vendored libraries (auditwheel's <pkg>.libs folder) are loaded through
        # the extension whose RPATH names that folder; their own needs are met from it.
        vendored = [origin] if posixpath.basename(origin).endswith(".libs") else []
        return dirs + self.ld_library_path + expand(info.runpath) + vendored + self.system

    def find(self, name: str, elf_path: str, info: ElfInfo) -> str | None:
        if "/" in name:
            return name if self.fs.is_file(name) else None
        for d in self.search_dirs(elf_path, info):
            candidate = posixpath.normpath(posixpath.join(d, name))
            if self.fs.is_file(candidate):
                return candidate
        return None


def elf_candidates(side: Side) -> list[str]:
    """The files to scan: regular files that look like shared objects or executables
    under the WORKDIR, site-packages/dist-packages, node_modules, a venv, plus the
    entrypoint's programs."""
    fs = side.fs
    roots = []
    if side.workdir not in ("/", ""):
        roots.append(side.workdir.rstrip("/") + "/")
    venv = side.env.get("VIRTUAL_ENV")
    if venv:
        roots.append(venv.rstrip("/") + "/")
    out = []
    for path, entry in fs.entries.items():
        if entry.kind not in ("file", "hardlink") or entry.size < 64:
            continue
        if not (path.startswith(tuple(roots)) if roots else False) and not any(m in path for m in SCAN_DIR_MARKS):
            continue
        base = posixpath.basename(path)
        if ".so" in base or entry.mode & 0o111 or base.endswith((".node", ".pyd")):
            out.append(path)
    from slimmer.verify.executables import resolve_program

    for name in programs(side.argv):
        _found, _why, chain = resolve_program(side, name)  # a script's interpreter too
        for found in chain:
            real = fs.resolve(found)
            if real and real not in out:
                out.append(real)
    return sorted(set(out))


def scan(side: Side) -> dict[str, tuple[ElfInfo, dict[str, str | None]]]:
    """{elf path: (info, {needed: resolved path or None})} for every ELF file found."""
    resolver = Resolver(side.fs, side.env)
    out = {}
    for path in elf_candidates(side):
        fh = side.fs.open(path)
        if fh is None:
            continue
        with fh:
            if fh.read(4) != b"\x7fELF":
                continue
            fh.seek(0)
            info = read_elf(fh)
        if info is None:
            continue
        out[path] = (info, {n: resolver.find(n, path, info) for n in info.needed})
    return out


def counterpart(fs: ImageFS, elf_path: str) -> str | None:
    """The same ELF file in the other image: at the same path, or at the same place inside
    a site-packages/dist-packages/node_modules folder (a venv moves them)."""
    if fs.is_file(elf_path):
        return elf_path
    for mark in SCAN_DIR_MARKS:
        if mark in elf_path:
            rest = elf_path.split(mark, 1)[1]
            # pip on an OS Python writes dist-packages, in a venv site-packages: the same file.
            marks = {mark} | ({"site-packages/", "dist-packages/"} if mark.strip("/") in ("site-packages", "dist-packages") else set())
            hits = [p for p in fs.entries if any(p.endswith(m + rest) for m in marks)]
            if hits:
                return sorted(hits)[0]
    return None


def find_in(side: Side, name: str, elf_path: str | None, resolver: Resolver) -> str | None | bool:
    """Where BEFORE has a library: through the same ELF's search path when BEFORE has that
    ELF (False when it does not resolve there either), else the system folders, else any
    file of that name."""
    fs = side.fs
    twin = counterpart(fs, elf_path) if elf_path else None
    if twin:
        fh = fs.open(twin)
        if fh is not None:
            with fh:
                info = read_elf(fh) if fh.read(4) == b"\x7fELF" and fh.seek(0) == 0 else None
            if info is not None:
                return resolver.find(name, twin, info) or False
    hit = resolver.find(name, "/", ElfInfo())
    if hit:
        return hit
    for path, entry in fs.entries.items():
        if posixpath.basename(path) == name and entry.kind in ("file", "hardlink", "link") and fs.is_file(path):
            return path
    return None


def check_libraries(before: Side, after: Side) -> Check:
    found = scan(after)
    resolver_b = Resolver(before.fs, before.env)
    db = None
    missing: dict[str, dict] = {}  # library name -> evidence
    both: dict[str, list[str]] = {}
    for path, (_info, needs) in sorted(found.items()):
        for name, hit in needs.items():
            if hit is not None:
                continue
            where = find_in(before, name, path, resolver_b)
            if not where:
                both.setdefault(name, []).append(path)
                continue
            if db is None:
                db = PackageDB(before.fs)
            item = missing.setdefault(name, {"library": name, "needed_by": [], "before_path": where, "package": db.owner(where)})
            item["needed_by"].append(path)
    details = []
    for name, item in sorted(missing.items()):
        pkg = f"package {item['package']}" if item["package"] else "no package owns it in BEFORE"
        users_ = ", ".join(item["needed_by"][:3]) + (f" (+{len(item['needed_by']) - 3} more)" if len(item["needed_by"]) > 3 else "")
        details.append(f"missing: {name} needed by {users_}; BEFORE has {item['before_path']} ({pkg})")
    for name, users_ in sorted(both.items()):
        details.append(f"unresolved in BEFORE too (not the rewrite's doing): {name} needed by {users_[0]}" + (f" (+{len(users_) - 1} more)" if len(users_) > 1 else ""))
    libs = sum(len(n) for _, n in found.values())
    packages = sorted({i["package"] for i in missing.values() if i["package"]})
    if missing:
        summary = f"{len(missing)} librar{'y' if len(missing) == 1 else 'ies'} missing in AFTER: " + ", ".join(
            f"{n}" + (f" (package {i['package']} in BEFORE)" if i["package"] else "") for n, i in sorted(missing.items()))
    else:
        summary = f"{len(found)} ELF file(s), {libs} DT_NEEDED entries: all resolve"
    installer = None
    if missing:
        installer = "apt-get" if after.fs.is_file("/usr/bin/apt-get") else "apk" if after.fs.is_file("/sbin/apk") or after.fs.is_file("/usr/bin/apk") else None
    data = {"after_installer": installer, "elf_files": len(found), "missing": list(missing.values()), "packages": packages, "package_manager": db.kind if db is not None else None}
    return Check("libraries", not missing, summary, details, data)

