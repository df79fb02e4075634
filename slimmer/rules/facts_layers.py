"""Questions the cache-order, layer, build-context and runtime rules (SLM040-SLM075) ask.

COPY/ADD sources and destinations, the WORKDIR an instruction runs in, which commands
install dependencies, what a RUN leaves on disk, ARG/ENV pairs and the build context's
ignore file.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from typing import Iterator

from slimmer.model.nodes import Instruction, Stage
from slimmer.model.shell import Command
from slimmer.rules import data

GLOB = re.compile(r"[*?\[]")


def layers_data() -> dict:
    return data("layers")


# --- COPY / ADD ---------------------------------------------------------------------


def copy_parts(ins: Instruction) -> tuple[list[str], str] | None:
    """(sources, destination) of a COPY/ADD, variables expanded where known.

    Heredoc sources (`COPY <<EOF /x`) are left out; None when there is no destination.
    """
    if ins.keyword not in ("COPY", "ADD"):
        return None
    words = list(ins.exec_form) if ins.exec_form is not None else ins.args.split()
    if len(words) < 2:
        return None
    *sources, dest = words
    heredoc_names = {h.delimiter for h in ins.heredocs}
    kept = []
    for s in sources:
        if s.startswith("<<") and s.lstrip("<-").strip("'\"") in heredoc_names:
            continue
        kept.append(ins.expand(s) if "$" in s else s)
    return kept, ins.expand(dest) if "$" in dest else dest


def from_context(ins: Instruction) -> bool:
    """True for a COPY/ADD that reads the build context (no --from)."""
    return ins.keyword in ("COPY", "ADD") and ins.flag("from") is None


def copies_whole_context(ins: Instruction) -> bool:
    """`COPY . .`, `COPY ./ /app`, `ADD . .`: the whole build context."""
    if not from_context(ins):
        return False
    parts = copy_parts(ins)
    return parts is not None and any(s in (".", "./") for s in parts[0])


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def is_git_source(source: str) -> bool:
    """ADD's git sources: https://host/repo.git#ref, git@host:repo, git://..."""
    if source.startswith(("git@", "git://", "ssh://")):
        return True
    return is_url(source) and (".git#" in source or source.split("?")[0].split("#")[0].endswith(".git"))


def has_extension(name: str, extensions: list[str]) -> bool:
    low = name.lower().split("?")[0].split("#")[0].rstrip("/")
    return any(low.endswith(ext) for ext in extensions)


# --- paths and WORKDIR -------------------------------------------------------------------


def resolve(path: str, workdir: str | None) -> str | None:
    """An absolute, normalised path for `path` in `workdir`; None when it is not known."""
    if not path or "$" in path or "`" in path or path.startswith("~"):
        return None
    if not path.startswith("/"):
        if workdir is None:
            return None
        path = posixpath.join(workdir, path)
    norm = posixpath.normpath(path)
    return "/" if norm == "//" else norm


def ancestors_of(path: str) -> list[str]:
    out = []
    while path not in ("/", ""):
        path = posixpath.dirname(path)
        out.append(path)
    return out


def walk_with_workdir(stages: list[Stage]) -> Iterator[tuple[Instruction, str | None]]:
    """Each instruction of the stages (a FROM chain, base first) with the WORKDIR it runs in.

    A stage built on an image starts in an unknown WORKDIR (None) until an absolute WORKDIR
    sets one; a stage built FROM a stage of the file starts where that stage ended.
    """
    workdir: str | None = None
    for stage in stages:
        if stage.base_stage is None:
            workdir = "/" if stage.image is not None and stage.image.is_scratch else None
        for ins in stage.instructions:
            yield ins, workdir
            if ins.keyword == "WORKDIR":
                value = ins.expand(ins.args.strip().strip("'\""))
                workdir = resolve(value, workdir)


def workdir_value(ins: Instruction) -> tuple[str, bool]:
    """The WORKDIR's path (quotes removed) and whether every variable in it is known."""
    from slimmer.model.expand import expand

    raw = ins.args.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        raw = raw[1:-1]
    return expand(raw, ins.scope)


# --- installs ------------------------------------------------------------------------------

_LOCAL_PATH = re.compile(r"^(\.{1,2}(/|\[|$)|/)")


def _pip_manifest_install(cmd: Command) -> bool:
    """`pip install -r requirements.txt`, `pip install .`, `pip install -e ./pkg[dev]`."""
    if cmd.has_option("-r", "--requirement"):
        return True
    return any(_LOCAL_PATH.match(w) for w in cmd.words[1:])


