"""Questions the package-manager rules ask (apt, apk, yum/dnf, pip, poetry, conda), answered
once here: which action a command runs once option values are skipped, which packages a
`pip install` names, what a requirements file in the build context lists, and whether a
proposed textual fix really changes the command it is meant to change.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatch

from slimmer.model.nodes import Instruction
from slimmer.model.shell import Command, scan_options
from slimmer.rules import Fix, data
from slimmer.rules.context_files import read_text, resolve

# --- generic option scanning ---------------------------------------------------------


def scan(args: tuple[str, ...], value_options: set[str]) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Options and positional words, short clusters opened (see model.shell.scan_options)."""
    return scan_options(args, value_options)


def option_values(options: list[tuple[str, str | None]], *names: str) -> list[str]:
    return [v for n, v in options if n in names and v is not None]


def has(options: list[tuple[str, str | None]], *names: str) -> bool:
    return any(n in names for n, _ in options)


# --- apt ----------------------------------------------------------------------------

APT = {"apt-get", "apt"}
_APT_VALUE = {"-o", "-c", "-t", "--option", "--config-file", "--target-release", "--default-release"}


@dataclass(frozen=True)
class AptCall:
    action: str | None
    options: list[tuple[str, str | None]]
    packages: list[str]  # as written, version pins kept


def apt_call(cmd: Command) -> AptCall | None:
    if cmd.name not in APT:
        return None
    options, words = scan(cmd.args, _APT_VALUE)
    return AptCall(words[0] if words else None, options, words[1:])


def apt_assumes_yes(cmd: Command, call: AptCall) -> bool:
    """True when apt answers its own prompts: -y/--yes/--assume-yes, -qq (quiet level 2
    implies -y), -q=2, --quiet=2, or -o APT::Get::Assume-Yes=true."""
    if any(re.fullmatch(r"-q=?[2-9]", a) for a in cmd.args):
        return True
    quiet = 0
    for name, value in call.options:
        if name in ("-y", "--yes", "--assume-yes"):
            return True
        if name == "-q":
            quiet += 1
        if name == "--quiet" and value is not None and value.strip().isascii() and value.strip().isdigit() and int(value) >= 2:
            return True
        if name in ("-o", "--option") and value and value.lower().startswith("apt::get::assume-yes"):
            return not value.lower().endswith(("=false", "=0", "=no"))
    return quiet >= 2


# --- yum / dnf / microdnf --------------------------------------------------------------

RPM_TOOLS = {"yum", "dnf", "microdnf", "tdnf", "dnf5"}
_RPM_VALUE = {
    "-c", "--config", "-d", "--debuglevel", "-e", "--errorlevel", "-x", "--exclude",
    "--enablerepo", "--disablerepo", "--repo", "--repoid", "--releasever", "--installroot",
    "--setopt", "--forcearch", "--downloaddir", "--destdir", "--rpmverbosity",
}  # fmt: skip


@dataclass(frozen=True)
class RpmCall:
    tool: str
    action: str | None
    options: list[tuple[str, str | None]]
    words: list[str]  # positional words after the action
    index: int = 0  # the command's position in its RUN


def rpm_call(cmd: Command) -> RpmCall | None:
    if cmd.name not in RPM_TOOLS:
        return None
    options, words = scan(cmd.args, _RPM_VALUE)
    return RpmCall(cmd.name, words[0] if words else None, options, words[1:], cmd.index)


# --- pip ----------------------------------------------------------------------------

