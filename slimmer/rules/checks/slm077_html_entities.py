"""SLM077: HTML entities pasted into a shell command (`&amp;&amp;`, `&gt;`)."""

from __future__ import annotations

import re

from slimmer.rules import rule

_ENTITY = re.compile(r"&(amp|gt|lt|quot|apos|nbsp|#\d+|#x[0-9a-fA-F]+);")
_NAMES = {"amp", "gt", "lt", "quot", "apos", "nbsp"}
_MEANS = {"amp": "&", "gt": ">", "lt": "<", "quot": '"', "apos": "'", "nbsp": " "}


def _entity_command(cmds) -> bool:
    """The shell read an entity as `&` (run in the background) followed by a command named
    like the entity (`gt`, `amp`): the shape pasted HTML leaves."""
    return any(c.name.lstrip("&").rstrip(";") in _NAMES or re.fullmatch(r"&?#x?[0-9a-fA-F]+;?", c.name) for c in cmds)


@rule("SLM077")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins in stage.instructions:
            if ins.keyword not in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK") or ins.exec_form is not None:
                continue
            found = _ENTITY.findall(ins.args)
            if not found:
                continue
            if ins.keyword == "RUN" and not _entity_command(ctx.commands(ins)):
                continue  # inside quotes: written on purpose (an HTML snippet echoed into a file)
            shown = ", ".join(dict.fromkeys(f"&{e};" for e in found))
            meant = ", ".join(dict.fromkeys(f"&{e}; -> {_MEANS[e]}" for e in found if e in _MEANS))
            yield r.finding(
                ins,
                f"HTML entities in the command ({shown}), pasted from a web page: the shell reads `&` as 'run in the "
                f"background' and the rest as a command, so the build fails or skips steps; write the characters "
                f"themselves ({meant or 'decode them'})",
            )
