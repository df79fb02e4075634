"""Questions the CUDA rules (SLM017, SLM037) ask: which CUDA variant a stage is built on,
whether a command uses nvcc, and whether a pip install brings its own CUDA libraries."""

from __future__ import annotations

from slimmer.model.nodes import Stage
from slimmer.model.shell import Command
from slimmer.rules.facts_images import base_images, image_key, tag_words
from slimmer.rules.facts_layers import installed_packages
from slimmer.rules.facts_python import matches_any, pip_install, read_requirements, requirement_lines


def variants() -> dict:
    return base_images()["cuda_variants"]


def cuda_base(ctx, stage: Stage):
    """The CUDA image (ImageRef) the stage is built on, through FROM <stage> too, or None."""
    first = ctx.stage_ancestry(stage)[0]
    image = first.image
    if image is None or "$" in first.base or image.tag is None:
        return None
    return image if image_key(image) in base_images()["cuda"]["repositories"] else None


def has_variant(image, words: list[str]) -> bool:
    return any(w in words for w in tag_words(image.tag))


def uses_nvcc(cmd: Command) -> bool:
    """Runs nvcc, or looks for it (`which nvcc`, `command -v nvcc`, `nvcc --version`)."""
    if cmd.name == "nvcc":
        return True
    if cmd.name in ("which", "type", "whereis") or (cmd.name == "command" and "-v" in cmd.args):
        return any(a.rsplit("/", 1)[-1] == "nvcc" for a in cmd.args)
    return False


def installs_nvcc(cmd: Command, ins=None) -> bool:
    patterns = variants()["nvcc_packages"]
    names = [p.lower() for p in installed_packages(cmd)]
    if cmd.name in ("conda", "mamba", "micromamba") and cmd.subcommand in ("install", "create"):
        names += [w.lower() for w in cmd.words[1:]]
    pi = pip_install(cmd, ins)
    if pi is not None:
        names += [q.name for q in pi.requirements if q.name]
    return any(matches_any(n.split("=")[0], patterns) for n in names)


def cuda_bundling(cmd: Command, ins=None, context_dir: str | None = None) -> list[str]:
    """The packages of a pip install (named, or in its requirements files found in the build
    context) that bring their own CUDA libraries (not a +cpu build, not from a CPU index)."""
    pi = pip_install(cmd, ins)
    if pi is None:
        return []
    reqs, indexes = list(pi.requirements), list(pi.indexes)
    if context_dir is not None:
        for f in pi.files:
            lines = read_requirements(context_dir, ins.expand(f) if ins is not None else f)
            if lines:
                more, idx = requirement_lines(lines)
                reqs += more
                indexes += idx
    if any("/cpu" in i for i in indexes):
        return []
    patterns = variants()["bundles_cuda"]
    out = []
    for q in reqs:
        if not q.name or "+cpu" in q.version:
            continue
        spec = q.name + (f"[{','.join(q.extras)}]" if q.extras else "")
        if matches_any(q.name, patterns) or matches_any(spec, patterns):
            out.append(q.name)
    return list(dict.fromkeys(out))
