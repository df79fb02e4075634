"""SLM070: shell-form CMD / ENTRYPOINT in the final image."""

from __future__ import annotations

import re

from slimmer.rules import rule
from slimmer.rules.facts_images import windows_image
from slimmer.rules.facts_runtime import effective

# `exec prog` as a command of the script (first, or after && / ; / ||): the shell replaces
# itself with the program, which then is PID 1 and gets the signals.
_EXEC = re.compile(r"(^|&&|\|\||;)\s*exec\s")


def _execs(ins) -> bool:
    return bool(_EXEC.search(ins.args))


def _skipped_by_directive(ctx) -> bool:
    """`# check=skip=JSONArgsRecommended` (BuildKit's own check for the same thing)."""
    value = ctx.dockerfile.directives.get("check", "")
    for part in value.split(";"):
        key, _, names = part.partition("=")
        if key.strip().lower() == "skip":
            skipped = {n.strip().lower() for n in names.split(",")}
            if "jsonargsrecommended" in skipped or "all" in skipped:
                return True
    return False


def _not_json(ins) -> str:
    if ins.args.lstrip().startswith("["):
        return " (it looks like a JSON array but is not valid JSON, e.g. single quotes, so Docker treats it as a shell command)"
    return ""


@rule("SLM070")
def check(ctx, r):
    if _skipped_by_directive(ctx) or windows_image(ctx):
        return  # Windows runs the shell form under cmd /S /C, with its own signal handling
    shipped = {s.index for s in ctx.stages_for(r.scope)}
    cmd, entrypoint = effective(ctx)
    if entrypoint is not None and entrypoint.stage_index in shipped and entrypoint.exec_form is None:
        if not _execs(entrypoint):
            yield r.finding(
                entrypoint,
                f"shell-form ENTRYPOINT runs under /bin/sh -c{_not_json(entrypoint)}: the shell is PID 1 and does not "
                f"pass SIGTERM on, so `docker stop` kills the app after 10 s, and CMD and `docker run` arguments are "
                f'ignored; use the exec form ENTRYPOINT ["prog", "arg"]',
            )
        return  # with a shell-form ENTRYPOINT the CMD is never used
    if cmd is None or cmd.stage_index not in shipped or cmd.exec_form is not None or _execs(cmd):
        return
    if entrypoint is not None:
        message = (
            f"shell-form CMD after an exec-form ENTRYPOINT{_not_json(cmd)} is passed to it as `/bin/sh -c '…'` "
            f'arguments; use the exec form CMD ["arg", ...]'
        )
    else:
        message = (
            f"shell-form CMD runs under /bin/sh -c{_not_json(cmd)}: the shell is PID 1 and does not pass SIGTERM on, "
            f'so `docker stop` kills the app after 10 s; use the exec form CMD ["prog", "arg"] (or start with exec)'
        )
    yield r.finding(cmd, message)
