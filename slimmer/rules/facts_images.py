"""Questions the base-image rules (SLM031-SLM035) ask about FROM lines, answered once here."""

from __future__ import annotations

import re

from slimmer.model.imageref import ImageRef
from slimmer.model.nodes import Instruction, Stage
from slimmer.rules import data

_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?")


def base_images() -> dict:
    return data("base_images")


def stage_image(stage: Stage) -> ImageRef | None:
    """The image a stage is built FROM, when it is an image whose name is fully known."""
    if stage.base_stage is not None or stage.image is None or stage.image.is_scratch:
        return None
    if "$" in stage.base:
        return None  # an ARG without a known value: the image is not known
    return stage.image


def image_key(image: ImageRef) -> str:
    """A name to look images up by: "python" for python, docker.io/library/python and
    public.ecr.aws/docker/library/python; "nvidia/cuda"; "mcr.microsoft.com/dotnet/sdk"."""
    facts = base_images()
    repo = image.repository
    if image.registry is None or image.registry in facts["hub_registries"]:
        return repo.removeprefix("library/")
    prefix = facts["hub_mirrors"].get(image.registry)
    if prefix and repo.startswith(prefix):
        return repo[len(prefix):]
    return f"{image.registry}/{repo}"


def is_official(image: ImageRef) -> bool:
    """A Docker Hub official image (python, node, debian, ...), directly or via a mirror."""
    return "/" not in image_key(image)


def tag_words(tag: str | None) -> list[str]:
    return tag.lower().split("-") if tag else []


def tag_version(tag: str | None) -> tuple[int, ...] | None:
    """The leading major[.minor] of a tag: 3.7.12-slim-buster -> (3, 7); 16-alpine -> (16,)."""
    if not tag:
        return None
    m = _VERSION.match(tag)
    if not m:
        return None
    return tuple(int(g) for g in m.groups() if g is not None)


def from_token(ins: Instruction) -> str | None:
    """The image reference exactly as written on the FROM line (variables unexpanded)."""
    words = ins.args.split()
    return words[0] if words else None


def from_fix_pattern(token: str) -> str:
    """A regex matching the FROM line up to the image token (group 1) and the token itself."""
    return r"(?i)\A(\s*FROM\s+(?:--\S+\s+)*)" + re.escape(token) + r"(?=\s|\Z)"


def toolchain_images() -> list[str]:
    """Repositories whose images carry a whole toolchain (images.toml)."""
    return list(data("images")["toolchain_images"])


def slim_variants() -> dict[str, dict]:
    """images.toml's [slim] table: repository -> {suffix, distroless} (other keys left out)."""
    return {k: v for k, v in data("images").get("slim", {}).items() if isinstance(v, dict)}


_WINDOWS_WORDS = ("windows", "servercore", "nanoserver", "ltsc20")
_WINDOWS_BUILD = re.compile(r"(?:^|[-_.])10\.0\.\d{5}")


def windows_image(ctx) -> bool:
    """The target is a Windows container: a backtick escape directive, a Windows base (servercore,
    nanoserver, a 10.0.NNNNN build number in the tag) or a powershell / cmd SHELL."""
    if ctx.dockerfile.escape == "`":
        return True
    for stage in ctx.stage_ancestry(ctx.target):
        ref = stage.base.lower()
        if any(w in ref for w in _WINDOWS_WORDS) or _WINDOWS_BUILD.search(ref):
            return True
        for ins in stage.find("SHELL"):
            first = (ins.exec_form or [""])[0].lower().rsplit("\\", 1)[-1]
            if first.startswith(("powershell", "pwsh", "cmd")):
                return True
    return False
