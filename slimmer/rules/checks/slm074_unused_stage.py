"""SLM074: stages the target does not need."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_layers import side_stage


def _describe(stage) -> str:
    if stage.name_as_written:
        return f"stage {stage.name_as_written}"
    return f"stage #{stage.index} (line {stage.line})"


@rule("SLM074")
def check(ctx, r):
    target = _describe(ctx.target)
    for index in ctx.graph.unused:
        stage = ctx.stages[index]
        label = _describe(stage)
        if side_stage(stage):
            message = (
                f"{label} is not needed by the target {target}: presumably built on purpose with "
                f"--target {stage.name_as_written}; BuildKit skips it otherwise, the legacy builder builds it anyway"
            )
        else:
            message = (
                f"{label} is not needed by the target {target}: BuildKit skips it, but the legacy builder "
                f"(DOCKER_BUILDKIT=0) still builds it; delete it, or copy from it if it was meant to be used"
            )
        yield r.finding(stage.from_instruction, message)
