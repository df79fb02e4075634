"""SLM034: a base image with no tag, the `latest` tag or another floating tag, and no digest."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_images import base_images, stage_image, tag_words


@rule("SLM034")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        image = stage_image(stage)  # None for scratch, FROM <stage> and unresolved ARGs
        if image is None or image.digest is not None:
            continue
        if image.tag is None:
            what = f"{image.raw} has no tag, so it means {image.raw}:latest"
        elif image.tag == "latest":
            what = f"{image.raw} uses the latest tag"
        elif tag_words(image.tag)[0] in base_images()["floating_tags"]:
            what = f"{image.raw} uses the floating tag {tag_words(image.tag)[0]}, which moves to each new release by itself"
        else:
            continue
        yield r.finding(
            stage.from_instruction,
            f"{what}: each pull may bring a different image, which breaks the build cache and "
            "reproducibility; pin a version tag (and ideally a digest)",
        )
