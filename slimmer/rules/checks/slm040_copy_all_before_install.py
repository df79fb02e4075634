"""SLM040: the whole build context is copied before the dependency install."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_layers import copies_whole_context, dependency_install, ecosystem, layers_data


def _installs(ctx, ins):
    """(tool, command) for each dependency install of a RUN, skipping --no-deps style installs
    that only add the project itself."""
    for c in ctx.commands(ins):
        tool = dependency_install(c)
        if tool is None or c.has_option("--no-deps", "--only-root", "--offline"):
            continue
        yield tool, c


def _display(tool, cmd) -> str:
    """`npm ci`, `go mod download`, `pip install -r`: the install as the user knows it."""
    words = cmd.words[: 2 if tool in ("go", "conda", "uv") and cmd.subcommand in ("mod", "env", "pip") else 1]
    return " ".join((cmd.name,) + words)


@rule("SLM040")
def check(ctx, r):
    manifests = layers_data()["manifests"]
    for stage in ctx.stages_for(r.scope):
        chain = ctx.stage_ancestry(stage)
        earlier = [i for s in chain[:-1] for i in s.instructions]
        for pos, ins in enumerate(stage.instructions):
            if not copies_whole_context(ins):
                continue
            # Ecosystems whose dependencies were installed before this COPY: a later install
            # of the same ecosystem only adds the project (the usual two-step pattern).
            done = {ecosystem(tool) for i in earlier + stage.instructions[:pos]
                    if i.keyword == "RUN" for tool, _ in _installs(ctx, i)}
            for later in stage.instructions[pos + 1:]:
                if later.keyword != "RUN":
                    continue
                found = [(t, c) for t, c in _installs(ctx, later) if ecosystem(t) not in done]
                if found:
                    tool, cmd = found[0]
                    what = _display(tool, cmd)
                    yield r.finding(
                        ins,
                        f"`{ins.keyword} {' '.join(ins.exec_form or ins.args.split())}` copies the whole context before "
                        f"`{what}` (line {later.line}): every source edit re-runs the install; copy "
                        f"{manifests.get(tool, 'the dependency manifests')} first, install, then copy the rest",
                    )
                    break
