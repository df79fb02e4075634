"""SLM003: apt lists left in the layer that installed packages."""

from __future__ import annotations

import re

from slimmer.rules import rule
from slimmer.rules.facts import cache_mount_on, is_apt, removes

LISTS = "/var/lib/apt/lists"


@rule("SLM003")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            if not any(is_apt(c, "update") for c in cmds):
                continue
            if removes(cmds, LISTS) or cache_mount_on(ins, LISTS):
                continue
            fix = None
            installs = any(is_apt(c, "install") for c in cmds)
            last_line = ins.raw.rstrip("\r\n").rsplit("\n", 1)[-1].rstrip()
            # Only where this RUN also installs: a later RUN's install needs these lists.
            # And only where appending is plainly safe (no comment, `&` or `;` at the end).
            if installs and not ins.heredocs and not re.search(r"(#.*|[&;|\\])$", last_line):
                # Append the clean-up to the end of the RUN's last line.
                fix = r.make_fix(ins, r"(\S)([ \t]*)(\r?\n?)\Z", r"\1 && rm -rf /var/lib/apt/lists/*\2\3",
                                 "remove the apt lists in the same RUN")
            yield r.finding(ins, "apt lists (~20-50 MB) stay in this layer; end the RUN with rm -rf /var/lib/apt/lists/*", fix)
