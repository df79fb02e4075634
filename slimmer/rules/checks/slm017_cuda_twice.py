"""SLM017: CUDA shipped twice: a CUDA base image and pip wheels that bring their own CUDA."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_cuda import cuda_base, cuda_bundling, has_variant, uses_nvcc, variants


@rule("SLM017")
def check(ctx, r):
    target = ctx.target
    image = cuda_base(ctx, target)
    if image is None or not has_variant(image, variants()["with_libraries"]):
        return
    if image.repository.endswith("pytorch/pytorch"):
        return  # the image's torch is the one that uses its CUDA
    chain = ctx.stage_ancestry(target)
    compiles = any(uses_nvcc(c) for st in chain for _, cmds in ctx.runs(st) for c in cmds)
    for stage in chain:
        for ins, cmds in ctx.runs(stage):
            for c in cmds:
                bundled = cuda_bundling(c, ins, ctx.context_dir)
                if not bundled:
                    continue
                names = ", ".join(bundled[:3])
                one = len(bundled) == 1
                base_tag = "-".join("base" if w in ("runtime", "devel") else w for w in image.tag.split("-") if w not in ("cudnn", "cudnn8", "cudnn9"))
                if compiles:
                    advice = (f"this stage also compiles against the base's CUDA, so compile in a builder stage and "
                              f"ship on {image.repository}:{base_tag}, where only the wheels' copy remains")
                else:
                    advice = (f"{names} {'loads its' if one else 'load their'} own copy, not the base's: the base's copy can go; "
                              f"build FROM {image.repository}:{base_tag} (driver hooks only) or a slim Python image")
                yield r.finding(
                    ins,
                    f"CUDA ships twice: {image.repository}:{image.tag} carries the CUDA libraries (~2-3 GB) and "
                    f"pip installs {names}, which {'brings its' if one else 'bring their'} own (the nvidia-* wheels, ~2.8 GB "
                    f"with torch); {advice}",
                )
                return
