"""Run the rules over one Dockerfile, honour ignores and configuration, apply fixes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from slimmer.model.graph import build_graph
from slimmer.model.nodes import Comment, Dockerfile, Instruction
from slimmer.rules import SEVERITIES, Finding, all_rules
from slimmer.rules.context import Context

_INLINE = re.compile(r"#\s*slimmer:\s*ignore\s*=\s*([\w ,]+)", re.I)
_GLOBAL = re.compile(r"#\s*slimmer:\s*global\s+ignore\s*=\s*([\w ,]+)", re.I)
_HADOLINT = re.compile(r"#\s*hadolint\s+ignore\s*=\s*([\w ,]+)", re.I)
_HADOLINT_GLOBAL = re.compile(r"#\s*hadolint\s+global\s+ignore\s*=\s*([\w ,]+)", re.I)


@dataclass
class Settings:
    ignore: set[str] = field(default_factory=set)  # rule ids or hadolint codes
    select: set[str] | None = None  # only these rules, when given
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> severity
    all_stages: bool = False  # size/security rules on build stages too
    target: str | None = None


def _codes(text: str) -> set[str]:
    return {c.strip().upper() for c in text.split(",") if c.strip()}


def _ignores(df: Dockerfile) -> tuple[set[str], dict[int, set[str]]]:
    """File-wide ignores, and per-instruction ignores keyed by the instruction's line."""
    file_wide: set[str] = set()
    per_line: dict[int, set[str]] = {}
    pending: set[str] = set()
    for node in df.nodes:
        if isinstance(node, Comment):
            text = node.raw.strip()
            for pattern in (_GLOBAL, _HADOLINT_GLOBAL):
                m = pattern.search(text)
                if m:
                    file_wide |= _codes(m.group(1))
                    break
            else:
                for pattern in (_INLINE, _HADOLINT):
                    m = pattern.search(text)
                    if m:
                        pending |= _codes(m.group(1))
        elif isinstance(node, Instruction):
            if pending:
                per_line[node.line] = pending
            pending = set()
        # blank lines between the comment and its instruction keep the ignore pending
    return file_wide, per_line


def _silenced(finding: Finding, codes: set[str]) -> bool:
    return finding.rule.id in codes or any(a in codes for a in finding.rule.aliases) or "ALL" in codes


def analyze(df: Dockerfile, settings: Settings | None = None) -> list[Finding]:
    settings = settings or Settings()
    graph = build_graph(df, settings.target)
    ctx = Context(df, graph, all_stages=settings.all_stages)
    file_wide, per_line = _ignores(df)
    file_wide |= {c.upper() for c in settings.ignore}
    findings: list[Finding] = []
    development = _development_target(ctx) and not settings.all_stages
    for rule in all_rules().values():
        if rule.check is None:
            continue
        if settings.select is not None and rule.id not in settings.select:
            continue
        if development and rule.scope == "final" and rule.category == "size":
            continue  # a development image (AS dev-envs, Dockerfile.dev) is not the one to slim
        for finding in rule.check(ctx, rule):  # type: ignore[call-arg]
            finding.path = df.path
            # Configuration wins; otherwise a rule may raise or lower one finding's level.
            finding.severity = settings.severity.get(rule.id) or finding.severity or rule.severity
            if _silenced(finding, file_wide) or _silenced(finding, per_line.get(finding.line, set())):
                continue
            findings.append(finding)
    findings.sort(key=lambda f: (f.line, f.rule.id))
    return findings


def _development_target(ctx: Context) -> bool:
    """The target is a development or test image: a side stage (AS dev-envs, AS test: built
    with --target, as SLM074 reads it) or the Dockerfile is named so (Dockerfile.dev)."""
    from slimmer.rules.facts_layers import side_stage
    from slimmer.rules.facts_python import dev_dockerfile

    return side_stage(ctx.target) or dev_dockerfile(ctx.dockerfile.path)


def at_or_above(findings: list[Finding], level: str) -> list[Finding]:
    floor = SEVERITIES.index(level)
    return [f for f in findings if SEVERITIES.index(f.severity or f.rule.severity) >= floor]


def apply_fixes(df: Dockerfile, findings: list[Finding], unsafe: bool = False) -> tuple[str, list[Finding]]:
    """The file's text with the fixes applied; every other byte is left as it was.

    One fix per instruction per pass, so edits never overlap; callers loop until
    nothing changes (the fixed text is parsed and analysed again each time).
    """
    replaced: dict[int, str] = {}
    applied: list[Finding] = []
    for f in findings:
        if f.fix is None or (f.fix.safety == "unsafe" and not unsafe):
            continue
        targets = {id(e.instruction) for e in f.fix.edits}
        if targets & replaced.keys():
            continue
        new_texts = {}
        for edit in f.fix.edits:
            new = edit.apply(edit.instruction.raw)
            if new is None:
                break
            new_texts[id(edit.instruction)] = new
        else:
            replaced.update(new_texts)
            applied.append(f)
    text = df.bom + "".join(replaced.get(id(n), n.raw) for n in df.nodes)
    return text, applied