def dependency_install(cmd: Command) -> str | None:
    """The tool (pip, npm, go, ...) when the command installs a project's dependencies from its
    manifest, else None. `go build` is not an install; `npm install -g x` installs a tool."""
    name, sub = cmd.name, cmd.subcommand
    if cmd.is_("pip", "install"):
        return "pip" if _pip_manifest_install(cmd) else None
    if name == "uv":
        if sub == "sync":
            return "uv"
        if sub == "pip" and len(cmd.words) > 1 and cmd.words[1] in ("install", "sync"):
            pip = Command(("pip",) + cmd.args[cmd.args.index("pip") + 1 :])
            return "uv" if cmd.words[1] == "sync" or _pip_manifest_install(pip) else None
        return None
    if name in ("poetry", "pdm") and sub in ("install", "sync"):
        return name
    if name == "pipenv" and sub in ("install", "sync"):
        return "pipenv"
    if name in ("conda", "mamba", "micromamba") and sub == "env" and len(cmd.words) > 1 and cmd.words[1] in ("create", "update"):
        return "conda"
    if name in ("npm", "pnpm", "bun") and sub in ("ci", "install", "i"):
        if cmd.has_option("-g", "--global"):
            return None
        return name
    if name == "yarn" and sub in (None, "install"):
        if cmd.has_option("--version", "-v", "--help", "-h"):
            return None
        return "yarn"
    if name == "go" and sub == "mod" and len(cmd.words) > 1 and cmd.words[1] == "download":
        return "go"
    if name == "bundle" and sub in ("install", None):
        return "bundle"
    if name in ("mvn", "mvnw") and any(
        w.startswith("dependency:") or w in ("package", "install", "verify") for w in cmd.words
    ):
        return "mvn"
    if name == "composer" and sub == "install":
        return "composer"
    if name == "cargo" and (sub in ("build", "fetch") or cmd.words[:2] == ("chef", "cook")):
        return "cargo"
    return None


PACKAGE_MANAGERS = {
    "apt-get": {"install"}, "apt": {"install"}, "aptitude": {"install"},
    "apk": {"add"}, "yum": {"install", "groupinstall"}, "dnf": {"install", "groupinstall"},
    "microdnf": {"install"}, "zypper": {"install", "in"}, "tdnf": {"install"},
    "gem": {"install"}, "conda": {"install", "create"}, "mamba": {"install", "create"},
    "micromamba": {"install", "create"}, "cargo": {"install"}, "composer": {"require"},
    "pipx": {"install"}, "npm": {"install", "i", "ci", "add"}, "pnpm": {"add", "install", "i"},
    "yarn": {"add", "global"}, "brew": {"install"},
}  # fmt: skip


def installs(cmd: Command) -> bool:
    """True for any command that installs packages (OS, language or project dependencies)."""
    if dependency_install(cmd) is not None:
        return True
    if cmd.is_("pip", "install"):
        return True
    if cmd.name == "go" and cmd.subcommand in ("install", "get"):
        return True
    if cmd.name == "uv" and cmd.subcommand in ("pip", "tool", "add"):
        return True
    subs = PACKAGE_MANAGERS.get(cmd.name)
    return bool(subs and cmd.subcommand in subs)


def ecosystem(tool: str) -> str:
    for eco, tools in layers_data()["ecosystems"].items():
        if tool in tools:
            return eco
    return tool


def installed_packages(cmd: Command) -> list[str]:
    """OS packages an apt/apk/yum install names, version pins stripped; apk's --virtual name too."""
    if cmd.name in ("apt-get", "apt", "aptitude") and cmd.subcommand == "install":
        return [re.split(r"[=:]", w, maxsplit=1)[0] for w in cmd.words[1:] if not w.endswith(".deb")]
    if cmd.name == "apk" and cmd.subcommand == "add":
        names = [re.split(r"[=<>~]", w, maxsplit=1)[0] for w in _apk_words(cmd)]
        return names
    if cmd.name in ("yum", "dnf", "microdnf", "tdnf", "zypper") and cmd.subcommand in ("install", "in"):
        return list(cmd.words[1:])
    return []


