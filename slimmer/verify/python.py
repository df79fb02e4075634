"""Check 4, Python: the distributions installed in BEFORE (their *.dist-info / *.egg-info
metadata, read from the exported files) are in AFTER at the same versions, except those
dropped on purpose (development and test tools, the packaging tools, and what only they
required), and each remaining top-level module that imports in BEFORE imports in AFTER
(all of them in one interpreter per image, with a timeout)."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from email.parser import HeaderParser

from slimmer.verify.fs import which
from slimmer.verify.model import Check, Side

PACKAGING_TOOLS = {"pip", "setuptools", "wheel", "distribute", "pip-tools", "pipenv", "poetry", "poetry-core", "virtualenv", "build"}
SKIP_MODULES = {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "scripts", "_distutils_hack"}
IMPORT_TIMEOUT = 120

PROBE_SCRIPT = r"""
import importlib, importlib.metadata as md, json, re, sys
sys.path.insert(0, '')
skip = set(json.loads(sys.argv[1]))
dists = {}
for d in md.distributions():
    name = d.metadata['Name']
    if not name:
        continue
    key = re.sub(r'[-_.]+', '-', name).lower()
    if key in dists:
        continue
    top = d.read_text('top_level.txt')
    if top is not None:
        mods = [m.strip() for m in top.splitlines() if m.strip()]
    else:
        mods = []
        for f in d.files or []:
            parts = f.parts
            if not parts or parts[0] in ('..', '__pycache__') or parts[0].endswith(('.dist-info', '.egg-info', '.data', '.pth')):
                continue
            if len(parts) > 1:
                mod = parts[0]
            elif parts[0].endswith('.py'):
                mod = parts[0][:-3]
            elif '.so' in parts[0]:
                mod = parts[0].split('.', 1)[0]
            else:
                continue
            if mod not in mods:
                mods.append(mod)
    mods = [m.replace('/', '.') for m in mods if m.replace('/', '_').isidentifier() and m not in skip]
    requires = []
    for r in d.requires or []:
        if 'extra ==' in r.replace('extra==', 'extra =='):
            continue
        m = re.match(r'\s*([A-Za-z0-9][A-Za-z0-9._-]*)', r)
        if m:
            requires.append(re.sub(r'[-_.]+', '-', m.group(1)).lower())
    dists[key] = {'name': name, 'version': d.version, 'location': str(d.locate_file('')), 'modules': mods, 'requires': requires}
sys.stdout.write('\nSLIMMER-DISTS ' + json.dumps(dists) + '\n')
sys.stdout.flush()
for key in sorted(dists):
    for mod in dists[key]['modules']:
        try:
            importlib.import_module(mod)
            err = None
        except BaseException as exc:
            err = (type(exc).__name__ + ': ' + str(exc))[:300]
        sys.stdout.write('\nSLIMMER-IMPORT ' + json.dumps([mod, err]) + '\n')
        sys.stdout.flush()
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Dist:
    name: str
    version: str
    location: str
    modules: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)  # canonical names, extras-only ones left out


def _requirement_name(spec: str) -> str | None:
    if "extra ==" in spec.replace("extra==", "extra =="):
        return None  # only for an extra
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return canonical(m.group(1)) if m else None


