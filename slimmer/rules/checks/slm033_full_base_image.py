"""SLM033: a full base image where a slim variant of the same tag exists."""

from __future__ import annotations

import re

from slimmer.rules import rule
from slimmer.rules.facts_images import (
    base_images,
    from_fix_pattern,
    from_token,
    image_key,
    is_official,
    slim_variants,
    stage_image,
    toolchain_images,
)


def slim_tag(repo: str, tag: str | None) -> tuple[str, str, str | None] | None:
    """For a full tag: (slim tag, version part, codename) or None when the tag is not a full one."""
    spec = base_images()["slim_tags"].get(repo)
    if spec is None:
        return None
    if tag is None or tag == "latest":
        return spec["latest"], "", None
    codenames = "|".join(base_images()["debian_codenames"])
    pattern = rf"(?P<v>{spec['version']})"
    if "codename" in spec:
        pattern += rf"(?:-(?P<c>{codenames}))?"
    m = re.fullmatch(pattern, tag)
    if not m:
        return None  # -slim, -alpine, -windowsservercore, -onbuild, ...: not a full tag we know
    version, codename = m.group("v"), m.groupdict().get("c")
    template = spec["codename"] if codename else spec["plain"]
    return template.replace("{v}", version).replace("{c}", codename or ""), version, codename


def _fix_token(token: str, repo: str, tag: str | None, version: str, codename: str | None) -> str | None:
    """The FROM token rewritten to the slim tag, when the written text allows it."""
    spec = base_images()["slim_tags"][repo]
    if "@" in token:
        return None  # a digest picks the image; a new tag would change nothing
    name, colon, raw_tag = token.rpartition(":") if ":" in token.rsplit("/", 1)[-1] else (token, "", "")
    if not colon:
        if tag is None and "$" not in token:
            return f"{token}:{spec['latest']}"
        return None
    if tag == "latest":
        return f"{name}:{spec['latest']}" if raw_tag == "latest" else None
    if codename:
        if not raw_tag.endswith("-" + codename):
            return None
        raw_version = raw_tag[: -len(codename) - 1]
        return f"{name}:" + spec["codename"].replace("{v}", raw_version).replace("{c}", codename)
    return f"{name}:" + spec["plain"].replace("{v}", raw_tag)


@rule("SLM033")
def check(ctx, r):
    variants = slim_variants()
    toolchains = set(toolchain_images())
    for stage in ctx.stages_for(r.scope):
        image = stage_image(stage)
        if image is None or not is_official(image):
            continue
        repo = image_key(image)
        if repo not in variants or "suffix" not in variants[repo] or repo in toolchains:
            continue  # toolchain images (golang, openjdk) are SLM031's
        found = slim_tag(repo, image.tag)
        if found is None:
            continue
        new_tag, version, codename = found
        ins = stage.from_instruction
        fix = None
        token = from_token(ins)
        if token:
            new_token = _fix_token(token, repo, image.tag, version, codename)
            if new_token:
                fix = r.make_fix(ins, from_fix_pattern(token), r"\g<1>" + new_token.replace("\\", "\\\\"),
                                 f"use {repo}:{new_tag}")
        distroless = variants[repo].get("distroless")
        also = f" (or {distroless})" if distroless else ""
        yield r.finding(
            ins,
            f"{repo}:{image.tag or 'latest'} is the full image in a stage that ships "
            f"(e.g. {base_images()['slim_tags'][repo]['size']}); use {repo}:{new_tag}{also}",
            fix,
        )
