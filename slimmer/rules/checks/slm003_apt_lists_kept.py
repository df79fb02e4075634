"""SLM003: apt lists left in the layer that installed packages."""

from __future__ import annotations

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
            if not ins.heredocs:
                # Append the clean-up to the end of the RUN's last line.
                fix = r.make_fix(ins, r"(\S)([ \t]*)(\r?\n?)\Z", r"\1 && rm -rf /var/lib/apt/lists/*\2\3",
                                 "remove the apt lists in the same RUN")
            yield r.finding(ins, "apt lists (~20-50 MB) stay in this layer; end the RUN with rm -rf /var/lib/apt/lists/*", fix)
