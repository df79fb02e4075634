"""SLM054: ADD of an http(s) URL without --checksum."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_layers import copy_parts, is_git_source, is_url


@rule("SLM054")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins in stage.find("ADD"):
            parts = copy_parts(ins)
            if parts is None or ins.has_flag("checksum"):
                continue
            urls = [s for s in parts[0] if is_url(s) and not is_git_source(s)]
            if not urls:
                continue
            yield r.finding(
                ins,
                f"ADD {urls[0]} without --checksum: the build takes whatever the server returns today (a changed or "
                f"tampered file goes unnoticed, and the layer is not reproducible); add --checksum=sha256:<digest> "
                f"(Dockerfile syntax 1.6+), or download with curl and check the hash in the same RUN",
            )