def _apk_words(cmd: Command) -> list[str]:
    """apk add's package words (the value of -t/--virtual is a word too)."""
    out, skip = [], False
    args = list(cmd.args)
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a in ("-t", "--virtual", "-X", "--repository", "--root", "-p"):
            if a in ("-t", "--virtual") and i + 1 < len(args):
                out.append(args[i + 1])
            skip = True
            continue
        if a.startswith("-"):
            continue
        out.append(a)
    return out[1:] if out and out[0] == "add" else out


def apk_virtual(cmd: Command) -> str | None:
    args = list(cmd.args)
    for i, a in enumerate(args):
        if a in ("-t", "--virtual") and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--virtual="):
            return a.split("=", 1)[1]
    return None


def removed_packages(cmd: Command) -> list[str]:
    """Packages an `apt-get purge/remove`, `apk del` or `yum/dnf remove` deletes."""
    if cmd.name in ("apt-get", "apt", "aptitude") and cmd.subcommand in ("purge", "remove", "autoremove"):
        return [w.split("=", 1)[0] for w in cmd.words[1:]]
    if cmd.name == "apk" and cmd.subcommand == "del":
        return list(cmd.words[1:])
    if cmd.name in ("yum", "dnf", "microdnf") and cmd.subcommand in ("remove", "erase", "autoremove"):
        return list(cmd.words[1:])
    return []


# --- what a RUN leaves on disk ----------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    path: str  # absolute
    what: str  # "the download", "pip's cache", "the clone", "the copied files"
    line: int
    tree: bool  # a directory whose insides were written too
    origin: str | None = None  # the build-context folder a COPY copied into `path`, if known


def _option_value(args: tuple[str, ...], shorts: str, longs: tuple[str, ...]) -> list[str]:
    """Values of options such as curl's -o/--output (also `-fsSLo FILE` and `-oFILE`)."""
    values = []
    for i, a in enumerate(args):
        nxt = args[i + 1] if i + 1 < len(args) else None
        if a in longs and nxt is not None:
            values.append(nxt)
        elif any(a.startswith(f"{lg}=") for lg in longs):
            values.append(a.split("=", 1)[1])
        elif a.startswith("-") and not a.startswith("--") and len(a) > 1:
            body = a[1:]
            for j, ch in enumerate(body):
                if ch in shorts:
                    rest = body[j + 1:]
                    if rest:
                        values.append(rest)
                    elif nxt is not None:
                        values.append(nxt)
                    break
                if not ch.isalpha():
                    break
    return values


def _url_name(url: str) -> str | None:
    name = url.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    return name or None


def _cache_paths(cmd: Command, env: dict[str, str | None]) -> list[tuple[str, str]]:
    caches = data("caches")
    name, sub = cmd.name, cmd.subcommand
    if name in ("apt-get", "apt") and sub == "update":
        return [("/var/lib/apt/lists", "the apt lists")]
    if cmd.is_("pip", "install"):
        if cmd.has_option("--no-cache-dir") or "PIP_NO_CACHE_DIR" in env or "PIP_NO_CACHE_DIR" in dict(cmd.assignments):
            return []
        return [("/root/.cache/pip", "pip's cache")]
    if name == "npm" and sub in ("install", "i", "ci"):
        return [(p, "npm's cache") for p in caches["npm"]]
    if name == "yarn" and sub in (None, "install", "add"):
        return [(p, "yarn's cache") for p in caches["yarn"]]
    if name == "go" and sub in ("build", "install", "mod", "get", "test"):
        return [(p, "Go's caches") for p in caches["go"]]
    if name == "apk" and sub in ("add", "update") and not cmd.has_option("--no-cache"):
        return [(p, "apk's cache") for p in caches["apk"]]
    if name in ("conda", "mamba", "micromamba") and sub in ("install", "create", "update", "env"):
        return [(p, "conda's package cache") for p in caches["conda"]]
    if name in ("dnf", "yum") and sub in ("install", "update", "makecache"):
        return [(p, f"{name}'s cache") for p in caches["dnf"]]
    return []


