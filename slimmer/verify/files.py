"""Check 6, files: the tree under the WORKDIR and every path the command names, compared
path by path (kind, size, mode, owner). Files a rewrite drops on purpose (tests, dev
requirement files, caches, VCS folders, the sources of a compile step) are marked as
intended; dependency folders (node_modules, site-packages, a venv) are left to the python
and node checks."""

from __future__ import annotations

import fnmatch
import posixpath

from slimmer.verify.model import Check, Side, named_paths

INTENDED = (
    "tests", "tests/*", "test", "test/*", "*/tests", "*/tests/*", "*/test", "*/test/*", "__tests__", "*/__tests__/*", "__tests__/*",
    "test_*.py", "*/test_*.py", "*_test.py", "*/*_test.py", "conftest.py", "*/conftest.py", "*.test.js", "*.spec.js", "*.test.ts", "*.spec.ts",
    "requirements-dev*.txt", "requirements_dev*.txt", "requirements-test*.txt", "requirements/dev*.txt", "requirements/test*.txt", "dev-requirements*.txt", "test-requirements*.txt",
    "*__pycache__*", "*.pyc", ".git", ".git/*", ".github", ".github/*", ".pytest_cache*", ".mypy_cache*", ".ruff_cache*", ".tox*", ".coverage", "coverage", "coverage/*", "htmlcov*",
    ".eslintrc*", ".prettierrc*", "jest.config.*", "tox.ini", ".pre-commit-config.yaml", ".dockerignore", ".editorconfig",
    # The build's own files and the project's docs, copied by `COPY . .`, not run.
    "Dockerfile", "Dockerfile.*", "*.Dockerfile", "*/Dockerfile", "docker-compose*.y*ml", "compose*.y*ml", "smoke.toml", ".gitignore",
    ".gitattributes", "README*", "LICENSE*", "CHANGELOG*", "CONTRIBUTING*",
)
# Inputs of a compile step: the binary or the compiled output is what runs.
BUILD_INPUTS = ("*.go", "go.mod", "go.sum", "*/go.mod", "*/go.sum", "*.c", "*.h", "*.cc", "*.cpp", "*.rs", "Cargo.toml", "Cargo.lock",
                "*.java", "pom.xml", "build.gradle", "*.ts", "*.tsx", "tsconfig*.json", "Makefile")
DEPENDENCY_MARKS = ("node_modules", "site-packages", "dist-packages", ".venv", "venv")


def intended(rel: str) -> bool:
    return any(fnmatch.fnmatchcase(rel, p) for p in INTENDED) or (not rel.endswith(".d.ts") and any(fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], p) for p in BUILD_INPUTS))


def dependency_path(rel: str) -> bool:
    return any(part in DEPENDENCY_MARKS for part in rel.split("/"))


def _describe(e) -> str:
    what = {"file": "file", "hardlink": "file", "dir": "dir", "link": f"link -> {e.target}"}.get(e.kind, e.kind)
    size = f" {e.size} B" if e.kind in ("file", "hardlink") else ""
    return f"{what}{size} mode {e.mode:o} owner {e.uid}:{e.gid}"


def _differs(a, b) -> bool:
    same_kind = (a.kind in ("file", "hardlink")) == (b.kind in ("file", "hardlink")) and (a.kind == b.kind or {a.kind, b.kind} <= {"file", "hardlink"})
    return not same_kind or a.size != b.size or a.mode != b.mode or (a.uid, a.gid) != (b.uid, b.gid) or (a.kind == "link" and a.target != b.target)


def _rebuilt_binary(before: Side, after: Side, path_b: str, path_a: str, eb, ea) -> bool:
    """An ELF file in both, same mode and owner, different size: the rewrite compiled it
    again (other flags, stripped); the libraries, start-up and smoke checks judge it."""
    if eb.kind not in ("file", "hardlink") or ea.kind not in ("file", "hardlink") or eb.mode != ea.mode or (eb.uid, eb.gid) != (ea.uid, ea.gid):
        return False
    return before.fs.read(path_b, 4) == b"\x7fELF" and after.fs.read(path_a, 4) == b"\x7fELF"


