"""The ecosystems the splitter knows, behind one interface.

Each module names its ecosystem (NAME), says whether a stage is one of it (detect: from the
base image's repository and the tools its steps use), and gives the Splitter a mixin with
`builder_<NAME>()` (the builder stage's pieces: the toolchain, the manifests before the
source, the installs and the build) and `runtime_<NAME>(base, prune)` (the runtime stage:
the artifacts copied from the builder, and what the app needs to run). Adding an ecosystem
is a new module here, its entry in ECOSYSTEMS, and its cases in tests/rewrite/cases.
"""

from __future__ import annotations

from slimmer.rewrite.ecosystems import go, node, python

# In the order they are tried: a base image of the ecosystem wins over the tools used.
ECOSYSTEMS = (go, node, python)


def detect(facts) -> str | None:
    """The ecosystem of the stage: by its base image first, then by the tools its steps use."""
    image = facts.stage.image
    repo = image.name if image else ""
    for eco in ECOSYSTEMS:
        if repo in eco.BASE_REPOSITORIES:
            return eco.NAME
    tools = {t for s in facts.steps for t in s.tools}
    for eco in ECOSYSTEMS:
        if eco.detect_tools(tools, facts):
            return eco.NAME
    return None


class EcosystemMixins(python.Python, node.Node, go.Go):
    """Every ecosystem's builder_/runtime_ methods, for the Splitter to inherit."""
