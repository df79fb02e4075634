"""Questions the Node rules (SLM020-SLM023) ask about npm, yarn and pnpm commands."""

from __future__ import annotations

import fnmatch
import shlex
from dataclasses import dataclass, field
from typing import Iterator

from slimmer.model.expand import expand
from slimmer.model.nodes import Instruction, Stage
from slimmer.model.shell import SHELLS, Command, parse_commands, scan_options
from slimmer.rules.context_files import is_file
from slimmer.rules import data
from slimmer.rules.facts_layers import env_pairs

FALSE = ("false", "0", "no", "off")


def tooling() -> dict:
    return data("node_tooling")


# --- commands ------------------------------------------------------------------
def run_commands(ctx, ins: Instruction) -> tuple[Command, ...]:
    """The commands of a RUN, exec form included: RUN ["npm", "ci"] runs npm too."""
    cmds = ctx.commands(ins)
    if cmds or ins.exec_form is None:
        return cmds
    argv = ins.exec_form
    if not argv or argv[0].rsplit("/", 1)[-1] in SHELLS:
        return cmds
    return parse_commands(shlex.join(argv))


def runs(ctx, stage: Stage) -> Iterator[tuple[Instruction, tuple[Command, ...]]]:
    for ins in stage.instructions:
        if ins.keyword == "RUN":
            yield ins, run_commands(ctx, ins)


@dataclass
class Call:
    """A package manager command split the way the tool reads it."""

    tool: str
    sub: str | None  # the subcommand, None when there is none (bare `yarn`)
    positionals: list[str] = field(default_factory=list)  # words after the subcommand
    options: list[tuple[str, str | None]] = field(default_factory=list)

    def values(self, *names: str) -> list[str | None]:
        return [v for n, v in self.options if n in names]

    def has(self, *names: str) -> bool:
        return any(n in names for n, _ in self.options)

    def enabled(self, *names: str) -> bool:
        """A boolean option given and not switched off (--production, not --production=false)."""
        return any(v is None or v.lower() not in FALSE for v in self.values(*names))


def call(cmd: Command) -> Call | None:
    """Read an npm, yarn or pnpm command; None for anything else."""
    tool = cmd.name
    if tool not in ("npm", "yarn", "pnpm"):
        return None
    value_options = set(tooling()[tool]["value_options"])
    out = Call(tool, None)
    # npm/yarn/pnpm read `-abc` as one option and take `--flag false` as a value.
    out.options, words = scan_options(cmd.args, value_options, clusters=False, boolean_values=True)
    if words:
        out.sub, out.positionals = words[0], words[1:]
    return out


def is_global(c: Call) -> bool:
    return c.enabled("-g", "--global") or "global" in c.values("--location")


def npm_install(c: Call | None) -> bool:
    """npm install / npm i (named packages or not)."""
    return c is not None and c.tool == "npm" and c.sub in tooling()["npm"]["install"]


def npm_ci(c: Call | None) -> bool:
    return c is not None and c.tool == "npm" and c.sub in tooling()["npm"]["ci"]


def bare_npm_install(c: Call | None) -> bool:
    """`npm install` with no package names: installs the project's package.json."""
    return npm_install(c) and not c.positionals and c.sub != "add"  # type: ignore[union-attr]


def yarn_install(c: Call | None) -> bool:
    """`yarn` or `yarn install`: installs the project's package.json."""
    if c is None or c.tool != "yarn":
        return False
    return (c.sub is None and not c.has("--version", "-v", "--help", "-h")) or c.sub in tooling()["yarn"]["install"]


def pnpm_install(c: Call | None) -> bool:
    return c is not None and c.tool == "pnpm" and c.sub in tooling()["pnpm"]["install"] and not c.positionals


def project_install(c: Call | None) -> bool:
    """Installs a whole project's dependencies (devDependencies included by default)."""
    if c is None:
        return False
    if c.tool == "npm":
        return (npm_ci(c) or bare_npm_install(c)) and not is_global(c)
    return yarn_install(c) or pnpm_install(c)


