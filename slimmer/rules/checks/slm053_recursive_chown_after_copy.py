"""SLM053: RUN chown -R / chmod -R of what an earlier COPY put there, in a layer of its own."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_layers import copy_parts, resolve, walk_with_workdir

SHALLOW = {"/", "/usr", "/usr/local", "/var", "/etc", "/opt", "/home", "/root", "/tmp", "/srv"}


def _targets(cmd, cwd):
    """Paths a recursive chown/chmod changes, made absolute."""
    if cmd.name not in ("chown", "chmod", "chgrp") or not cmd.has_option("-R", "--recursive"):
        return []
    if cmd.has_option("--reference"):
        paths = cmd.words
    else:
        paths = cmd.words[1:]  # the first word is the owner or the mode
    return [p for p in (resolve(w, cwd) for w in paths) if p is not None]


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b.rstrip("/") + "/") or b.startswith(a.rstrip("/") + "/")


@rule("SLM053")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        copied: list[tuple[str, int, str]] = []  # destination, line, keyword
        for ins, workdir in walk_with_workdir([stage]):
            if ins.keyword in ("COPY", "ADD"):
                parts = copy_parts(ins)
                dest = resolve(parts[1], workdir) if parts and parts[0] else None
                if dest is not None and dest not in SHALLOW:
                    copied.append((dest, ins.line, ins.keyword))
                continue
            if ins.keyword != "RUN":
                continue
            cwd = workdir
            made: list[str] = []  # folders this RUN creates: changing them duplicates nothing
            for c in ctx.commands(ins):
                if c.name == "cd":
                    cwd = resolve(c.words[0], cwd) if c.words else None
                    continue
                if c.name == "mkdir":
                    made += [p for p in (resolve(w, cwd) for w in c.words) if p is not None]
                    continue
                targets = [t for t in _targets(c, cwd) if not any(t == m or t.startswith(m + "/") for m in made)]
                # The latest COPY into the path: the one whose files the RUN duplicates last.
                hit = next(((t, d) for t in targets for d in reversed(copied) if _related(t, d[0])), None)
                if hit:
                    target, (dest, line, keyword) = hit
                    yield r.finding(
                        ins,
                        f"`{c.name} -R {target}` rewrites every file {keyword} put in {dest} (line {line}) into a new "
                        f"layer, doubling their size; set owner and mode while copying: "
                        f"{keyword} --chown=… --chmod=…",
                    )
                    break
