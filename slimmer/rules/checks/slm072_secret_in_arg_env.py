"""SLM072: secrets passed in ARG or ENV."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_layers import arg_pairs, layers_data, raw_env_values


def is_secret_name(name: str) -> bool:
    d = layers_data()
    parts = [p for p in name.upper().split("_") if p]
    if not parts or parts[-1] in d["not_secret_suffixes"]:
        return False
    if any(p in d["secret_words"] for p in parts):
        return True
    pairs = {f"{a}_{b}" for a, b in zip(parts, parts[1:])}
    return bool(pairs & set(d["secret_pairs"]))


def _secret_id(name: str) -> str:
    return name.lower()


@rule("SLM072")
def check(ctx, r):
    wanted = {s.index for s in ctx.stages_for(r.scope)}
    for ins in ctx.dockerfile.instructions:  # global ARGs before the first FROM included
        if ins.stage_index is not None and ins.stage_index not in wanted:
            continue
        if ins.keyword == "ARG":
            pairs = [(n, v) for n, v in arg_pairs(ins)]
        elif ins.keyword == "ENV":
            pairs = [(n, v) for n, v in raw_env_values(ins).items() if v != ""]
        else:
            continue
        for name, value in pairs:
            if not is_secret_name(name):
                continue
            literal = value is not None and value != "" and "$" not in value
            mount = f"RUN --mount=type=secret,id={_secret_id(name)},env={name}"
            if ins.keyword == "ARG":
                how = (f"ARG {name} has a literal value in the Dockerfile" if literal
                       else f"ARG {name} passes a secret as a build argument")
                message = f"{how}: its value is recorded in the image history of every RUN after it; use {mount}"
            else:
                how = (f"ENV {name} has a literal value in the Dockerfile" if literal
                       else f"ENV {name} stores a secret")
                message = f"{how}: it is baked into the image config, readable with docker inspect; use {mount}"
            finding = r.finding(ins, message)
            if literal:
                finding.severity = "error"
            yield finding
            break
