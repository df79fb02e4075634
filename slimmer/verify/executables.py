"""Check 2, executables: the program ENTRYPOINT/CMD starts resolves on PATH as the image's
USER, and so does the interpreter of a script's `#!` line."""

from __future__ import annotations

from slimmer.verify.fs import which
from slimmer.verify.model import Check, Side, programs


def shebang(side: Side, path: str) -> list[str] | None:
    head = side.fs.read(path, 256) or b""
    if not head.startswith(b"#!"):
        return None
    line = head[2:].split(b"\n", 1)[0].decode(errors="replace").strip()
    return line.split() or None


def resolve_program(side: Side, name: str) -> tuple[str | None, str, list[str]]:
    """(resolved path, why not, chain) for a program, following a script's interpreter
    (`#!/usr/bin/env python3` looks python3 up on PATH)."""
    ids = side.ids
    found, why = which(side.fs, name, side.path_var, side.workdir, ids)
    if found is None:
        return None, f"{name}: {why}", []
    chain = [found]
    for _ in range(3):
        words = shebang(side, chain[-1])
        if not words:
            break
        interp = words[0]
        if interp.rsplit("/", 1)[-1] == "env" and len(words) > 1:
            args = [w for w in words[1:] if not w.startswith("-")]
            if not args:
                break
            interp_path, why = which(side.fs, args[0], side.path_var, side.workdir, ids)
            label = f"{chain[-1]}'s interpreter `{' '.join(words)}`"
        else:
            interp_path, why = which(side.fs, interp, None, side.workdir, ids)
            label = f"{chain[-1]}'s interpreter {interp}"
        if interp_path is None:
            return None, f"{label}: {why}", chain
        chain.append(interp_path)
    return found, "", chain


def check_executables(before: Side, after: Side) -> Check:
    details: list[str] = []
    missing: list[str] = []
    if after.ids is None:
        missing.append(f"USER {after.user!r} is not in AFTER's /etc/passwd")
    names = programs(after.argv)
    # Behind an entrypoint script, the command it execs ("$@") must exist too.
    if after.config.get("Entrypoint") and after.config.get("Cmd"):
        first = after.config["Cmd"][0]
        if first and not first.startswith("-") and resolve_program(before, first)[0]:
            names.append(first)
    if not names:
        return Check("executables", not missing, "no ENTRYPOINT or CMD to start", missing)
    for name in dict.fromkeys(names):
        found, why, chain = resolve_program(after, name)
        if found:
            details.append(f"{name} -> {' -> '.join(chain)}")
            continue
        b_found, _, b_chain = resolve_program(before, name)
        if b_found:
            missing.append(f"{why} (before: {' -> '.join(b_chain)})")
        else:
            details.append(f"{name}: does not resolve in BEFORE either ({why})")
    details = [f"missing: {m}" for m in missing] + details
    summary = "; ".join(missing[:3]) if missing else f"{len(dict.fromkeys(names))} program(s) resolve as USER {after.user}: " + ", ".join(dict.fromkeys(names))
    return Check("executables", not missing, summary, details, {"missing": missing})
