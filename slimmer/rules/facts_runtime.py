"""What the container runs and what the build steps run: the effective CMD/ENTRYPOINT, the
program behind runners (npx, yarn, npm run, python -m, poetry run), package.json scripts,
development servers and build steps that need devDependencies (SLM021, SLM070, SLM078)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from slimmer.model.nodes import Instruction, Stage
from slimmer.model.shell import Command, command_from_argv, parse_commands
from slimmer.rules import data
from slimmer.rules.facts_layers import context_known, copy_parts, from_context

SMALL = 512 * 1024  # bytes of a context file these rules read, at most (a package.json is far smaller)


def runtime_data() -> dict:
    return data("runtime")


# --- reading the build context ------------------------------------------------------------------


def read_context_file(ctx, rel: str, limit: int = SMALL) -> str | None:
    """At most `limit` bytes of a file of the build context, as text, or None when it is missing
    or refused (outside the context, not a regular file, too large: see context_files)."""
    if not rel or "$" in rel or not context_known(ctx.dockerfile.path):
        return None  # (a Dockerfile from stdin has no context to read)
    from slimmer.rules.context_files import read_bytes

    data = read_bytes(ctx.context_dir, rel, limit)
    return None if data is None else data.decode("utf-8", errors="replace")


# --- the container's command ---------------------------------------------------------------------


def effective(ctx) -> tuple[Instruction | None, Instruction | None]:
    """The CMD and ENTRYPOINT the target image runs with (later ones win; an ENTRYPOINT in a
    later stage resets a CMD inherited from an earlier one, as for a base image)."""
    cmd = entrypoint = None
    for stage in ctx.stage_ancestry(ctx.target):
        for ins in stage.instructions:
            if ins.keyword == "CMD":
                cmd = ins
            elif ins.keyword == "ENTRYPOINT":
                entrypoint = ins
                if cmd is not None and cmd.stage_index != ins.stage_index:
                    cmd = None
    return cmd, entrypoint


def instruction_commands(ins: Instruction) -> tuple[Command, ...]:
    """The commands a CMD / ENTRYPOINT / RUN line runs, exec form included."""
    if ins.exec_form is not None:
        return command_from_argv(ins.exec_form) if ins.exec_form else ()
    return parse_commands(ins.args)


def container_commands(ctx) -> list[tuple[Instruction, Command]]:
    """The commands the container starts with: the ENTRYPOINT's and the CMD's (an entrypoint
    script usually ends in `exec "$@"`, so the CMD is read on its own too)."""
    cmd, entrypoint = effective(ctx)
    out: list[tuple[Instruction, Command]] = []
    for ins in (entrypoint, cmd):
        if ins is not None:
            out += [(ins, c) for c in instruction_commands(ins)]
    return out


# --- programs behind runners -----------------------------------------------------------------------

_YARN_BUILTINS = {"add", "install", "remove", "upgrade", "why", "info", "cache", "config", "global", "init",
                  "link", "pack", "publish", "workspaces", "workspace", "set", "dlx", "node", "up", "audit"}


@dataclass(frozen=True)
class Program:
    name: str  # the program that runs: uvicorn, ng, manage.py; "" when unknown
    words: tuple[str, ...]  # its positional words
    command: Command
    script: str | None = None  # a package.json script the command runs (`npm start` -> start)
    shown: str = ""  # how the user wrote it, for messages

    def has_option(self, *names: str) -> bool:
        return self.command.has_option(*names)


_NPM_SCRIPTS = {"start", "test", "restart", "stop", "t", "tst"}
_PNPM_BUILTINS = {"add", "install", "i", "remove", "rm", "update", "up", "prune", "fetch", "store", "config", "link", "why", "list", "ls", "audit", "outdated", "publish", "pack", "import", "rebuild", "deploy", "env", "setup", "init", "patch"}


def _after(argv: list[str], word: str) -> list[str]:
    """The arguments after the first occurrence of `word` (a lone `--` dropped)."""
    rest = argv[argv.index(word) + 1:] if word in argv else []
    return rest[1:] if rest[:1] == ["--"] else rest


def program(cmd: Command) -> Program:
    """The program a command really runs: `npx ng serve` -> ng serve, `python manage.py
    runserver` -> manage.py runserver, `npm start` / `yarn --cwd web build` -> the script."""
    from slimmer.rules.facts_node import call as node_call

    argv = list(cmd.argv)
    shown = " ".join(argv[:4])
    runners = data("node_tooling")["tests"]["runners"]
    for _ in range(3):
        if not argv:
            break
        head = argv[0].rsplit("/", 1)[-1]
        rest = argv[1:]
        words = [a for a in rest if not a.startswith("-")]
        if head in ("npm", "pnpm", "yarn"):
            # Read the way the tool reads it: option values (--cwd web, --prefix x) are not words.
            c = node_call(Command((head, *rest)))
            sub, pos = (c.sub, c.positionals) if c is not None else (None, [])
            if sub in ("run", "run-script", "rum", "urn") and pos:
                return Program("", tuple(pos[1:]), cmd, pos[0], shown)
            if sub in ("exec", "x", "dlx") and pos:
                argv = _after(argv, pos[0])
                argv = [pos[0], *argv] if argv[:1] != [pos[0]] else argv
                continue
            if sub in _NPM_SCRIPTS and head != "yarn" or (head == "yarn" and sub in ("start", "test")):
                return Program("", tuple(pos), cmd, {"t": "test", "tst": "test"}.get(sub, sub), shown)
            builtins = _YARN_BUILTINS if head == "yarn" else _PNPM_BUILTINS if head == "pnpm" else set()
            if head != "npm" and sub and sub not in builtins:
                return Program("", tuple(pos), cmd, sub, shown)  # `yarn build`, `pnpm dev`: a script (or a bin)
            break
        if head in ("npx", "bunx"):
            i = 0
            while i < len(rest) and rest[i].startswith("-"):
                i += 2 if rest[i] in ("-p", "--package") else 1
            argv = rest[i:]
            continue
        if head == "bun" and words[:1] == ["run"] and len(words) > 1:
            return Program("", tuple(words[2:]), cmd, words[1], shown)
        if head in runners and head not in ("npx", "bunx"):
            word = runners[head]
            if not word:
                argv = rest
                continue
            if words[:1] == [word]:
                argv = _after(rest, word)
                continue
        if head.startswith("python") or head == "php":
            # python manage.py runserver, php artisan serve
            if rest and not rest[0].startswith("-"):
                argv = rest
                continue
        break
    else:
        pass
    if not argv or argv[0].rsplit("/", 1)[-1] in ("npm", "pnpm", "yarn"):
        return Program("", (), cmd, None, shown)
    name = argv[0].rsplit("/", 1)[-1]
    return Program(name, tuple(a for a in argv[1:] if not a.startswith("-")), cmd, None, shown)


def cwd_option(cmd: Command) -> str | None:
    """The folder an npm/yarn/pnpm command is pointed at (--prefix, --cwd, -C, --dir)."""
    from slimmer.rules.facts_node import call as node_call

    c = node_call(cmd)
    if c is None:
        return None
    values = [v for v in c.values("--prefix", "--cwd", "-C", "--dir") if v]
    return values[-1] if values else None


# --- package.json -----------------------------------------------------------------------------------


def _package_json_source(ctx, stage: Stage) -> str | None:
    """Where, in the context, the package.json the stage installs from comes from."""
    for st in ctx.stage_ancestry(stage):
        for ins in st.instructions:
            if not from_context(ins):
                continue
            parts = copy_parts(ins)
            if parts is None:
                continue
            for source in parts[0]:
                base = source.rstrip("/").rsplit("/", 1)[-1]
                folder = source.rstrip("/").rsplit("/", 1)[0] if "/" in source.rstrip("/") else ""
                if base in ("package.json", "package*.json", "package.json*") or base.startswith("package*"):
                    return f"{folder}/package.json".lstrip("/") if folder not in ("", ".") else "package.json"
                if source in (".", "./"):
                    return "package.json"
    return None


def package_json(ctx, stage: Stage, folder: str | None = None) -> dict | None:
    """The package.json (parsed) that the stage's npm/yarn/pnpm installs read (in `folder`, a
    --cwd/--prefix given relative to the copied context), when it is in the build context;
    None when it is not there or is not valid JSON."""
    if folder is not None:
        if folder.startswith("/") or "$" in folder:
            return None
        source = f"{folder.strip('/').removeprefix('./')}/package.json"
    else:
        source = _package_json_source(ctx, stage) or "package.json"
    text = read_context_file(ctx, source)
    if text is None:
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def dev_dependencies(pkg: dict | None) -> dict | None:
    """The devDependencies of a package.json; None when the package.json is not known."""
    if pkg is None:
        return None
    dev = pkg.get("devDependencies") or {}
    return dev if isinstance(dev, dict) else {}


def script_text(pkg: dict | None, name: str) -> str | None:
    scripts = (pkg or {}).get("scripts") or {}
    value = scripts.get(name) if isinstance(scripts, dict) else None
    return value if isinstance(value, str) else None


def _expanded(cmd: Command, pkg: dict | None, depth: int = 0) -> list[tuple[Program, str]]:
    """The programs a command runs, package.json scripts followed (up to 3 levels), each with
    the script text that led to it ("" for the command itself)."""
    prog = program(cmd)
    if prog.script is None:
        return [(prog, "")]
    text = script_text(pkg, prog.script)
    if prog.script == "start" and text is None and pkg is not None:
        text = "node server.js"  # npm's default start script
    if text is None or depth > 2:
        return [(prog, "")]
    out = [(prog, "")]
    for c in parse_commands(text):
        out += [(p, via or text) for p, via in _expanded(c, pkg, depth + 1)]
    return out


# --- development servers ------------------------------------------------------------------------------


def _dev_server_entry(prog: Program) -> dict | None:
    for entry in runtime_data()["dev_servers"]:
        if prog.name != entry["command"]:
            continue
        subs = entry.get("sub")
        if subs is not None and (prog.words[0] if prog.words else "") not in subs:
            continue
        options = entry.get("options")
        if options and not prog.has_option(*options):
            continue
        return entry
    return None


def dev_server(ctx) -> tuple[Instruction, str] | None:
    """(CMD/ENTRYPOINT, description) when the container starts a development server."""
    pkg = package_json(ctx, ctx.target)
    for ins, cmd in container_commands(ctx):
        for prog, via in _expanded(cmd, pkg):
            entry = _dev_server_entry(prog)
            if entry is not None:
                shown = f"`{cmd.text}` runs `{via}`: " if via else ""
                return ins, f"{shown}{entry['what']}"
            if prog.script and pkg is None and prog.script in runtime_data()["dev_script_names"]:
                return ins, f"`{cmd.text}` (a `{prog.script}` script, by its name a development server)"
    return None


# --- build steps that need devDependencies ------------------------------------------------------------


def _bins(dev: dict | None) -> set[str]:
    names = runtime_data()["node_bins"]
    return {names.get(p, p.rsplit("/", 1)[-1]) for p in (dev or {})}


def needs_dev_tools(cmd: Command, pkg: dict | None) -> str | None:
    """How the command uses devDependencies (a build tool or a devDependency's binary, maybe
    through a package.json script), or None."""
    d = runtime_data()
    tools = set(d["node_build_tools"]) | _bins(dev_dependencies(pkg))
    subs = d["node_build_subcommands"]
    for prog, via in _expanded(cmd, pkg):
        if prog.name and prog.name in tools:
            wanted = subs.get(prog.name)
            if wanted is None or (prog.words[:1] and prog.words[0] in wanted):
                return f"`{cmd.text}` runs `{via}`" if via else f"`{cmd.text}`"
        if prog.script and pkg is None and prog.script.split(":")[0] == "build":
            return f"`{cmd.text}`"
    return None


def container_needs_dev_tools(ctx, pkg: dict | None) -> str | None:
    """How the container's command uses devDependencies (`npm start` running ts-node), or None.
    With no CMD or ENTRYPOINT, `npm start` is what the image is run with, when package.json has
    a start script."""
    commands = [c for _, c in container_commands(ctx)]
    if not commands and script_text(pkg, "start"):
        commands = [Command(("npm", "start"))]
    for c in commands:
        how = needs_dev_tools(c, pkg)
        if how:
            return how
    return None