_PIP_VALUE = {
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
    "--platform", "--python-version", "--implementation", "--abi", "--src", "--upgrade-strategy",
    "--progress-bar", "--log", "--proxy", "--retries", "--timeout", "--exists-action",
    "--trusted-host", "--cert", "--client-cert", "--cache-dir", "--global-option",
    "--config-settings", "-C", "--no-binary", "--only-binary", "--report", "--python",
    "--root-user-action", "--keyring-provider", "--use-feature", "--use-deprecated", "--group",
    # uv pip install
    "--index", "--default-index", "--override", "--overrides", "--build-constraint",
    "--build-constraints", "-b", "-p", "--torch-backend", "--index-strategy", "--resolution",
    "--prerelease", "--extra", "--exclude-newer", "--link-mode", "--python-platform",
    "--reinstall-package", "--upgrade-package", "-P", "--refresh-package", "--directory",
    "--project", "--config-file", "--color", "--allow-insecure-host", "--no-build-package",
    "--no-binary-package", "--only-binary-package", "--config-setting",
}  # fmt: skip
INDEX_OPTIONS = ("-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--index", "--default-index")
_NAME = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_EXTRAS = re.compile(r"\[([^\]]*)\]")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirement:
    spec: str  # as written
    name: str | None  # normalised project name; None for paths, URLs and variables
    extras: tuple[str, ...]
    version: str  # what follows the name and extras (==2.3.0+cpu, >=1, "")
    editable: bool = False


def requirement(spec: str, editable: bool = False) -> Requirement:
    spec = spec.strip()
    extras: tuple[str, ...] = ()
    m = _EXTRAS.search(spec)
    if m:
        extras = tuple(normalise(e.strip()) for e in m.group(1).split(",") if e.strip())
    if spec.startswith((".", "/", "~", "$")) or "://" in spec or spec.startswith("git+"):
        return Requirement(spec, None, extras, "", editable)
    n = _NAME.match(spec)
    if not n:
        return Requirement(spec, None, extras, "", editable)
    # What follows the name: a version spec, or `@ url` for a direct reference.
    rest = _EXTRAS.sub("", spec[n.end() :], count=1).split(";", 1)[0].strip()
    return Requirement(spec, normalise(n.group(1)), extras, rest, editable)


@dataclass(frozen=True)
class PipInstall:
    cmd: Command
    uv: bool  # `uv pip install`
    options: list[tuple[str, str | None]]
    requirements: list[Requirement]  # named on the command line, editables included
    files: list[str]  # -r files
    indexes: list[str]  # index URLs and find-links
    upgrade: bool
    env: dict[str, str] = field(default_factory=dict)


def pip_install(cmd: Command, ins: Instruction | None = None) -> PipInstall | None:
    """The `pip install` (any pip, `python -m pip`, `uv pip install`) a command runs."""
    if cmd.is_("pip"):
        uv, args = False, cmd.args
    elif cmd.name == "uv" and cmd.args[:1] == ("pip",):
        uv, args = True, cmd.args[1:]
    else:
        return None
    options, words = scan(args, _PIP_VALUE)
    if not words or words[0] != "install":
        return None
    reqs = [requirement(w) for w in words[1:]]
    reqs += [requirement(v, editable=True) for v in option_values(options, "-e", "--editable")]
    env = dict(ins.scope) if ins is not None else {}
    env = {k: v for k, v in env.items() if v is not None}
    env.update(dict(cmd.assignments))
    indexes = option_values(options, *INDEX_OPTIONS)
    for var in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL",
                "UV_INDEX", "UV_DEFAULT_INDEX", "UV_FIND_LINKS"):
        if env.get(var):
            indexes += env[var].split()
    return PipInstall(
        cmd=cmd,
        uv=uv,
        options=options,
        requirements=reqs,
        files=option_values(options, "-r", "--requirement"),
        indexes=indexes,
        upgrade=has(options, "-U", "--upgrade"),
        env=env,
    )


def read_requirements(context_dir: str, path: str, depth: int = 0) -> list[str] | None:
    """The lines of a requirements file as found in the build context (nested -r files
    included), or None when the file is not there.

    The path is the one pip sees inside the image; it is looked up relative to the
    context, then by its trailing components (`/app/requirements/base.txt` ->
    `requirements/base.txt`, then `base.txt`).
    """
    if depth > 5 or not path or "$" in path:
        return None
    found = _locate(context_dir, path)
    if found is None:
        return None
    text = read_text(context_dir, found)  # confined to the context, size capped
    if text is None:
        return None
    lines: list[str] = []
    for line in text.replace("\\\n", " ").splitlines():
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        if not line:
            continue
        m = re.match(r"^(?:-r|--requirement)(?:\s+|=)(\S+)", line)
        if m:
            nested = os.path.join(os.path.dirname(found), m.group(1))
            lines += read_requirements(context_dir, nested, depth + 1) or []
            continue
        lines.append(line)
    return lines


