"""SLM015: the CUDA build of torch installed into an image that shows no GPU use."""

from __future__ import annotations

import re

from slimmer.rules import data, rule
from slimmer.rules.facts_python import (
    apt_call,
    checked_fix,
    matches_any,
    pip_install,
    read_requirements,
    requirement_lines,
)

# The first `pip install` (any pip, python -m pip, uv pip) of the RUN's text.
PIP_INSTALL = r"\b(pip[0-9.]*[ \t]+install)(?=[ \t]|$)"


def _gpu_image(ctx) -> bool:
    """True when the shipped image shows it is meant for a GPU (or for a platform whose
    PyPI torch is CPU-only anyway)."""
    d = data("python")
    host = d["torch_index_host"]
    for stage in ctx.stage_ancestry(ctx.target):
        # The base image's name, or the stage's own name (`AS pytorch-gpu`).
        ref = (stage.image.raw if stage.image else "").lower() + " " + (stage.name or "")
        if any(w in ref for w in d["gpu_image_words"]):
            return True
        if stage.image and stage.image.repository.lower() in d["gpu_images"]:
            return True
        if stage.platform and re.search(r"arm|aarch64|ppc|s390", stage.platform):
            return True
        for ins in stage.instructions:
            if ins.keyword in ("ENV", "ARG") and (any(n in ins.args for n in d["gpu_env"]) or host in ins.args):
                return True
            if ins.keyword != "RUN":
                continue
            for c in ctx.commands(ins):
                if any(host in a for a in c.args):  # a torch index chosen on purpose somewhere
                    return True
                call = apt_call(c)
                if call is not None and call.action == "install":
                    if any(matches_any(p.split("=")[0].lower(), d["gpu_os_packages"]) for p in call.packages):
                        return True
                pi = pip_install(c, ins)
                if pi is not None and any(q.name and matches_any(q.name, d["gpu_packages"]) for q in pi.requirements):
                    return True
    return False


def _torch(reqs):
    names = set(data("python")["torch_packages"])
    return [q for q in reqs if q.name in names]


def _chosen(reqs, indexes) -> bool:
    """True when the torch build is chosen explicitly: a +cpu / +cu121 local version, or an
    index under download.pytorch.org."""
    host = data("python")["torch_index_host"]
    if any(host in i for i in indexes):
        return True
    return any("+" in q.version or "cu" in q.version.lower() or host in q.spec for q in _torch(reqs))


@rule("SLM015")
def check(ctx, r):
    stages = ctx.stages_for(r.scope)
    if not stages or _gpu_image(ctx):
        return
    names = set(data("python")["torch_packages"])
    cpu = data("python")["torch_cpu_index"]
    for stage in stages:
        if stage.platform and re.search(r"arm|aarch64|ppc|s390", stage.platform):
            continue
        for ins, cmds in ctx.runs(stage):
            for c in cmds:
                pi = pip_install(c, ins)
                # uv's --torch-backend picks the build on purpose.
                if pi is None or any(o == "--torch-backend" for o, _ in pi.options) or pi.env.get("UV_TORCH_BACKEND"):
                    continue
                direct = _torch(pi.requirements)
                via_file = []
                file_indexes: list[str] = []
                files: list[str] = []
                for f in pi.files:
                    lines = read_requirements(ctx.context_dir, ins.expand(f))
                    if lines:
                        reqs, idx = requirement_lines(lines)
                        if _torch(reqs):
                            files.append(f)
                        via_file += _torch(reqs)
                        file_indexes += idx
                found = direct + via_file
                if not found or _chosen(found, pi.indexes + file_indexes):
                    continue
                fix = None
                # Only a pip install of torch packages alone can switch to the CPU index: other
                # packages may not be on it.
                if direct and not via_file and not pi.files and all(q.name in names for q in pi.requirements) \
                        and next(x for x in cmds if pip_install(x, ins) is not None) is c:
                    fix = r.make_fix(ins, PIP_INSTALL, rf"\1 --index-url {cpu}", "install torch from the CPU index",
                                     command=c)
                    fix = checked_fix(ctx, fix, lambda after: any(
                        (p := pip_install(x, ins)) is not None and _torch(p.requirements)
                        and any(cpu in i for i in p.indexes) for x in after))
                what = ", ".join(dict.fromkeys(q.name for q in found))
                source = "" if direct else f" (via {files[0]})"
                yield r.finding(ins, f"pip installs the CUDA build of {what}{source}, ~2.8 GB with its nvidia-* "
                                f"wheels, but the image shows no GPU use; the CPU build from --index-url {cpu} "
                                "(~190 MB) would save ~2.6 GB", fix)
                break
