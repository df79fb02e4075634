"""SLM016: a version specifier left unquoted in a shell command: `>` and `<` are redirections."""

from __future__ import annotations

import re

from slimmer.rules import rule
from slimmer.rules.facts_python import pip_install

# What follows `>` or `<` in a version specifier: `>=2.0` leaves `=2.0`, `<3` leaves `3`.
_VERSION = re.compile(r"^=?\s*[0-9*]")
_INSTALLERS = {"conda", "mamba", "micromamba", "pipx", "poetry", "uv", "pdm", "npm", "yarn", "pnpm"}


def _installs(cmd, ins) -> bool:
    if pip_install(cmd, ins) is not None:
        return True
    return cmd.name in _INSTALLERS and cmd.subcommand in ("install", "add", "i", "create", "pip")


@rule("SLM016")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            for c in cmds:
                bad = [(op, target) for op, target in c.redirects if op in (">", "<", ">>") and _VERSION.match(target)]
                if not bad or not _installs(c, ins):
                    continue
                op, target = bad[0]
                last = c.argv[-1] if c.argv else ""
                spec = f"{last}{op}{target}"
                if op == ">":
                    effect = f"writes {c.name}'s output to a file named `{target}` and installs {last} without the version limit"
                else:
                    effect = f"reads the file `{target}` as input (the build fails: no such file)"
                yield r.finding(
                    ins,
                    f"`{spec}` is not a version specifier to the shell: `{op}` is a redirection, so this {effect}; "
                    f"quote it: \"{spec}\"",
                )
                break
