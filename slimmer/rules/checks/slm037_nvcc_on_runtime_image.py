"""SLM037: nvcc used on a CUDA -runtime or -base image, which has none."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_cuda import cuda_base, has_variant, installs_nvcc, uses_nvcc, variants


@rule("SLM037")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        image = cuda_base(ctx, stage)
        if image is None or not has_variant(image, variants()["without_nvcc"]):
            continue
        added = any(installs_nvcc(c, ins) for st in ctx.stage_ancestry(stage)[:-1] for ins, cmds in ctx.runs(st) for c in cmds)
        for ins, cmds in ctx.runs(stage):
            if added:
                break
            for c in cmds:
                if installs_nvcc(c, ins):
                    added = True
                    break
                if uses_nvcc(c):
                    devel = image.with_tag("-".join("devel" if w in ("runtime", "base") else w for w in image.tag.split("-")))
                    yield r.finding(
                        ins,
                        f"`{' '.join(c.argv[:3])}` on {image.repository}:{image.tag}, which has no nvcc (only -devel "
                        f"images have the CUDA compiler): this step fails or takes the wrong branch; compile in a "
                        f"builder stage FROM {devel} and copy the result here",
                    )
                    break
