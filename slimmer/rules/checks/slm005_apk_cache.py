"""SLM005: apk add without --no-cache."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts import cache_mount_on, removes
from slimmer.rules.facts_python import checked_fix

CACHES = ("/var/cache/apk", "/etc/apk/cache")
# `apk [global options] add`: only options without a separate value before `add`.
APK_ADD = r"\b(apk(?:[ \t]+--?[\w-]+(?:=\S*)?)*[ \t]+add)(?=[ \t]|$)"


def _apk_adds(cmds):
    return [c for c in cmds if c.name == "apk" and c.subcommand == "add"]


def _missing(cmds):
    return [c for c in _apk_adds(cmds) if not c.has_option("--no-cache")]


@rule("SLM005")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            missing = _missing(cmds)
            if not missing:
                continue
            if any(removes(cmds, p) or cache_mount_on(ins, p) for p in CACHES):
                continue
            if any(c.name == "apk" and c.subcommand == "update" for c in cmds):
                # --no-cache on the add alone would leave the index apk update wrote.
                yield r.finding(ins, "apk update and apk add keep the package index (~2-3 MB per repository) in "
                                "/var/cache/apk; drop apk update and use apk add --no-cache")
                continue
            fix = r.make_fix(ins, APK_ADD, r"\1 --no-cache", "add --no-cache to apk add", command=missing[0])
            # Offer the fix only when it lands on a command that lacks the option.
            fix = checked_fix(ctx, fix, lambda after: len(_apk_adds(after)) == len(_apk_adds(cmds))
                              and len(_missing(after)) == len(missing) - 1)
            yield r.finding(ins, "apk add keeps the package index (~2-3 MB per repository) in /var/cache/apk; "
                            "use apk add --no-cache", fix)
