"""SLM032: a CUDA -devel image as the base of a stage that ships."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_images import base_images, stage_image, tag_words

# `-devel` inside the tag of the image token (after its ":"), not in a stage name.
_DEVEL = r"(?i)(\A\s*FROM\s+(?:--\S+\s+)*[^\s:@]+:[^\s@]*?)-devel(?=[-\s@]|\Z)"


@rule("SLM032")
def check(ctx, r):
    repositories = base_images()["cuda"]["repositories"]
    for stage in ctx.stages_for(r.scope):
        image = stage_image(stage)
        if image is None or image.repository not in repositories or "devel" not in tag_words(image.tag):
            continue
        runtime = image.with_tag("-".join("runtime" if w.lower() == "devel" else w for w in image.tag.split("-")))
        fix = None
        if image.digest is None:  # with a digest the tag does not choose the image
            fix = r.make_fix(stage.from_instruction, _DEVEL, r"\1-runtime", "use the -runtime variant")
        yield r.finding(
            stage.from_instruction,
            f"{image.repository}:{image.tag} is a -devel image (nvcc, headers, static libraries: ~4-6 GB) "
            f"in a stage that ships; build CUDA code in a builder stage and ship on {runtime} (~2-3 GB)",
            fix,
        )
