"""SLM023: tests or linters run in a stage that ships."""

from __future__ import annotations

import shlex

from slimmer.model.shell import Command, parse_commands
from slimmer.rules import rule
from slimmer.rules.facts_node import call, runs, tooling

_RUN_SCRIPT = {"npm": ("run", "run-script", "rum", "urn"), "yarn": ("run",), "pnpm": ("run", "run-script"), "bun": ("run",)}
_TEST_ALIASES = {"npm": ("test", "t", "tst"), "yarn": ("test",), "pnpm": ("test", "t", "tst"), "bun": ()}


def _is_test_script(name: str | None) -> bool:
    if not name:
        return False
    for s in tooling()["tests"]["scripts"]:
        if name == s or (name.startswith(s) and name[len(s)] in ":-_"):
            return True
    return False


def _runs(words: list[str]) -> str | None:
    """What a runner (npx, poetry run, bundle exec) runs: read as a command of its own, so
    `poetry run python -m pytest` is pytest."""
    cmds = parse_commands(shlex.join(words)) if words else ()
    return _tool(list(cmds[0].argv)) if cmds else None


def _tool(words: list[str]) -> str | None:
    """What a command line runs, when it is a test or lint tool."""
    if not words:
        return None
    t = tooling()["tests"]
    name = words[0].rsplit("/", 1)[-1]
    rest = [w for w in words[1:] if not w.startswith("-")]
    runner = t["runners"].get(name)
    if runner is not None:
        if runner == "":
            return _runs(rest)
        if rest[:1] == [runner]:
            return _runs(rest[1:])
        return None
    if name in t["commands"]:
        return name
    if name in t["subcommands"] and rest[:1] and rest[0] in t["subcommands"][name]:
        return f"{name} {rest[0]}"
    if name in t["goals"]:
        goals = [w for w in rest if w in t["goals"][name]]
        if goals:
            return f"{name} {goals[0]}"
    return None


def _what(cmd: Command) -> str | None:
    if cmd.name in ("npm", "yarn", "pnpm"):
        c = call(cmd)
        if c is None or c.sub is None:
            return None
        if c.sub in _TEST_ALIASES[c.tool]:
            return f"{c.tool} {c.sub}"
        if c.sub in _RUN_SCRIPT[c.tool] and _is_test_script(c.positionals[0] if c.positionals else None):
            return f"{c.tool} {c.sub} {c.positionals[0]}"
        if c.tool in ("yarn", "pnpm") and _is_test_script(c.sub):
            return f"{c.tool} {c.sub}"  # yarn lint runs the script
        if c.tool == "yarn" and c.sub in tooling()["tests"]["commands"]:
            return f"yarn {c.sub}"  # yarn eslint runs the binary
        if c.tool == "pnpm" and c.sub in ("exec", "dlx"):
            return _tool(c.positionals)
        return None
    if cmd.name == "bun":
        words = [w for w in cmd.args if not w.startswith("-")]
        if words[:1] == ["run"] and _is_test_script(words[1] if len(words) > 1 else None):
            return f"bun run {words[1]}"
    return _tool(list(cmd.argv))


@rule("SLM023")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in runs(ctx, stage):
            for cmd in cmds:
                what = _what(cmd)
                if what:
                    yield r.finding(
                        ins,
                        f"{what} runs tests or linters in a stage that ships (their tools, caches and reports "
                        "stay in the image); move it to a builder or a separate test stage that the default "
                        "target doesn't include",
                    )
                    break