def _locate(context_dir: str, path: str) -> str | None:
    """The path, relative to the context, of the file `path` names (see read_requirements);
    only files inside the build context count (context_files)."""
    parts = [p for p in path.replace("\\", "/").split("/") if p and p != "."]
    for start in range(len(parts)):
        candidate = os.path.join(*parts[start:])
        if resolve(context_dir, candidate) is not None:
            return candidate
    return None


def requirement_lines(lines: list[str]) -> tuple[list[Requirement], list[str]]:
    """Requirements and index URLs that the lines of a requirements file give."""
    reqs: list[Requirement] = []
    indexes: list[str] = []
    for line in lines:
        if line.startswith("-"):
            m = re.match(r"^(-i|--index-url|--extra-index-url|-f|--find-links)(?:\s+|=)(\S+)", line)
            if m:
                indexes.append(m.group(2))
            m = re.match(r"^(-e|--editable)(?:\s+|=)(\S+)", line)
            if m:
                reqs.append(requirement(m.group(2), editable=True))
            continue
        reqs.append(requirement(line.split()[0] if " @ " not in line else line))
    return reqs, indexes


def matches_any(name: str, patterns: list[str]) -> bool:
    return any(fnmatch(name, p) for p in patterns)


# --- dev / test words ------------------------------------------------------------------


def dev_like(text: str | None) -> bool:
    """True when a name (a file, an extra, a group, a stage) says development or tests."""
    if not text:
        return False
    words = set(data("python")["dev_words"])
    return any(t in words for t in re.split(r"[-_./\s]+", text.lower()) if t)


def dev_image(ctx) -> bool:
    """True when the whole image is meant for development or tests: the target stage is
    named so, or the Dockerfile is (Dockerfile.dev, test.Dockerfile, .devcontainer/)."""
    if dev_like(ctx.target.name):
        return True
    path = ctx.dockerfile.path or ""
    base = os.path.basename(path)
    parent = os.path.basename(os.path.dirname(os.path.abspath(path))) if path else ""
    return parent == ".devcontainer" or dev_like(re.sub(r"(?i)dockerfile", "", base))


def pyproject(context_dir: str) -> dict | None:
    """The build context's pyproject.toml, or None when there is none (or it is broken)."""
    text = read_text(context_dir, "pyproject.toml")
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None


# --- checking a fix before offering it ---------------------------------------------------


def commands_after(ctx, fix: Fix | None) -> tuple[Command, ...] | None:
    """The commands the instruction would run once the fix is applied, or None when the
    edited text no longer parses (or there is no fix)."""
    if fix is None or len(fix.edits) != 1:
        return None
    from slimmer.errors import DockerfileError
    from slimmer.parse import parse_text
    from slimmer.rules.context import Context

    edit = fix.edits[0]
    new = edit.apply(edit.instruction.raw)
    if new is None:
        return None
    escape = ctx.dockerfile.escape
    prefix = "" if escape == "\\" else f"# escape={escape}\n"
    try:
        df = parse_text(prefix + "FROM scratch\n" + new)
    except DockerfileError:
        return None
    runs = [i for i in df.instructions if i.keyword == "RUN"]
    if len(runs) != 1:
        return None
    # A throw-away context: its command cache must not outlive the temporary instruction.
    return Context(df, ctx.graph).commands(runs[0])


def checked_fix(ctx, fix: Fix | None, accept) -> Fix | None:
    """The fix, when the commands after it pass `accept(commands)`; otherwise None."""
    after = commands_after(ctx, fix)
    if after is None:
        return None
    return fix if accept(after) else None


def appendable(ins: Instruction) -> bool:
    """True when `&& more` can be appended to the RUN's last line: a shell-form RUN without
    heredocs whose text does not end in an operator, a continuation or a comment."""
    if ins.keyword != "RUN" or ins.exec_form is not None or ins.heredocs:
        return False
    last = ins.raw.rstrip().rsplit("\n", 1)[-1].strip()
    return bool(last) and not last.startswith("#") and last[-1] not in ";&|\\`"


APPEND = r"(\S)([ \t]*)(\r?\n?)\Z"
