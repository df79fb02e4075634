"""SLM035: a base image whose version has reached end of life."""

from __future__ import annotations

import re

from slimmer.rules import data, rule
from slimmer.rules.facts_images import base_images, image_key, is_official, stage_image, tag_version, tag_words


def _parse(version: str) -> tuple[int, ...] | None:
    return tuple(int(p) for p in version.split(".")) if re.fullmatch(r"\d+(\.\d+)*", version) else None


def _eol_version(repo: str, version: tuple[int, ...]) -> bool:
    """The major[.minor] version of `repo` is end-of-life."""
    if repo == "python" and (version[0] <= 2 or (version[0] == 3 and len(version) > 1 and version[1] <= 8)):
        return True
    if repo == "node" and (version[0] <= 16 or version[0] % 2 == 1):
        return True
    listed = [v for v in map(_parse, data("images")["eol"].get(repo, [])) if v]
    if any(len(version) >= len(v) and version[: len(v)] == v for v in listed):
        return True
    # Older than the oldest listed release (golang 1.9, ubuntu 12.04): compared at the
    # listed precision only, so golang:1 (the newest 1.x) is not "older than 1.13".
    oldest = min(listed, default=None)
    return oldest is not None and len(version) >= len(oldest) and version[: len(oldest)] < oldest


def _reason(image) -> str | None:
    repo = image_key(image)
    eol = data("images")["eol"]
    words = tag_words(image.tag)
    if not words:
        return None
    # The image's own version: python:3.8-slim, node:16-alpine, ubuntu:18.04, golang:1.19.
    if repo in eol or repo in ("python", "node"):
        version = tag_version(image.tag)
        if version is not None and _eol_version(repo, version):
            shown = re.match(r"\d+(\.\d+)?", image.tag).group()  # as written: 18.04, not 18.4
            if repo == "node":
                shown = str(version[0])
            if repo == "node" and version[0] % 2 == 1 and version[0] > 16:
                return f"node {shown} is an odd-numbered (non-LTS) release, out of support after ~6 months"
            return f"{repo} {shown} is end-of-life"
        if words[0] in eol.get(repo, []):
            return f"{repo} {words[0]} is end-of-life"
        if repo == "node" and words[0] in base_images()["node_codenames"]:
            major = base_images()["node_codenames"][words[0]]
            if _eol_version("node", (int(major),)):
                return f"node {words[0]} ({major}) is end-of-life"
    # The distribution an official image's tag names: python:3.11-slim-buster, node:20-alpine3.16.
    if not is_official(image):
        return None
    for w in words[1:]:
        for distro in ("debian", "ubuntu"):
            if w in eol.get(distro, []) and not re.fullmatch(r"[\d.]+", w):
                return f"its {distro.capitalize()} release {w} is end-of-life"
        m = re.fullmatch(r"alpine(\d+\.\d+)", w)
        if m and m.group(1) in eol.get("alpine", []):
            return f"its Alpine release {m.group(1)} is end-of-life"
    return None


@rule("SLM035")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        image = stage_image(stage)
        if image is None:
            continue
        reason = _reason(image)
        if reason:
            yield r.finding(
                stage.from_instruction,
                f"{image_key(image)}:{image.tag}: {reason} and gets no security fixes; move to a supported release",
            )
