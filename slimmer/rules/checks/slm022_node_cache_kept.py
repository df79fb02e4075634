"""SLM022: npm or yarn leaves its download cache in the layer."""

from __future__ import annotations

import re

from slimmer.rules import data, rule
from slimmer.rules.facts import cache_mount_on
from slimmer.rules.facts_node import call, environment, npm_ci, npm_install, runs, tooling, yarn_install

_HOME = re.compile(r"^(~|\$HOME|\$\{HOME\})(?=/|$)")


def _cache_dirs(tool, c, env) -> list[str]:
    """Where this command keeps its cache: the defaults, plus a --cache / env override."""
    if tool == "npm":
        dirs = list(data("caches")["npm"]) + ["~/.npm"]
        dirs += [v for v in c.values("--cache") if v]
        dirs += [v for k, v in env.items() if k.lower() == "npm_config_cache" and v]
    else:
        dirs = list(data("caches")["yarn"]) + ["~/.cache/yarn", "~/.yarn/berry/cache", ".yarn/cache"]
        dirs += [v for v in c.values("--cache-folder") if v]
        dirs += [v for k, v in env.items() if k in ("YARN_CACHE_FOLDER", "YARN_GLOBAL_FOLDER") and v]
    return dirs


def _norm(path: str) -> str:
    path = _HOME.sub("/root", path.strip("'\""))
    return path.rstrip("/").removesuffix("/*").rstrip("/")


# Cache dirs of users other than root: /home/node/.npm, /home/app/.cache/yarn.
_OTHER_HOMES = {"npm": ("/.npm", "/.npm/_cacache"), "yarn": ("/.cache/yarn", "/.cache", "/.yarn/berry/cache", "/.yarn/berry")}


def _covers(tool: str, removed: str, dirs: list[str]) -> bool:
    """Deleting `removed` deletes the cache: one of its dirs, a parent, or a home's cache dir."""
    a = _norm(removed)
    if not a:
        return False
    # npm's downloads are all under <cache>/_cacache: deleting that is enough.
    if any(p == a or p.startswith(a + "/") or a == p + "/_cacache" for p in map(_norm, dirs)):
        return True
    return a.endswith(_OTHER_HOMES[tool])


def _cleaned(tool, cmds, after, dirs) -> bool:
    for c in cmds[after + 1:]:
        if tool == "npm" and c.name == "npm" and c.words[:2] in (("cache", "clean"), ("cache", "clear"), ("cache", "rm")):
            return True
        if tool == "yarn" and c.name == "yarn" and c.words[:2] == ("cache", "clean"):
            return True
        if c.name == "rm" and any(_covers(tool, w, dirs) for w in c.words):
            return True
    return False


def _mounted(ins, dirs) -> bool:
    for d in dirs:
        if cache_mount_on(ins, _norm(d)):
            return True
    # A cache mount on another user's cache dir (/home/node/.npm, /home/app/.cache/yarn).
    for m in ins.mounts:
        target = (m.get("target") or m.get("dst") or m.get("destination") or "").rstrip("/")
        if m.get("type") in ("cache", "tmpfs") and (target.endswith("/.npm") or target.endswith("/yarn")
                                                      or target.endswith("/.yarn/berry/cache")):
            return True
    return False


def _appendable(ins) -> bool:
    """The RUN is a plain shell command line where `&& npm cache clean --force` can be appended."""
    import bashlex

    if ins.heredocs or ins.exec_form is not None:
        return False
    script = ins.args.strip()
    if not script or script.endswith(("&", ";", "|", "\\")) or "#" in script.splitlines()[-1]:
        return False
    try:
        bashlex.parse(script + " && npm cache clean --force")
    except Exception:
        return False
    return True


def _posix_shell(ctx, stage, ins) -> bool:
    for st in ctx.stage_ancestry(stage):
        for i in st.instructions:
            if i is ins:
                return True
            if i.keyword == "SHELL" and i.exec_form and i.exec_form[0].rsplit("/", 1)[-1] not in ("sh", "bash", "dash", "ash"):
                return False
    return True


@rule("SLM022")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in runs(ctx, stage):
            reported = set()
            for cmd in cmds:
                c = call(cmd)
                if c is None or c.tool in reported:
                    continue
                if c.tool == "npm" and (npm_ci(c) or npm_install(c)):
                    tool = "npm"
                elif c.tool == "yarn" and (yarn_install(c) or c.sub == "add" or c.positionals[:1] == ["add"]):
                    tool = "yarn"
                else:
                    continue
                env = environment(ctx, stage, ins, cmds, cmd)
                dirs = _cache_dirs(tool, c, env)
                if _mounted(ins, dirs) or _cleaned(tool, cmds, cmd.index, dirs):
                    continue
                reported.add(tool)
                if tool == "npm":
                    fix = None
                    if _appendable(ins) and _posix_shell(ctx, stage, ins):
                        fix = r.make_fix(ins, r"(\S)([ \t]*)(\r?\n?)\Z", r"\1 && npm cache clean --force\2\3",
                                         "clean the npm cache in the same RUN")
                    msg = ("npm keeps its download cache (~/.npm, often 50-200 MB) in this layer; end the RUN with "
                           "npm cache clean --force or use --mount=type=cache,target=/root/.npm")
                else:
                    fix = None
                    msg = ("yarn keeps its download cache (often 100+ MB) in this layer; end the RUN with "
                           "yarn cache clean or use --mount=type=cache,target=/usr/local/share/.cache/yarn")
                yield r.finding(ins, msg, fix)
