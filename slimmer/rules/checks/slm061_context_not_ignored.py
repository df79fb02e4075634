"""SLM061: things in the build context that should be ignored but are not."""

from __future__ import annotations

import os

from slimmer.rules import rule
from slimmer.rules.facts_layers import context_known, copies_whole_context, ignore_file, ignore_patterns

LIMIT = 5000  # entries looked at, at most: the top two levels of the context only
LARGE = 50 * 1024 * 1024
CHECKPOINTS = (".pt", ".pth", ".ckpt", ".safetensors", ".gguf", ".onnx")


def _kind(entry: os.DirEntry) -> str | None:
    """What an entry of the context is, when it should not be sent to the builder."""
    try:
        if entry.is_dir(follow_symlinks=False):
            if entry.name == ".git":
                return "git"
            if entry.name == "node_modules":
                return "node_modules"
            if entry.name == "__pycache__":
                return "pycache"
            if entry.name in (".venv", "venv") or os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")):
                return "venv"
            return None
        if entry.is_file(follow_symlinks=False):
            if entry.name.lower().endswith(CHECKPOINTS):
                return "checkpoint"
            if entry.stat(follow_symlinks=False).st_size > LARGE:
                return "large"
    except OSError:
        return None
    return None


def scan(root: str) -> list[tuple[str, str, bool]]:
    """(relative path, kind, is a directory) for the suspicious entries of the top two levels."""
    found: list[tuple[str, str, bool]] = []
    seen = 0
    try:
        top = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return found
    subdirs = []
    for entry in top:
        seen += 1
        kind = _kind(entry)
        if kind:
            found.append((entry.name, kind, entry.is_dir(follow_symlinks=False)))
        elif entry.is_dir(follow_symlinks=False):
            subdirs.append(entry)
    for parent in subdirs:
        if seen > LIMIT:
            break
        try:
            children = sorted(os.scandir(parent.path), key=lambda e: e.name)
        except OSError:
            continue
        for entry in children:
            seen += 1
            if seen > LIMIT:
                break
            kind = _kind(entry)
            if kind and kind != "git":
                found.append((f"{parent.name}/{entry.name}", kind, entry.is_dir(follow_symlinks=False)))
    return found


def _pattern(rel: str, kind: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    if kind in ("pycache", "node_modules"):
        return f"**/{name}"
    if kind == "checkpoint":
        return f"**/*{os.path.splitext(name)[1]}"
    return rel


@rule("SLM061")
def check(ctx, r):
    if not context_known(ctx.dockerfile.path):
        return
    first = next((i for s in ctx.stages_for(r.scope) for i in s.instructions if copies_whole_context(i)), None)
    if first is None:
        return
    found = scan(ctx.context_dir)
    if not found:
        return
    from docker.utils.build import PatternMatcher  # slow to import: only when needed

    ignore = ignore_file(ctx.context_dir, ctx.dockerfile.path)
    matcher = PatternMatcher(ignore_patterns(ignore))

    def ignored(rel: str, is_dir: bool) -> bool:
        # A directory counts as ignored when it or everything in it is (`node_modules/*`).
        return matcher.matches(rel) or (is_dir and matcher.matches(f"{rel}/slimmer-probe"))

    kept = [(rel, kind) for rel, kind, is_dir in found if not ignored(rel, is_dir)]
    if not kept:
        return
    names = ", ".join(rel + ("/" if kind not in ("checkpoint", "large") else "") for rel, kind in kept[:6])
    if len(kept) > 6:
        names += f" and {len(kept) - 6} more"
    patterns = list(dict.fromkeys(_pattern(rel, kind) for rel, kind in kept))[:6]
    where = os.path.basename(ignore) if ignore else ".dockerignore"
    yield r.finding(
        first,
        f"the build context has {names}, which {where} does not exclude: `{first.keyword} .` sends and copies them "
        f"(size, and cache misses when they change); add {', '.join(patterns)} to {where}",
    )
