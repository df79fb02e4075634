"""The rule engine: rules are small checks over the model; their docs, examples and the
knowledge they use (package names, images, cache paths) live as data in the top-level
rules/ folder (installed as the package `slimmer.catalog`).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

if TYPE_CHECKING:
    from slimmer.model.shell import Command
    from slimmer.rules.context import Context

from slimmer.model.nodes import Instruction

SEVERITIES = ("info", "warning", "error")
CATEGORIES = ("size", "cache", "layers", "security", "correctness")


@dataclass(frozen=True)
class Edit:
    """A positioned edit: replace characters start:end of one instruction's text (its
    `raw`, as read) with `text`. An insertion has start == end."""

    instruction: Instruction
    start: int
    end: int
    text: str

    def apply(self, raw: str) -> str | None:
        """`raw` with the edit made, or None when it does not fit `raw`."""
        if not 0 <= self.start <= self.end <= len(raw):
            return None
        return raw[: self.start] + self.text + raw[self.end :]

    @classmethod
    def from_pattern(cls, ins: Instruction, pattern: str, replacement: str,
                     within: tuple[int, int] | None = None) -> Edit | None:
        """The edit that replaces the first match of `pattern` in the instruction's text (or
        in the part `within` of it) by `replacement` (a regex template), fixed to where the
        match is now; None when nothing matches."""
        regex = re.compile(pattern)
        start, end = within if within is not None else (0, len(ins.raw))
        m = regex.search(ins.raw, start, end)
        if m is None:
            return None
        first = regex.search(ins.raw) if within is not None else m
        if first is not None and first.span() == m.span():
            # Pattern.sub caches the parsed template (Match.expand parses it each time in 3.11)
            new = regex.sub(replacement, ins.raw, count=1)
            text = new[m.start() : len(new) - (len(ins.raw) - m.end())]
        else:
            text = m.expand(replacement)
        return cls(ins, m.start(), m.end(), text)


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...]
    safety: str  # "safe" or "unsafe"
    description: str


@dataclass
class Finding:
    rule: Rule
    line: int
    end_line: int
    stage: int | None
    message: str
    fix: Fix | None = None
    path: str = ""
    severity: str = ""  # after configuration; the rule's own by default

    def to_json(self, df_stages=None) -> dict[str, object]:
        stage_label = None
        if self.stage is not None and df_stages is not None:
            st = df_stages[self.stage]
            stage_label = st.name if st.name else str(st.index)
        return {
            "rule": self.rule.id,
            "title": self.rule.title,
            "severity": self.severity or self.rule.severity,
            "category": self.rule.category,
            "file": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "stage": stage_label,
            "message": self.message,
            "aliases": list(self.rule.aliases),
            "fix": self.fix.safety if self.fix else None,
        }


@dataclass
class Rule:
    id: str
    name: str
    title: str
    severity: str
    category: str
    scope: str  # "final": only stages that reach the target; "all": every stage
    fix: str | None  # "safe", "unsafe" or None: what kind of fix the rule can offer
    aliases: tuple[str, ...]
    what: str
    why: str
    fix_doc: str
    examples: list[dict] = field(default_factory=list)
    check: Callable[[Context], Iterable[Finding]] | None = None

    def finding(
        self,
        ins: Instruction,
        message: str,
        fix: Fix | None = None,
        line: int | None = None,
    ) -> Finding:
        return Finding(self, line or ins.line, ins.end_line, ins.stage_index, message, fix)

    def make_fix(self, ins: Instruction, pattern: str, replacement: str, description: str,
                 command: Command | None = None) -> Fix | None:
        """A fix for this rule, offered only when the pattern really is in the text: a
        positioned edit at the first match. With `command`, the match is looked for only in
        that command's own text, so the fix edits the command that was flagged (not the
        first command of the RUN that looks like it). Where the command's place is not
        known (inside `sh -c "..."`, an exec-form RUN), only a pattern that matches once in
        the whole instruction is used; otherwise there is no fix."""
        if self.fix is None:
            return None
        within = None
        if command is not None:
            span = command.span
            within = ins.raw_span(command.script, span[0], span[1], verbatim=False) if span else None
            if within is None and len(re.findall(pattern, ins.raw)) != 1:
                return None
        edit = Edit.from_pattern(ins, pattern, replacement, within)
        if edit is None:
            return None
        return Fix((edit,), self.fix, description)

    def docs(self) -> str:
        lines = [f"# {self.title} ({self.id}, {self.name})", ""]
        meta = f"Severity: {self.severity}. Category: {self.category}."
        meta += {
            "final": " Checks only the stages whose files ship in the final image.",
            "used": " Checks the stages the build target needs.",
            "all": " Checks every stage.",
        }[self.scope]
        if self.aliases:
            meta += f" Same as hadolint {', '.join(self.aliases)}."
        lines += [meta, "", "## What it does", self.what.strip(), "", "## Why is this bad?", self.why.strip(), ""]
        for ex in self.examples:
            title = "Example" if ex["kind"] == "bad" else "Use instead"
            lines += [f"## {title}", "```dockerfile", ex["dockerfile"].rstrip("\n"), "```", ""]
        safety = {"safe": "The fix is safe: slimmer applies it with --fix.",
                  "unsafe": "The fix is unsafe (it may change behaviour): slimmer applies it only with --unsafe-fixes."}
        lines += ["## Fix safety", self.fix_doc.strip() or safety.get(self.fix or "", "No automatic fix.")]
        if self.fix in safety and self.fix_doc.strip():
            lines += ["", safety[self.fix]]
        return "\n".join(lines).rstrip() + "\n"


_REGISTRY: dict[str, Callable[[Context], Iterable[Finding]]] = {}


def rule(rule_id: str):
    """Register a rule's check function under its id."""

    def register(func: Callable[[Context, Rule], Iterator[Finding]]):
        _REGISTRY[rule_id] = func
        return func

    return register


