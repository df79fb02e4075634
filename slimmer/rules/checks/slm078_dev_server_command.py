"""SLM078: the container starts a development server."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_layers import side_stage
from slimmer.rules.facts_python import dev_image
from slimmer.rules.facts_runtime import dev_server


@rule("SLM078")
def check(ctx, r):
    if dev_image(ctx) or side_stage(ctx.target):
        return  # meant for development: a dev server is what it should run
    found = dev_server(ctx)
    if found is None:
        return
    ins, what = found
    yield r.finding(
        ins,
        f"the container starts a development server ({what}): it reloads code, may expose a debugger, runs "
        f"one process and is not hardened; run a production server (gunicorn/uvicorn without --reload, node on "
        f"the built output, a static file server for a built frontend), or name the target for development "
        f"(AS dev) if that is what it is",
    )
