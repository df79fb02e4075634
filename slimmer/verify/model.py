"""What the checks share: one image's side (config, filesystem, who it runs as) and one
check's outcome."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from slimmer.verify.fs import ImageFS, env_map, user_ids

SHELLS = {"sh", "bash", "dash", "ash", "zsh", "busybox"}


@dataclass
class Check:
    """One check: `name` (config, executables, libraries, python, node, files, startup,
    smoke), `ok`, a one-line `summary`, `details` (evidence lines a person reads) and
    `data` (the same evidence for programs: missing libraries, packages, ...)."""

    name: str
    ok: bool
    summary: str
    details: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"name": self.name, "ok": self.ok, "summary": self.summary, "details": self.details, "data": self.data}


@dataclass
class Side:
    """One of the two images: its tag or id, its inspected Config and its exported files."""

    label: str  # "before" or "after"
    image: str
    config: dict
    fs: ImageFS

    @property
    def env(self) -> dict[str, str]:
        return env_map(self.config.get("Env"))

    @property
    def path_var(self) -> str | None:
        return self.env.get("PATH")

    @property
    def workdir(self) -> str:
        return self.config.get("WorkingDir") or "/"

    @property
    def user(self) -> str:
        return self.config.get("User") or "root"

    @property
    def ids(self):
        return user_ids(self.fs, self.user)

    @property
    def argv(self) -> list[str]:
        return list(self.config.get("Entrypoint") or []) + list(self.config.get("Cmd") or [])


def shell_words(script: str) -> list[str]:
    try:
        return shlex.split(script, comments=True)
    except ValueError:
        return script.split()


def programs(argv: list[str]) -> list[str]:
    """The programs a command starts: argv[0]; for `sh -c "..."` the shell and the first
    word of its script (after VAR=value and `exec`)."""
    if not argv:
        return []
    found = [argv[0]]
    base = argv[0].rsplit("/", 1)[-1]
    if base in SHELLS and len(argv) >= 3 and argv[1] in ("-c", "-ec", "-ce", "-lc", "-euc", "-eu"):
        words = shell_words(argv[2])
        while words and ("=" in words[0] and not words[0].startswith("=") and words[0].split("=", 1)[0].isidentifier()):
            words.pop(0)
        while words and words[0] in ("exec", "env", "nohup"):
            words.pop(0)
            while words and "=" in words[0] and words[0].split("=", 1)[0].isidentifier():
                words.pop(0)
        if words and not words[0].startswith(("$", "(", "{")):
            found.append(words[0])
    return found


def named_paths(argv: list[str]) -> list[str]:
    """Words of a command that name files: absolute or ./relative paths, and script names
    such as app.py or server.js."""
    out = []
    words = list(argv)
    if argv and argv[0].rsplit("/", 1)[-1] in SHELLS and len(argv) >= 3 and argv[1].startswith("-") and "c" in argv[1]:
        words = argv[:2] + shell_words(argv[2])
    for w in words:
        if w.startswith("-") or "=" in w or "$" in w or ":" in w and not w.startswith("/"):
            continue
        if w.startswith(("/", "./", "../")) or w.endswith((".py", ".js", ".mjs", ".cjs", ".sh", ".jar", ".rb", ".php")):
            out.append(w)
    return out