# --- environment -----------------------------------------------------------------
def environment(ctx, stage: Stage, ins: Instruction, cmds: tuple[Command, ...], cmd: Command) -> dict[str, str | None]:
    """Variables the command sees: ENV of the stages it is built on, the stage's ENV and ARG
    before the RUN, `export X=...` earlier in the RUN and `X=... cmd` prefixes.
    A value of None means "set, value unknown"."""
    env: dict[str, str | None] = {}
    for ancestor in ctx.stage_ancestry(stage)[:-1]:
        for i in ancestor.instructions:
            if i.keyword == "ENV":
                for name, value in env_pairs(i):
                    env[name] = expand(value, i.scope)[0]
    env.update(ins.scope)
    for c in cmds[: cmd.index]:
        if c.name == "export":
            for w in c.words:
                name, eq, value = w.partition("=")
                if eq:
                    env[name] = value
    env.update(dict(cmd.assignments))
    return env


def _unknown(value: str | None) -> bool:
    return value is None or "$" in value


def production_env(env: dict[str, str | None], tool: str) -> bool:
    """True when the environment makes the tool skip devDependencies, or might (a value that
    is not known at analysis time counts: it is set on purpose)."""
    lowered = {k.lower(): v for k, v in env.items()}
    if "NODE_ENV" in env:
        value = env["NODE_ENV"]
        if _unknown(value) or value == "production":
            return True
    checks = {
        "npm_config_production": lambda v: v.lower() not in FALSE + ("",),
        "npm_config_omit": lambda v: "dev" in v.split(","),
        "npm_config_only": lambda v: v in ("prod", "production"),
    }
    if tool == "yarn":
        checks["yarn_production"] = checks["npm_config_production"]
    for name, test in checks.items():
        if name in lowered:
            value = lowered[name]
            if _unknown(value) or test(value):  # type: ignore[arg-type]
                return True
    return False


def omits_dev(c: Call, env: dict[str, str | None]) -> bool:
    """The install leaves devDependencies out (by flag or environment)."""
    if c.tool == "npm":
        if any(v is not None and "dev" in v.split(",") for v in c.values("--omit")):
            return True
        if any(v in ("prod", "production") for v in c.values("--only")):
            return True
        if c.enabled("--production", "--prod"):
            return True
    elif c.tool == "yarn":
        if c.enabled("--production", "--prod"):
            return True
    elif c.tool == "pnpm":
        if c.enabled("--prod", "-P", "--production"):
            return True
    return production_env(env, c.tool)


def prunes_dev(c: Call, env: dict[str, str | None]) -> bool:
    """Removes devDependencies from node_modules: `npm prune --omit=dev`, `pnpm prune --prod`,
    `yarn workspaces focus --production`, or a production re-install (`yarn install --production`)."""
    if c.sub == "prune" and c.tool in ("npm", "pnpm"):
        return omits_dev(c, env)
    if c.tool == "yarn" and c.sub == "workspaces" and c.positionals[:1] == ["focus"]:
        return omits_dev(c, env)  # yarn 2+: yarn workspaces focus --all --production
    return project_install(c) and omits_dev(c, env)


# --- lockfiles ---------------------------------------------------------------------
def _ignored(context_dir: str, name: str) -> bool:
    from slimmer.rules.context_files import read_text

    text = read_text(context_dir, ".dockerignore")  # confined to the context, size capped
    if text is None:
        return False
    lines = text.splitlines()
    ignored = False
    for line in lines:
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").lstrip("/").removeprefix("**/")
        if fnmatch.fnmatch(name, pattern):
            ignored = not negate
    return ignored


def lockfile_in_context(ctx) -> str | None:
    """The npm lockfile at the root of the build context, if any (and not .dockerignored)."""
    for name in tooling()["npm"]["lockfiles"]:
        if is_file(ctx.context_dir, name) and not _ignored(ctx.context_dir, name):
            return name
    return None


def _names_lockfile(source: str) -> bool:
    base = source.rstrip("/").rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(lock, base) for lock in tooling()["npm"]["lockfiles"]) if base else False


def copy_sources(ins: Instruction) -> list[str]:
    if ins.heredocs:
        return []
    if ins.exec_form is not None:
        return ins.exec_form[:-1]
    return ins.args.split()[:-1]


def lockfile_copied(ctx, stage: Stage, ins: Instruction) -> bool:
    """An npm lockfile is COPYed/ADDed into the stage (or a stage it is built on) before `ins`,
    or bind-mounted into the RUN itself."""
    for m in ins.mounts:
        if m.get("type", "bind") == "bind" and _names_lockfile(m.get("source") or m.get("src") or ""):
            return True
    for st in ctx.stage_ancestry(stage):
        for i in st.instructions:
            if i is ins:
                return False
            if i.keyword in ("COPY", "ADD") and any(_names_lockfile(s) for s in copy_sources(i)):
                return True
    return False