def created_by_run(ins: Instruction, cmds: tuple[Command, ...], workdir: str | None) -> list[Created]:
    """Paths a RUN writes and leaves in its layer: downloads, clones, package-manager caches.

    A path the same RUN deletes again, or that sits on a cache mount, is left out.
    """
    from slimmer.rules.facts import cache_mount_on

    out: list[Created] = []
    cwd = workdir
    for c in cmds:
        if c.name == "cd":
            cwd = resolve(c.words[0], cwd) if c.words else None
            continue
        targets: list[tuple[str, str, bool]] = []
        if c.name == "curl":
            targets += [(v, "the download", False) for v in _option_value(c.args, "o", ("--output",)) if v != "-"]
            if c.has_option("-O", "--remote-name"):
                targets += [(n, "the download", False) for n in map(_url_name, c.words) if n]
        elif c.name == "wget":
            outs = _option_value(c.args, "O", ("--output-document",))
            if outs:
                targets += [(v, "the download", False) for v in outs if v != "-"]
            else:
                prefix = (_option_value(c.args, "P", ("--directory-prefix",)) or ["."])[0]
                targets += [(posixpath.join(prefix, n), "the download", False)
                            for n in map(_url_name, (w for w in c.words if "://" in w)) if n]
        elif c.name == "git" and c.subcommand == "clone" and len(c.words) >= 2:
            dest = c.words[2] if len(c.words) > 2 else (_url_name(c.words[1]) or "").removesuffix(".git")
            if dest:
                targets.append((dest, "the clone", True))
        for path, env_what in _cache_paths(c, ins.scope):
            targets.append((path, env_what, True))
        for path, what, tree in targets:
            absolute = resolve(path, cwd)
            if absolute is None or absolute == "/" or cache_mount_on(ins, absolute):
                continue
            out.append(Created(absolute, what, ins.line, tree))
    return [c for c in out if not _removed_after(cmds, c.path, workdir)]


def _removed_after(cmds: tuple[Command, ...], path: str, workdir: str | None) -> bool:
    return any(overlap(p, path) == "all" for p in removed_paths(cmds, workdir))


def removed_paths(cmds: tuple[Command, ...], workdir: str | None) -> list[str]:
    """Absolute paths (globs kept) the RUN's `rm` commands delete."""
    out = []
    cwd = workdir
    for c in cmds:
        if c.name == "cd":
            cwd = resolve(c.words[0], cwd) if c.words else None
        elif c.name == "rm":
            for w in c.words:
                absolute = resolve(w, cwd)
                if absolute is not None:
                    out.append(absolute)
    return out


def overlap(removed: str, created: str) -> str | None:
    """How deleting `removed` touches `created`: "all" when it deletes the path (itself, a
    parent, or everything in it: `rm -rf dir/*`), "part" when it deletes something inside
    it, None when it does not touch it."""
    m = GLOB.search(removed)
    if m:
        from fnmatch import fnmatchcase

        if fnmatchcase(created, removed) or any(fnmatchcase(a, removed) for a in ancestors_of(created)):
            return "all"
        prefix = removed[: m.start()].rsplit("/", 1)[0] or "/"
        if prefix == created:
            return "all" if removed[len(prefix):] in ("/*", "/.*", "/*.*") else "part"
        return "part" if prefix.startswith(created.rstrip("/") + "/") else None
    removed = removed.rstrip("/") or "/"
    if removed == created or created.startswith(removed.rstrip("/") + "/"):
        return "all"
    return "part" if removed.startswith(created.rstrip("/") + "/") else None


# --- ARG / ENV ---------------------------------------------------------------------------------


def arg_pairs(ins: Instruction) -> list[tuple[str, str | None]]:
    return list(ins.pairs)


def env_pairs(ins: Instruction) -> list[tuple[str, str]]:
    return [(name, value or "") for name, value in ins.pairs]


def raw_env_values(ins: Instruction) -> dict[str, str]:
    """ENV values as written (variables not expanded, quotes removed)."""
    return dict(env_pairs(ins))


# --- build context -------------------------------------------------------------------------------


def ignore_file(context_dir: str, dockerfile_path: str) -> str | None:
    """The ignore file BuildKit reads: `<Dockerfile name>.dockerignore` next to the Dockerfile
    first, then `.dockerignore` at the context root."""
    from slimmer.rules.context_files import is_file

    for name in (os.path.basename(dockerfile_path) + ".dockerignore", ".dockerignore"):
        if is_file(context_dir, name):
            return os.path.join(context_dir, name)
    return None


def ignore_patterns(path: str | None) -> list[str]:
    """Patterns of an ignore file, read as the docker SDK reads them."""
    from slimmer.rules.context_files import read_text

    if path is None:
        return []
    text = read_text(os.path.dirname(path), os.path.basename(path))  # confined, size capped
    if text is None:
        return []
    lines = text.splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]


def context_known(dockerfile_path: str) -> bool:
    """The build context is only known for a Dockerfile read from disk (not from stdin)."""
    return os.path.isfile(dockerfile_path)
