"""SLM031: a toolchain image (golang, rust, maven, a JDK, the .NET SDK) as the final base."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_images import base_images, image_key, stage_image, tag_words, toolchain_images


def toolchain_image(image) -> str | None:
    """The toolchain repository the image is, or None (JRE and other runtime variants are not)."""
    facts = base_images()["toolchain"]
    key = image_key(image)
    names = toolchain_images() + list(facts["extra_images"])
    if key not in names:
        return None
    runtime_words = facts["runtime_tag_words"].get(key, [])
    if any(w.startswith(rw) for w in tag_words(image.tag) for rw in runtime_words):
        return None  # openjdk:17-jre, eclipse-temurin:21-jre-alpine, buildpack-deps:bookworm-curl
    return key


@rule("SLM031")
def check(ctx, r):
    suggestions = base_images()["toolchain"]["runtime_for"]
    for stage in ctx.stages_for(r.scope):
        image = stage_image(stage)
        if image is None:
            continue
        key = toolchain_image(image)
        if key is None:
            continue
        instead = suggestions.get(key, "a slim runtime image")
        yield r.finding(
            stage.from_instruction,
            f"the final image is built on the {key} toolchain image (compilers and SDK, often 500 MB-1 GB); "
            f"build in it as a builder stage and copy the result onto {instead}",
        )
