"""SLM050: consecutive RUN instructions that could be one."""

from __future__ import annotations

from slimmer.rules import rule


def _mergeable(ins) -> bool:
    # Flags (mounts, network, security), heredocs and exec form make merging a rewrite.
    return ins.keyword == "RUN" and not ins.flags and not ins.heredocs and ins.exec_form is None


@rule("SLM050")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        group: list = []
        for ins in stage.instructions + [None]:
            if ins is not None and _mergeable(ins):
                group.append(ins)
                continue
            if len(group) >= 2:
                yield r.finding(
                    group[1],
                    f"{len(group)} consecutive RUN instructions (lines {group[0].line}-{group[-1].end_line}) each "
                    f"make a layer; join them with && into one RUN so files one step deletes never land in a layer",
                )
            group = []
