"""SLM021: devDependencies installed in a stage that ships."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_node import call, environment, omits_dev, project_install, prunes_dev, runs
from slimmer.rules.facts_python import dev_image
from slimmer.rules.facts_runtime import (
    container_needs_dev_tools,
    cwd_option,
    dev_dependencies,
    dev_server,
    needs_dev_tools,
    package_json,
)

_FLAG = {"npm": "--omit=dev", "yarn": "--production (yarn 2+: yarn workspaces focus --all --production)", "pnpm": "--prod"}
_PRUNE = {"npm": "npm prune --omit=dev", "yarn": "yarn install --production", "pnpm": "pnpm prune --prod"}


def _listed(dev: dict | None) -> str:
    if not dev:
        return ""
    names = list(dev)
    return f" ({', '.join(names[:4])}{f' and {len(names) - 4} more' if len(names) > 4 else ''})"


@rule("SLM021")
def check(ctx, r):
    if dev_image(ctx):
        return  # the target is named for development (or the file is Dockerfile.dev)
    server = None
    for stage in ctx.stages_for(r.scope):
        stage_pkg = package_json(ctx, stage)
        found = []  # (position, instruction, call, package.json) installing devDependencies
        later_prune = []  # positions (instruction, command index) of prunes
        tools = []  # (position, instruction, how) of build steps that need devDependencies
        for n, (ins, cmds) in enumerate(runs(ctx, stage)):
            for cmd in cmds:
                c = call(cmd)
                folder = cwd_option(cmd)
                pkg = stage_pkg if folder is None else package_json(ctx, stage, folder)
                if c is not None:
                    env = environment(ctx, stage, ins, cmds, cmd)
                    if project_install(c) and not omits_dev(c, env):
                        if dev_dependencies(pkg) != {}:  # a package.json without them: nothing to leave out
                            found.append(((n, cmd.index), ins, c, pkg))
                        continue
                    if prunes_dev(c, env):
                        later_prune.append((n, cmd.index))
                        continue
                how = needs_dev_tools(cmd, pkg)
                if how:
                    tools.append(((n, cmd.index), ins, how))
        for pos, ins, c, pkg in found:
            if any(p > pos for p in later_prune):
                continue
            what = f"{c.tool} {c.sub}" if c.sub else c.tool
            head = f"{what} installs devDependencies{_listed(dev_dependencies(pkg))} in a stage that ships"
            if server is None:
                server = dev_server(ctx) or False
            if server and stage.index == ctx.target.index:
                cmd_ins, desc = server
                yield r.finding(
                    ins,
                    f"{head}, and the container runs a development server (line {cmd_ins.line}: {desc}), which needs "
                    f"them: this target is a development image, so keep them here; for production, add a stage "
                    f"that builds the app and serves the build output without devDependencies",
                )
                continue
            runtime = container_needs_dev_tools(ctx, pkg) if stage.index == ctx.target.index else None
            if runtime:
                yield r.finding(
                    ins,
                    f"{head}; the container's command ({runtime}) needs them, so {_FLAG[c.tool]} would break it: "
                    f"compile in a builder stage (e.g. tsc) and run node on the output, without devDependencies",
                )
                continue
            step = next(((p, i, how) for p, i, how in tools if p > pos), None)
            if step is not None:
                yield r.finding(
                    ins,
                    f"{head}; the build step on line {step[1].line} ({step[2]}) needs them, so {_FLAG[c.tool]} here "
                    f"would break it: run the build in a builder stage and copy its output, or run "
                    f"`{_PRUNE[c.tool]}` after the build in the same RUN",
                )
                continue
            yield r.finding(
                ins,
                f"{head} (often half of node_modules or more); add {_FLAG[c.tool]} (or ENV NODE_ENV=production), "
                "or install them in a build stage and copy only production node_modules",
            )
