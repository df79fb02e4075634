"""SLM011: development / test requirements installed in a stage that ships."""

from __future__ import annotations

import os

from slimmer.rules import data, rule
from slimmer.rules.facts_python import dev_image, dev_like, normalise, pip_install


def _dev_file(path: str) -> bool:
    # requirements-dev.txt, dev-requirements.txt, requirements/test.txt (the file's own name only:
    # /srv/testing-api/requirements.txt is not a test file).
    name = os.path.basename(path.rstrip("/"))
    return dev_like(os.path.splitext(name)[0])


def _uninstalled(cmds) -> set[str]:
    gone: set[str] = set()
    for c in cmds:
        if c.is_("pip", "uninstall"):
            gone |= {normalise(w) for w in c.words[1:]}
    return gone


def _reasons(pi, cmds) -> list[str]:
    tools = set(data("python")["dev_tools"])
    reasons = [f for f in pi.files if _dev_file(f)]
    gone = _uninstalled(cmds)
    for req in pi.requirements:
        dev_extras = [e for e in req.extras if dev_like(e)]
        if dev_extras:
            reasons.append(req.spec)
        elif req.name and (req.name in tools or req.name.startswith("pytest-")) and req.name not in gone:
            reasons.append(req.name)
    return reasons


@rule("SLM011")
def check(ctx, r):
    if dev_image(ctx):
        return
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            for c in cmds:
                pi = pip_install(c, ins)
                if pi is None:
                    continue
                reasons = _reasons(pi, cmds)
                if reasons:
                    shown = ", ".join(reasons[:3]) + (" ..." if len(reasons) > 3 else "")
                    yield r.finding(ins, f"pip installs development/test requirements ({shown}) in a stage that ships: "
                                    "test and lint tools end up in the image; install them in a separate test stage")
                    break
