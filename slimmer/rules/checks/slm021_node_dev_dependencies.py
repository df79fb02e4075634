"""SLM021: devDependencies installed in a stage that ships."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_node import call, environment, omits_dev, project_install, prunes_dev, runs

_FLAG = {"npm": "--omit=dev", "yarn": "--production (yarn 2+: yarn workspaces focus --all --production)", "pnpm": "--prod"}


@rule("SLM021")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        found = []  # (instruction, command, call) installing devDependencies
        later_prune = []  # positions (instruction, command index) of prunes
        for n, (ins, cmds) in enumerate(runs(ctx, stage)):
            for cmd in cmds:
                c = call(cmd)
                if c is None:
                    continue
                env = environment(ctx, stage, ins, cmds, cmd)
                if project_install(c) and not omits_dev(c, env):
                    found.append(((n, cmd.index), ins, c))
                elif prunes_dev(c, env):
                    later_prune.append((n, cmd.index))
        for pos, ins, c in found:
            if any(p > pos for p in later_prune):
                continue
            what = f"{c.tool} {c.sub}" if c.sub else c.tool
            yield r.finding(
                ins,
                f"{what} installs devDependencies in a stage that ships (often half of node_modules or more); "
                f"add {_FLAG[c.tool]} (or ENV NODE_ENV=production), or install them in a build stage "
                "and copy only production node_modules",
            )
