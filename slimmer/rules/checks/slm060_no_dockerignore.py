"""SLM060: the whole context is copied and there is no .dockerignore."""

from __future__ import annotations

import os

from slimmer.rules import rule
from slimmer.rules.facts_layers import context_known, copies_whole_context, ignore_file


@rule("SLM060")
def check(ctx, r):
    if not context_known(ctx.dockerfile.path):
        return
    first = next((i for s in ctx.stages_for(r.scope) for i in s.instructions if copies_whole_context(i)), None)
    if first is None or ignore_file(ctx.context_dir, ctx.dockerfile.path) is not None:
        return
    yield r.finding(
        first,
        f"`{first.keyword} .` sends and copies the whole build context, and there is no .dockerignore in "
        f"{os.path.basename(ctx.context_dir) or ctx.context_dir}/: .git, local environments and build output end up "
        f"in the image and break the cache; add a .dockerignore",
    )
