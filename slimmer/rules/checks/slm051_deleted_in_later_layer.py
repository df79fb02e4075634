"""SLM051: files deleted in a later layer than the one that created them."""

from __future__ import annotations

import os
import posixpath

from slimmer.rules import rule
from slimmer.rules.facts_layers import (
    GLOB,
    Created,
    apk_virtual,
    context_known,
    copy_parts,
    created_by_run,
    from_context,
    installed_packages,
    is_git_source,
    overlap,
    removed_packages,
    removed_paths,
    resolve,
    walk_with_workdir,
)

# Directories a COPY often adds a few files to: deleting something else in them later says
# nothing about the COPY.
SYSTEM_DIRS = {
    "/", "/tmp", "/var", "/var/tmp", "/usr", "/usr/local", "/usr/local/bin", "/usr/local/sbin",
    "/usr/local/lib", "/usr/local/share", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/share", "/bin",
    "/sbin", "/lib", "/etc", "/opt", "/root", "/home", "/srv", "/run", "/mnt",
}  # fmt: skip


def created_by_copy(ins, workdir, context_dir: str | None) -> list[Created]:
    parts = copy_parts(ins)
    if parts is None or not parts[0]:
        return []
    sources, dest = parts
    target = resolve(dest, workdir)
    if target is None:
        return []
    what = f"the files {ins.keyword} copied"
    out = []
    into_dir = dest.endswith("/") or len(sources) > 1
    for src in sources:
        if is_git_source(src):
            continue
        name = posixpath.basename(src.split("?")[0].rstrip("/"))
        if into_dir and name not in ("", ".", "..") and not GLOB.search(name):
            out.append(Created(posixpath.join(target, name), what, ins.line, False))
    # The destination itself: a file, or a directory the sources' contents went into.
    if target not in SYSTEM_DIRS:
        origin = None
        if context_dir and from_context(ins) and len(sources) == 1 and not GLOB.search(sources[0]):
            origin = os.path.join(context_dir, sources[0].lstrip("/"))
        out.append(Created(target, what, ins.line, True, origin))
    return out


# Commands of a RUN that only cleans up: whatever it deletes was made by an earlier layer.
CLEANUP = {"rm", "rmdir", "cd", "set", "true", ":", "echo", "find", "unlink", "ls", "du"}


def _in_context(created: Created, removed: str) -> bool:
    """True when the deleted path inside a copied folder exists in the build context."""
    if created.origin is None or GLOB.search(removed):
        return False
    rel = removed[len(created.path):].lstrip("/")
    return bool(rel) and os.path.lexists(os.path.join(created.origin, rel))


def _hit(created: Created, gone: list[str], cleanup_only: bool) -> str | None:
    """Deleting a whole created path always counts. Deleting something inside a created folder
    counts when the RUN does nothing but clean up, or when the thing is in the build context:
    otherwise the RUN may have made it itself (`make && rm -rf build/`)."""
    for p in gone:
        how = overlap(p, created.path)
        if how == "all":
            return created.path
        if how == "part" and created.tree and (cleanup_only or _in_context(created, p)):
            return p
    return None


def _packages(cmds) -> set[str]:
    """Packages a RUN installs and does not remove again itself."""
    names: set[str] = set()
    removed: set[str] = set()
    for c in cmds:
        names.update(installed_packages(c))
        if c.name == "apk" and apk_virtual(c):
            names.add(apk_virtual(c))  # type: ignore[arg-type]
        removed.update(removed_packages(c))
    return names - removed


@rule("SLM051")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        created: list[Created] = []
        installed: dict[str, int] = {}
        context_dir = ctx.context_dir if context_known(ctx.dockerfile.path) else None
        for ins, workdir in walk_with_workdir(ctx.stage_ancestry(stage)):
            if ins.keyword in ("COPY", "ADD"):
                created += created_by_copy(ins, workdir, context_dir)
                continue
            if ins.keyword != "RUN":
                continue
            cmds = ctx.commands(ins)
            if ins.stage_index == stage.index:
                gone = removed_paths(cmds, workdir)
                cleanup_only = bool(cmds) and all(c.name in CLEANUP for c in cmds)
                hits = [(shown, c) for c in created if (shown := _hit(c, gone, cleanup_only))]
                pkgs = sorted({p for c in cmds for p in removed_packages(c) if p in installed})
                if hits or pkgs:
                    yield r.finding(ins, _message(hits, pkgs, installed))
                    # A path deleted as a whole is gone; a folder something was deleted from is not.
                    created = [c for c in created if all(c is not h or shown != h.path for shown, h in hits)]
                    for p in pkgs:
                        installed.pop(p, None)
            created += created_by_run(ins, cmds, workdir)
            for p in _packages(cmds):
                installed[p] = ins.line


def _message(hits: list[tuple[str, Created]], pkgs: list[str], installed: dict[str, int]) -> str:
    parts = [f"{shown} ({c.what}, line {c.line})" for shown, c in hits[:3]]
    if len(hits) > 3:
        parts.append(f"{len(hits) - 3} more")
    if pkgs:
        lines = ", ".join(map(str, sorted({installed[p] for p in pkgs})))
        parts.append(f"package{'s' if len(pkgs) > 1 else ''} {', '.join(pkgs[:5])} (installed on line {lines})")
    return (
        f"this RUN deletes what an earlier layer created: {'; '.join(parts)}; the bytes stay in that layer and the "
        f"image does not shrink; delete in the RUN that creates them, or use a bind/cache mount"
    )
