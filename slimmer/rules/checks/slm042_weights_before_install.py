"""SLM042: model weights or data sets copied before the dependency install."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_layers import copy_parts, from_context, has_extension, installs, is_url, layers_data


def looks_like_weights(source: str) -> bool:
    d = layers_data()
    if has_extension(source, d["weight_extensions"]):
        return True
    parts = [p for p in source.split("/") if p not in ("", ".")]
    return bool(parts) and parts[0].lower() in d["data_dirs"]


@rule("SLM042")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for pos, ins in enumerate(stage.instructions):
            if not from_context(ins):
                continue
            parts = copy_parts(ins)
            if parts is None:
                continue
            heavy = [s for s in parts[0] if not is_url(s) and looks_like_weights(s)]
            if not heavy:
                continue
            for later in stage.instructions[pos + 1:]:
                if later.keyword != "RUN":
                    continue
                first = next((c for c in ctx.commands(later) if installs(c)), None)
                if first is not None:
                    what = " ".join((first.name,) + first.words[:1])
                    yield r.finding(
                        ins,
                        f"{', '.join(heavy)} (model weights or data) is copied before `{what}` (line {later.line}): "
                        f"any change to it re-runs the install; copy it after the installs, as late as possible, "
                        f"or mount it at run time",
                    )
                    break
