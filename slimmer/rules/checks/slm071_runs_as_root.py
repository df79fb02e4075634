"""SLM071: the final image runs as root."""

from __future__ import annotations

from fnmatch import fnmatch

from slimmer.rules import data, rule
from slimmer.rules.facts_images import image_key, tag_words, windows_image
from slimmer.rules.facts_layers import side_stage
from slimmer.rules.facts_python import dev_image


def _user_part(ins) -> str | None:
    """The user of a USER instruction (variables expanded), or None when it is not known."""
    value = ins.expand(ins.args.strip()).strip("'\"")
    if "$" in value or not value:
        return None
    return value.split(":", 1)[0]


def _base_sets_user(image) -> bool:
    known = data("images")["nonroot"]
    if any(w in known["tag_words"] for w in tag_words(image.tag)):
        return True
    key = image_key(image)
    return any(fnmatch(key, p) for p in known["repositories"])


@rule("SLM071")
def check(ctx, r):
    if windows_image(ctx):
        return  # Windows containers have no root: ContainerUser / ContainerAdministrator
    if dev_image(ctx) or side_stage(ctx.target):
        return  # a development or test target (AS dev-envs, Dockerfile.dev): not the image that ships
    chain = ctx.stage_ancestry(ctx.target)
    last = None
    for stage in chain:
        for ins in stage.instructions:
            if ins.keyword == "USER":
                last = ins
    if last is not None:
        user = _user_part(last)
        if user in ("root", "0"):
            finding = r.finding(
                last,
                "the image runs as root: the last USER is root, so a compromised process owns the container; "
                "switch to an unprivileged user (USER 10001 or a user created with useradd) at the end",
            )
            finding.severity = "warning"
            yield finding
        return
    base = chain[0].image
    if base is None or base.is_scratch or _base_sets_user(base):
        return  # scratch has no users; distroless :nonroot, chainguard, jupyter ... already run unprivileged
    target = ctx.target
    alternative = data("images")["nonroot"]["alternatives"].get(image_key(base))
    advice = f"build on {alternative}" if alternative else "add USER with an unprivileged user before CMD"
    yield r.finding(
        target.from_instruction,
        f"the final stage sets no USER, so the image runs as root (unless {chain[0].base} sets a user); {advice}",
    )