def distributions(side: Side) -> dict[str, Dist]:
    """{canonical name: Dist} of every distribution under a site-packages or
    dist-packages folder of the image."""
    fs = side.fs
    out: dict[str, Dist] = {}
    metas = []
    for path in fs.entries:
        if "-packages/" not in path:
            continue
        if path.endswith(".dist-info/METADATA") or path.endswith(".egg-info/PKG-INFO"):
            metas.append(path)
        elif path.endswith(".egg-info") and fs.entries[path].kind == "file":
            metas.append(path)
    for meta in sorted(metas):
        text = fs.read_text(meta)
        if not text:
            continue
        headers = HeaderParser().parsestr(text, headersonly=True)
        name, version = headers.get("Name"), headers.get("Version")
        if not name:
            continue
        info_dir = posixpath.dirname(meta) if not meta.endswith(".egg-info") else meta
        location = posixpath.dirname(info_dir)
        modules: list[str] = []
        top = fs.read_text(posixpath.join(info_dir, "top_level.txt"))
        if top is not None:
            modules = [m.strip() for m in top.splitlines() if m.strip()]
        else:
            record = fs.read_text(posixpath.join(info_dir, "RECORD")) or ""
            for line in record.splitlines():
                first = line.split(",", 1)[0].split("/", 1)
                head = first[0]
                if head.endswith((".dist-info", ".data", ".pth")) or head in ("..", "__pycache__") or head.startswith(".."):
                    continue
                mod = head[:-3] if head.endswith(".py") and len(first) == 1 else (head.split(".", 1)[0] if len(first) == 1 and (".so" in head) else head if len(first) > 1 else None)
                if mod and mod not in modules:
                    modules.append(mod)
        modules = [m.replace("/", ".") for m in modules if m.replace("/", ".").replace(".", "_").isidentifier() and m not in SKIP_MODULES]
        requires = [r for r in (_requirement_name(s) for s in headers.get_all("Requires-Dist") or []) if r]
        key = canonical(name)
        if key in out and out[key].location.startswith("/usr/lib/python3/"):
            pass  # a venv's or /usr/local's copy wins over Debian's
        elif key in out and location.startswith("/usr/lib/python3/"):
            continue
        out[key] = Dist(name, version or "", location, modules, requires)
    return out


def intended_drops(before: dict[str, Dist], after: dict[str, Dist], intended: set[str]) -> set[str]:
    """Dropped distributions that were meant to go: named as intended (dev and test tools,
    packaging tools) or required only by distributions that were meant to go."""
    dropped = {k for k in before if k not in after}
    ok = {k for k in dropped if k in intended}
    changed = True
    while changed:
        changed = False
        for k in sorted(dropped - ok):
            requirers = [d for d, dist in before.items() if k in dist.requires]
            if requirers and all(r in ok for r in requirers):
                ok.add(k)
                changed = True
    return ok


def _auto_installed(fs) -> set[str]:
    """Packages apt installed only as another package's dependency (apt's extended_states)."""
    text = fs.read_text("/var/lib/apt/extended_states") or ""
    auto: set[str] = set()
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if fields.get("Auto-Installed") == "1" and fields.get("Package"):
            auto.add(fields["Package"])
    return auto


def _system_tools(side: Side, dists: dict[str, Dist], keys: set[str]) -> dict[str, str]:
    """{dist: dpkg package} for dropped distributions that an operating-system package
    installed as part of a program (mercurial, a build tool), not as a python3-* library,
    or as a python3-* library that apt pulled in only as another package's dependency."""
    from slimmer.verify.pkgdb import PackageDB

    out: dict[str, str] = {}
    system = [k for k in keys if dists[k].location.startswith("/usr/lib/python3/")]
    if not system:
        return out
    db = PackageDB(side.fs)
    auto = _auto_installed(side.fs)
    for k in system:
        folder = dists[k].location
        candidates = [p for p in side.fs.listdir(folder) if canonical(p.split("-", 1)[0]) == k.split("-", 1)[0] or canonical(p).startswith(k)]
        owner = next((o for o in (db.owner(posixpath.join(folder, c)) for c in candidates) if o), None)
        if owner and (not owner.startswith(("python3-", "python-")) or owner in auto):
            out[k] = owner
    return out


def _os_python_only(side: Side, dists: dict[str, Dist]) -> bool:
    """BEFORE's Python is only the operating system's (its tools' libraries), and the
    command does not start a python."""
    from slimmer.verify.executables import resolve_program
    from slimmer.verify.model import programs

    if not all(d.location.startswith("/usr/lib/python3") for d in dists.values()):
        return False
    for name in programs(side.argv):
        for path in resolve_program(side, name)[2] or [name]:
            if re.search(r"(^|/)python[\d.]*$", path):
                return False
    return True


