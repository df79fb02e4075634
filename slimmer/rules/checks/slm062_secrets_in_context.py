"""SLM062: secrets in the build context that a COPY/ADD bakes into the image."""

from __future__ import annotations

import os
import re
from fnmatch import fnmatch

from slimmer.rules import data, rule
from slimmer.rules.facts_layers import GLOB, context_known, copy_parts, from_context, ignore_file, ignore_patterns
from slimmer.rules.facts_runtime import read_context_file

LIMIT = 5000  # context entries looked at, at most
DEPTH = 3  # folder levels below the context root
SKIP = {".git", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache", "site-packages"}
HEAD = 64 * 1024


def _match(name: str, patterns) -> str | None:
    low = name.lower()
    return next((p for p in patterns if fnmatch(low, p.lower())), None)


def _secret(ctx, rel: str, name: str) -> str | None:
    """Why a file is a secret, or None."""
    d = data("secrets")
    if _match(name, d["not_files"]):
        return None
    if _match(name, d["files"]):
        return "credentials"
    if _match(name, d["env_files"]):
        names = _env_secrets(read_context_file(ctx, rel, HEAD) or "", d["env_secret_names"])
        return f"secrets: {', '.join(names[:3])}" if names else None
    pattern = _match(name, d["content"])
    if pattern:
        text = read_context_file(ctx, rel, HEAD)
        if text and any(s in text for s in d["content"][pattern]):
            return "a private key" if {"PRIVATE KEY", "private_key"} & set(d["content"][pattern]) else "a token or password"
    return None


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*['\"]?([^'\"\s#]*)")
_URL_PASSWORD = re.compile(r"://[^/\s:@]+:[^/\s@]+@")


def _env_secrets(text: str, words: list[str]) -> list[str]:
    """Variables of an env file that hold a secret: named like one and set, or a URL with a password."""
    found = []
    for line in text.splitlines():
        m = _ENV_LINE.match(line)
        if not m or not m.group(2) or m.group(2).startswith("$"):
            continue
        key = m.group(1).upper()
        if any(w in key for w in words) or _URL_PASSWORD.search(m.group(2)):
            found.append(m.group(1))
    return found


def scan(ctx) -> list[tuple[str, str]]:
    """(relative path, what) of the secrets in the top levels of the context; folders such as
    .aws/ are listed as one entry ending in /."""
    found: list[tuple[str, str]] = []
    folders = {f.lower() for f in data("secrets")["folders"]}
    todo = [("", 0)]
    seen = 0
    while todo and seen < LIMIT:
        rel_dir, depth = todo.pop(0)
        try:
            entries = sorted(os.scandir(os.path.join(ctx.context_dir, rel_dir)), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > LIMIT:
                break
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if entry.name.lower() in folders:
                    try:
                        if any(True for _ in os.scandir(entry.path)):
                            found.append((rel + "/", "credentials"))
                    except OSError:
                        pass
                elif entry.name not in SKIP and depth < DEPTH:
                    todo.append((rel, depth + 1))
            elif is_file:
                what = _secret(ctx, rel, entry.name)
                if what:
                    found.append((rel, what))
    return found


def _covers(source: str, rel: str) -> bool:
    """The COPY source sends this context path."""
    src = source.strip().lstrip("./").rstrip("/") if source not in (".", "./") else ""
    path = rel.rstrip("/")
    if src == "" or src == "*":
        return True
    if GLOB.search(src):
        return fnmatch(path, src) or fnmatch(path.split("/")[0], src)
    return path == src or path.startswith(src + "/")


@rule("SLM062")
def check(ctx, r):
    if not context_known(ctx.dockerfile.path):
        return
    copies = []
    for stage in ctx.stages_for(r.scope):
        for ins in stage.instructions:
            if from_context(ins):
                parts = copy_parts(ins)
                if parts and not ins.heredocs:
                    copies.append((ins, [s for s in parts[0] if "$" not in s and "://" not in s]))
    if not copies:
        return
    found = scan(ctx)
    if not found:
        return
    from docker.utils.build import PatternMatcher  # slow to import: only when needed

    ignore = ignore_file(ctx.context_dir, ctx.dockerfile.path)
    matcher = PatternMatcher(ignore_patterns(ignore))
    kept = [(rel, what) for rel, what in found
            if not (matcher.matches(rel.rstrip("/")) or (rel.endswith("/") and matcher.matches(rel + "slimmer-probe")))]
    where = os.path.basename(ignore) if ignore else ".dockerignore"
    for ins, sources in copies:
        baked = [(rel, what) for rel, what in kept if any(_covers(s, rel) for s in sources)]
        if not baked:
            continue
        names = ", ".join(f"{rel} ({what})" for rel, what in baked[:5]) + (f" and {len(baked) - 5} more" if len(baked) > 5 else "")
        yield r.finding(
            ins,
            f"{ins.keyword} bakes secrets from the build context into the image: {names}; anyone who can pull the "
            f"image can read them (deleting them later does not remove them from the layer); add them to {where} "
            f"and pass secrets at build time with RUN --mount=type=secret (or at run time)",
        )
        kept = [k for k in kept if k not in baked]