def compare_trees(before: Side, after: Side, in_base=None) -> dict:
    """in_base(path): whether BEFORE's base image already has the path (so BEFORE's own
    Dockerfile did not make it): such a path missing in AFTER comes with the base images,
    an expected difference, like their ENV."""
    root_b = before.workdir.rstrip("/")
    root_a = after.workdir.rstrip("/")
    out: dict = {"missing": [], "intended": [], "changed": [], "rebuilt": [], "only_after": [], "dependency_differences": 0, "compared": 0,
                 "from_base": []}
    if root_b and root_b != "/":
        tb = {p[len(root_b) + 1:]: before.fs.entries[p] for p in before.fs.under(root_b)}
        ta = {p[len(root_a) + 1:]: after.fs.entries[p] for p in after.fs.under(root_a)} if root_a else {}
        for rel in sorted(set(tb) | set(ta)):
            if dependency_path(rel):
                if (rel in tb) != (rel in ta) or (rel in tb and _differs(tb[rel], ta[rel])):
                    out["dependency_differences"] += 1
                continue
            if rel in tb and rel not in ta:
                parent_gone = any(rel.startswith(m + "/") for m in out["missing"] + out["intended"] + out["from_base"])
                if parent_gone:
                    continue
                if intended(rel):
                    out["intended"].append(rel)
                elif in_base is not None and in_base(f"{root_b}/{rel}"):
                    out["from_base"].append(rel)
                else:
                    out["missing"].append(rel)
            elif rel in ta and rel not in tb:
                if not any(rel.startswith(m + "/") for m in out["only_after"]):
                    out["only_after"].append(rel)
            else:
                out["compared"] += 1
                if _differs(tb[rel], ta[rel]) and not intended(rel) and not (tb[rel].kind == ta[rel].kind == "dir" and tb[rel].mode == ta[rel].mode and (tb[rel].uid, tb[rel].gid) == (ta[rel].uid, ta[rel].gid)):
                    line = f"{rel}: {_describe(tb[rel])} -> {_describe(ta[rel])}"
                    (out["rebuilt"] if _rebuilt_binary(before, after, root_b + "/" + rel, root_a + "/" + rel, tb[rel], ta[rel]) else out["changed"]).append(line)
    # Paths the command names, wherever they are.
    out["named"] = []
    for word in named_paths(before.argv):
        full = word if word.startswith("/") else posixpath.normpath(posixpath.join(before.workdir, word))
        eb = before.fs.stat(full)
        if eb is None:
            continue
        ea = after.fs.stat(full)
        if ea is None:
            out["missing"].append(full)
        elif _differs(eb, ea) and eb.kind != "dir":
            line = f"{full}: {_describe(eb)} -> {_describe(ea)}"
            (out["rebuilt"] if _rebuilt_binary(before, after, full, full, eb, ea) else out["changed"]).append(line)
        out["named"].append(full)
    return out


def check_files(before: Side, after: Side, in_base=None) -> Check:
    t = compare_trees(before, after, in_base)
    root = before.workdir
    problems = [f"missing in AFTER: {root.rstrip('/')}/{p}" if not p.startswith("/") else f"missing in AFTER: {p}" for p in t["missing"]]
    problems += [f"changed: {c}" for c in dict.fromkeys(t["changed"])]
    details = [f"failed: {p}" for p in problems[:60]] + (["…"] if len(problems) > 60 else [])
    details += [f"expected: rebuilt binary {c}" for c in dict.fromkeys(t["rebuilt"])]
    details += [f"intended drop: {p}" for p in t["intended"][:30]]
    details += [f"expected: {root.rstrip('/')}/{p} only before, from BEFORE's base image (not its Dockerfile)" for p in t["from_base"][:30]]
    details += [f"only in AFTER: {p}" for p in t["only_after"][:30]]
    if t["dependency_differences"]:
        details.append(f"{t['dependency_differences']} difference(s) inside dependency folders (node_modules, site-packages, venv): the python and node checks judge those")
    if problems:
        summary = f"{len(problems)} difference(s) under {root} and the paths the command names: " + "; ".join(problems[:3])
    else:
        summary = f"{t['compared']} path(s) under {root} match (paths, sizes, modes, owners)" + (f"; {len(t['intended'])} intended drop(s)" if t["intended"] else "") + (f"; command paths {', '.join(t['named'])} present" if t["named"] else "")
    return Check("files", not problems, summary, details, {k: t[k] for k in ("missing", "intended", "changed", "rebuilt", "only_after", "dependency_differences", "from_base")})