def declared_dev(side: Side) -> dict[str, str]:
    """{distribution: where} that the app's own manifests in BEFORE's WORKDIR put in a
    development or test group: Pipfile [dev-packages], Poetry dev groups, PEP 735
    dependency groups and optional extras named for dev/test, requirements-dev files."""
    import tomllib

    from slimmer.rules import data

    words = set(data("python").get("dev_words", []))
    root = side.workdir.rstrip("/") or ""

    def is_dev(name: str) -> bool:
        return bool(set(re.split(r"[-_./]+", name.lower())) & words)

    out: dict[str, str] = {}

    def add(names, where: str) -> None:
        for n in names:
            m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", str(n))
            if m:
                out.setdefault(canonical(m.group(1)), where)

    def toml(path: str) -> dict:
        text = side.fs.read_text(path)
        try:
            return tomllib.loads(text) if text else {}
        except tomllib.TOMLDecodeError:
            return {}

    pipfile = toml(f"{root}/Pipfile")
    add((pipfile.get("dev-packages") or {}).keys(), "Pipfile [dev-packages]")
    project = toml(f"{root}/pyproject.toml")
    poetry = (project.get("tool") or {}).get("poetry") or {}
    add((poetry.get("dev-dependencies") or {}).keys(), "pyproject [tool.poetry.dev-dependencies]")
    for group, body in (poetry.get("group") or {}).items():
        if is_dev(group):
            add((body.get("dependencies") or {}).keys(), f"pyproject poetry group {group}")
    for group, items in (project.get("dependency-groups") or {}).items():
        if is_dev(group):
            add([i for i in items if isinstance(i, str)], f"pyproject [dependency-groups] {group}")
    for extra, items in ((project.get("project") or {}).get("optional-dependencies") or {}).items():
        if is_dev(extra):
            add(items, f"pyproject optional dependencies {extra}")
    for path in side.fs.glob(f"{root}/*requirements*.txt") + side.fs.glob(f"{root}/requirements/*.txt"):
        if is_dev(path.rsplit("/", 1)[-1][: -len(".txt")]):
            lines = [ln for ln in (side.fs.read_text(path) or "").splitlines() if ln.strip() and not ln.lstrip().startswith(("#", "-"))]
            add(lines, path)
    return out


def default_intended() -> set[str]:
    from slimmer.rules import data

    return {canonical(n) for n in data("python").get("dev_tools", [])} | PACKAGING_TOOLS


def python_of(side: Side) -> str | None:
    for name in ("python3", "python"):
        found, _ = which(side.fs, name, side.path_var, side.workdir, None)
        if found:
            return found
    for folder in ("/usr/local/bin", "/usr/bin"):  # distroless has only python3.X
        for path in side.fs.glob(f"{folder}/python3.*"):
            if re.fullmatch(r".*/python3\.\d+", path) and side.fs.is_file(path):
                return path
    return None


@dataclass
class Probe:
    dists: dict[str, Dist] = field(default_factory=dict)
    imports: dict[str, str | None] = field(default_factory=dict)  # module -> None or the error
    error: str | None = None  # why the interpreter gave no (complete) answer


def probe(engine, side: Side, labels: dict[str, str]) -> Probe:
    """The distributions the image's own python sees (importlib.metadata), and whether
    each one's top-level modules import, from one interpreter run with a timeout."""
    from slimmer.verify.run import run

    python = python_of(side)
    if python is None:
        return Probe(error="no python3 or python on PATH")
    ran = run(engine, side.image, ["-c", PROBE_SCRIPT, json.dumps(sorted(SKIP_MODULES))], labels, entrypoint=[python],
              user=side.config.get("User") or None, workdir=side.workdir, timeout=IMPORT_TIMEOUT)
    out = Probe()
    got_dists = False
    for line in ran.stdout.splitlines():
        if line.startswith("SLIMMER-DISTS "):
            got_dists = True
            for key, d in json.loads(line[len("SLIMMER-DISTS "):]).items():
                out.dists[key] = Dist(d["name"], d["version"] or "", d["location"], d["modules"], d["requires"])
        elif line.startswith("SLIMMER-IMPORT "):
            mod, err = json.loads(line[len("SLIMMER-IMPORT "):])
            out.imports[mod] = err
    if not got_dists:
        out.error = f"{python} exited {ran.exit_code}: {ran.stderr.strip()[-300:]}"
    elif ran.exit_code is None:
        out.error = f"the imports did not finish in {IMPORT_TIMEOUT}s"
    elif ran.exit_code != 0:
        out.error = f"{python} exited {ran.exit_code} while importing: {ran.stderr.strip()[-300:]}"
    return out


