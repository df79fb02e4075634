"""SLM041: a per-build value (GIT_SHA, BUILD_DATE, ...) declared before the dependency installs."""

from __future__ import annotations

import re

from slimmer.rules import rule
from slimmer.rules.facts_layers import arg_pairs, installs, layers_data, raw_env_values


def per_build(name: str) -> bool:
    d = layers_data()
    up = name.upper()
    return up in d["per_build_names"] or any(up.startswith(p) for p in d["per_build_prefixes"])


def _uses(cmds, name: str) -> bool:
    ref = re.compile(r"\$(\{)?" + re.escape(name) + r"\b")
    return any(ref.search(w) for c in cmds for w in c.argv + tuple(v for _, v in c.assignments))


def _declared(ins) -> list[str]:
    if ins.keyword == "ARG":
        return [n for n, _ in arg_pairs(ins)]
    if ins.keyword == "ENV":
        # A literal ENV VERSION=1.2 changes only with the file; ENV X=$ARG changes per build.
        return [n for n, v in raw_env_values(ins).items() if "$" in v]
    return []


@rule("SLM041")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        seen: set[str] = set()
        for pos, ins in enumerate(stage.instructions):
            for name in _declared(ins):
                if name in seen or not per_build(name):
                    continue
                seen.add(name)
                for later in stage.instructions[pos + 1:]:
                    if later.keyword != "RUN":
                        continue
                    cmds = ctx.commands(later)
                    if _uses(cmds, name):
                        break  # the value is meant for this RUN: it has to come before it
                    first = next((c for c in cmds if installs(c)), None)
                    if first is not None:
                        what = " ".join((first.name,) + first.words[:1])
                        yield r.finding(
                            ins,
                            f"{ins.keyword} {name} (a value that changes on every build) is declared before "
                            f"`{what}` (line {later.line}): each new value misses the cache of every RUN after it; "
                            f"declare it after the installs, just before it is used",
                        )
                        break
