"""SLM006: yum / dnf / microdnf install without a clean-up in the same RUN."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts import cache_mount_on, removes
from slimmer.rules.facts_python import APPEND, appendable, checked_fix, has, rpm_call

INSTALLS = {"install", "groupinstall", "localinstall", "reinstall", "update", "upgrade"}
CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5")


# yum is dnf on RHEL 8+ and Fedora; microdnf and tdnf keep caches of their own.
FAMILIES = ({"yum", "dnf", "dnf5"}, {"microdnf"}, {"tdnf"})


def _family(tool: str) -> set[str]:
    return next(f for f in FAMILIES if tool in f)


def _cleans(cmds, tool: str, after: int = -1) -> bool:
    """True when a `clean all` of the tool's family runs after command number `after`."""
    for c in cmds:
        call = rpm_call(c)
        if call is not None and call.tool in _family(tool) and call.action == "clean" and "all" in call.words \
                and c.index > after:
            return True
    return False


@rule("SLM006")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            installs = [call for call in map(rpm_call, cmds) if call is not None and call.action in INSTALLS]
            # --installroot fills another root's cache: the clean-up there is a different question.
            installs = [call for call in installs if not has(call.options, "--installroot")]
            installs = [call for call in installs if not _cleans(cmds, call.tool, call.index)]
            if not installs:
                continue
            if any(removes(cmds, p) or cache_mount_on(ins, p) for p in CACHES):
                continue
            tool = installs[0].tool
            fix = None
            if appendable(ins):
                fix = r.make_fix(ins, APPEND, rf"\1 && {tool} clean all\2\3", f"append && {tool} clean all")
                fix = checked_fix(ctx, fix, lambda after: _cleans(after, tool) and len(after) == len(cmds) + 1)
            yield r.finding(ins, f"{tool} {installs[0].action} leaves its metadata and package cache (often 50-200 MB) "
                            f"in this layer; end the RUN with && {tool} clean all", fix)