@lru_cache(maxsize=1)
def catalog_dir() -> str:
    """The rules/ folder, installed as the package slimmer.catalog (a plain path: the
    catalog ships as files, and importlib.resources costs ~10 ms at start-up)."""
    import slimmer.catalog

    return os.path.dirname(os.path.abspath(slimmer.catalog.__file__))


@lru_cache(maxsize=None)
def data(name: str) -> dict:
    """Knowledge the rules share, from rules/data/NAME.toml."""
    with open(os.path.join(catalog_dir(), "data", f"{name}.toml"), "rb") as fh:
        return tomllib.load(fh)


def _catalog_docs() -> list[dict]:
    """Every rules/SLMnnn.toml, parsed; kept in slimmer's cache, as parsing their docs
    costs more than the checks on one Dockerfile."""
    from slimmer import cache

    folder = catalog_dir()
    paths = [os.path.join(folder, n) for n in sorted(os.listdir(folder)) if n.startswith("SLM") and n.endswith(".toml")]
    name = f"catalog-{cache.files_fingerprint(paths)}.marshal"
    docs = cache.load(name)
    if not isinstance(docs, list):
        docs = []
        for path in paths:
            with open(path, "rb") as fh:
                docs.append(tomllib.load(fh))
        cache.store(name, docs, replaces="catalog-")
    return docs


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    from slimmer.rules import checks

    for mod in pkgutil.iter_modules(checks.__path__):
        importlib.import_module(f"slimmer.rules.checks.{mod.name}")
    rules: dict[str, Rule] = {}
    for doc in _catalog_docs():
        rid = doc["id"]
        rules[rid] = Rule(
            id=rid,
            name=doc["name"],
            title=doc["title"],
            severity=doc["severity"],
            category=doc["category"],
            scope=doc.get("scope", "final"),
            fix=doc.get("fix") if doc.get("fix") in ("safe", "unsafe") else None,
            aliases=tuple(doc.get("aliases", [])),
            what=doc.get("what", ""),
            why=doc.get("why", ""),
            fix_doc=doc.get("fix_doc", ""),
            examples=doc.get("examples", []),
            check=_REGISTRY.get(rid),
        )
    return rules
