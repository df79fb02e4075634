"""SLM020: `npm install` where a lockfile makes `npm ci` possible."""

from __future__ import annotations

import re

from slimmer.rules import rule
from slimmer.rules.facts_node import bare_npm_install, call, lockfile_copied, lockfile_in_context, npm_install, runs, tooling

_INSTALL = r"\bnpm(\s+)(?:{})(?![\w.-])"


@rule("SLM020")
def check(ctx, r):
    in_context = lockfile_in_context(ctx)
    aliases = "|".join(sorted(tooling()["npm"]["install"], key=len, reverse=True))
    pattern = _INSTALL.format(aliases)
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in runs(ctx, stage):
            calls = [call(c) for c in cmds]
            bare = [c for c in calls if bare_npm_install(c)]
            if not bare:
                continue
            if not (in_context or lockfile_copied(ctx, stage, ins)):
                continue
            fix = None
            # Only when the RUN holds exactly one `npm install`, written plainly.
            installs = [c for c in calls if npm_install(c)]
            if len(installs) == 1 and len(re.findall(pattern, ins.raw)) == 1:
                fix = r.make_fix(ins, pattern, r"npm\1ci", "use npm ci")
            yield r.finding(
                ins,
                "npm install with a lockfile present: it may rewrite the lock and resolve other versions; "
                "use npm ci, which installs exactly what the lockfile says",
                fix,
            )
