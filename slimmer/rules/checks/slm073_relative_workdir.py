"""SLM073: a relative WORKDIR."""

from __future__ import annotations

import re

from slimmer.rules import rule
from slimmer.rules.facts_layers import workdir_value

_WINDOWS = re.compile(r"^([A-Za-z]:)?[\\/]")


@rule("SLM073")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins in stage.find("WORKDIR"):
            value, _ = workdir_value(ins)
            if not value or value.startswith("$") or _WINDOWS.match(value):
                continue  # absolute, or starts with a variable whose value is not known
            yield r.finding(
                ins,
                f"WORKDIR {value} is relative: it resolves against the previous WORKDIR (or the base image's), "
                f"which can change under you; use an absolute path such as /{value.lstrip('./')}",
            )
