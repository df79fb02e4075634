"""SLM075: a single-stage build that compiles: a multi-stage candidate."""

from __future__ import annotations

import os
import re

from slimmer.rules import data, rule
from slimmer.rules.facts_images import toolchain_images
from slimmer.rules.facts_layers import apk_virtual, context_known, installed_packages, layers_data, removed_packages

VCS = {"git", "mercurial", "subversion"}  # often needed at run time too: not evidence of a build
TOOL_BUILDS = {
    "go": {"build", "install"}, "cargo": {"build", "install"}, "mvn": {"package", "install", "verify", "compile"},
    "mvnw": {"package", "install", "verify", "compile"}, "gradle": {"build", "assemble", "bootJar", "jar", "installDist"},
    "gradlew": {"build", "assemble", "bootJar", "jar", "installDist"}, "dotnet": {"publish", "build"},
}  # fmt: skip


def _image_name(image) -> str:
    repo = image.repository.removeprefix("library/")
    if image.registry and image.registry not in ("docker.io", "index.docker.io", "registry-1.docker.io"):
        return f"{image.registry}/{repo}"
    return repo


def _toolchain_packages(cmds) -> list[str]:
    toolchain = set(data("packages")["toolchain"]) - VCS
    dev = set(data("packages")["dev_to_runtime"])
    removed = {p for c in cmds for p in removed_packages(c)}
    found = []
    for c in cmds:
        virtual = apk_virtual(c) if c.name == "apk" else None
        if virtual and virtual in removed:
            continue  # `apk add --virtual .build-deps … && … && apk del .build-deps`
        for p in installed_packages(c):
            if p in removed:
                continue
            if p in toolchain or p in dev or p.endswith(("-dev", "-devel")):
                found.append(p)
    return found


def _builds(cmd, image: str, tag: str) -> bool:
    if image in toolchain_images() and "jre" not in tag:
        if cmd.name in layers_data()["build_commands"]:
            return True
        if cmd.subcommand in TOOL_BUILDS.get(cmd.name, ()):
            return True
    if image == "node" and cmd.name in ("npm", "yarn", "pnpm"):
        words = cmd.words
        return words[:2] == ("run", "build") or (cmd.name != "npm" and words[:1] == ("build",))
    return False


def _requirement_names(ctx, path: str) -> set[str]:
    if not context_known(ctx.dockerfile.path):
        return set()
    for candidate in (path.removeprefix("./"), os.path.basename(path)):
        from slimmer.rules.context_files import read_text

        text = read_text(ctx.context_dir, candidate) if candidate else None  # confined, size capped
        if text is not None:
            return {m.group(1) for m in (re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", ln) for ln in text.splitlines()) if m}
    return set()


def _compiled_pip(ctx, cmd) -> list[str]:
    """Packages of a pip install (named, or in a requirements file of the context) that compile."""
    compiled = {n.replace("_", "-") for n in layers_data()["compiled_pip_packages"]}
    names = set()
    args = list(cmd.args)
    for i, a in enumerate(args):
        if a in ("-r", "--requirement") and i + 1 < len(args):
            names |= _requirement_names(ctx, args[i + 1])
    names |= {re.split(r"[<>=!~\[; ]", w, maxsplit=1)[0] for w in cmd.words[1:]}
    return sorted(n for n in names if n.lower().replace("_", "-") in compiled)


def evidence(ctx, stage):
    """(instruction, what) for the first sign that the stage compiles software."""
    image = stage.image
    name = _image_name(image) if image is not None else ""
    tag = (image.tag or "") if image is not None else ""
    full_python = name == "python" and not any(v in tag for v in ("slim", "alpine"))
    for ins, cmds in ctx.runs(stage):
        pkgs = _toolchain_packages(cmds)
        if pkgs:
            return ins, f"installs {', '.join(pkgs[:4])}"
        for c in cmds:
            if _builds(c, name, tag):
                return ins, f"runs `{' '.join(c.argv[:3])}` on the {name} toolchain image"
            if full_python and c.is_("pip", "install"):
                compiled = _compiled_pip(ctx, c)
                if compiled:
                    return ins, f"compiles {', '.join(compiled[:3])} on the full python image"
    return None


@rule("SLM075")
def check(ctx, r):
    target = ctx.target
    if target.base_stage is not None or target.image is None:
        return
    if any(isinstance(e.source, int) for e in ctx.graph.edges if e.target == target.index):
        return  # already copies from a build stage
    found = evidence(ctx, target)
    if found is None:
        return
    ins, what = found
    yield r.finding(
        ins,
        f"single-stage build that compiles ({what}): the toolchain and build files ship in the image; "
        f"multi-stage candidate: `slimmer rewrite` can split it into a builder and a runtime stage",
    )