def check_python(engine, before: Side, after: Side, labels: dict[str, str], intended: set[str] | None = None, pool=None) -> Check:
    if not distributions(before) and not distributions(after):
        return Check("python", True, "no Python distributions in either image")
    if pool is not None:
        fb, fa = pool.submit(probe, engine, before, labels), pool.submit(probe, engine, after, labels)
        pb, pa = fb.result(), fa.result()
    else:
        pb, pa = probe(engine, before, labels), probe(engine, after, labels)
    problems: list[str] = []
    details: list[str] = []
    if pb.error and not pb.dists:
        # BEFORE's own python gives no answer: compare what the files say.
        b, a = distributions(before), distributions(after)
        details.append(f"BEFORE's python gave no answer ({pb.error}): distributions read from the files")
    else:
        b, a = pb.dists, pa.dists
        if pa.error and not pa.dists:
            if python_of(after) is None and _os_python_only(before, b):
                return Check("python", True, f"AFTER has no Python; BEFORE's {len(b)} distribution(s) are the base image's own (under /usr/lib/python3*) and the command does not run python",
                             [f"intended drop: {d.name} {d.version} ({d.location})" for d in b.values()], {"problems": [], "intended": sorted(d.name for d in b.values())})
            problems.append(f"AFTER's python gives no answer: {pa.error}")
    declared = declared_dev(before)
    wanted = default_intended() | {canonical(n) for n in (intended or set())} | set(declared)
    meant = intended_drops(b, a, wanted)
    system_tools = _system_tools(before, b, set(b) - set(a) - meant)
    for key in sorted(set(b) - set(a)):
        d = b[key]
        if key in meant:
            why = f" (a dev dependency: {declared[key]})" if key in declared else "" if key in wanted else " (only dropped packages required it)"
            details.append(f"intended drop: {d.name} {d.version}{why}")
        elif key in system_tools:
            details.append(f"intended drop: {d.name} {d.version}, from the OS package {system_tools[key]}, part of a tool or pulled in by another OS package (not a python3-* library the Dockerfile asked for)")
        else:
            problems.append(f"{d.name} {d.version} is installed in BEFORE ({d.location}) and missing in AFTER")
    # What only the packaging and dev tools require (platformdirs for pipenv): their
    # versions follow the tool's own resolution, not the app's.
    tool_only = intended_drops(b, {}, wanted) - wanted
    for key in sorted(set(b) & set(a)):
        if b[key].version != a[key].version and key in tool_only:
            details.append(f"expected: {b[key].name} {b[key].version} in BEFORE, {a[key].version} in AFTER (only packaging or dev tools require it)")
        elif b[key].version != a[key].version and key in wanted:
            details.append(f"expected: {b[key].name} {b[key].version} in BEFORE, {a[key].version} in AFTER (a packaging or dev tool: the new environment brings its own)")
        elif b[key].version != a[key].version:
            problems.append(f"{b[key].name}: {b[key].version} in BEFORE, {a[key].version} in AFTER")
    for key in sorted(set(a) - set(b)):
        details.append(f"only in AFTER: {a[key].name} {a[key].version}")
    modules = sorted({m for k in set(a) & set(b) for m in a[k].modules})
    imported = 0
    if pa.error and pa.dists:
        details.append(f"AFTER: {pa.error}")
    for m in modules:
        err_b = pb.imports.get(m, "not tried")
        if m not in pa.imports:
            if err_b is None:
                problems.append(f"import {m} was not reached in AFTER ({pa.error or 'no answer'})")
            continue
        err_a = pa.imports[m]
        if err_a is None:
            imported += 1
        elif err_b is None:
            problems.append(f"import {m} fails in AFTER: {err_a}")
        else:
            details.append(f"import {m} fails in BEFORE too: {err_b}")
    details = [f"failed: {p}" for p in problems] + details
    kept = sum(1 for k in set(a) & set(b) if a[k].version == b[k].version)
    summary = "; ".join(problems[:3]) if problems else f"{kept} distribution(s) at the same versions, {imported}/{len(modules)} top-level module(s) import in AFTER" + (f", {len(set(b) - set(a))} intended drop(s)" if set(b) - set(a) else "")
    return Check("python", not problems, summary, details, {"problems": problems, "intended": sorted(b[k].name for k in set(b) - set(a) if k in meant or k in system_tools)})
