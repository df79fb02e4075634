"""SLM076: a sudoers line that grants sudo without a password."""

from __future__ import annotations

from slimmer.rules import rule


_READS = {"grep", "egrep", "fgrep", "rg", "test", "["}


@rule("SLM076")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            for c in cmds:
                if c.name in _READS:
                    continue  # `grep NOPASSWD /etc/sudoers` looks, it grants nothing
                granted = next((a for a in c.args if "NOPASSWD" in a), None)
                if granted is None:
                    continue
                line = " ".join(granted.split())
                yield r.finding(
                    ins,
                    f"sudoers line `{line[:80]}` lets the user become root without a password: the image is root in all "
                    f"but name (any code running as that user can `sudo`); drop sudo from the image, or install what "
                    f"needs root at build time",
                )
                break
