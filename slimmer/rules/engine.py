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
    for rule in all_rules().values():
        if rule.check is None:
            continue
        if settings.select is not None and rule.id not in settings.select:
            continue
        for finding in rule.check(ctx, rule):  # type: ignore[call-arg]
            finding.path = df.path
            # Configuration wins; otherwise a rule may raise or lower one finding's level.
            finding.severity = settings.severity.get(rule.id) or finding.severity or rule.severity
            if _silenced(finding, file_wide) or _silenced(finding, per_line.get(finding.line, set())):
                continue
            findings.append(finding)
    findings.sort(key=lambda f: (f.line, f.rule.id))
    return findings


def at_or_above(findings: list[Finding], level: str) -> list[Finding]:
    floor = SEVERITIES.index(level)
    return [f for f in findings if SEVERITIES.index(f.severity or f.rule.severity) >= floor]


def _applicable(f: Finding, unsafe: bool) -> bool:
    return f.fix is not None and (f.fix.safety != "unsafe" or unsafe)


def apply_fixes(df: Dockerfile, findings: list[Finding], unsafe: bool = False) -> tuple[str, list[Finding]]:
    """One pass: the file's text with the fixes applied, every other byte left as it was.

    Fixes are positioned edits. They are taken in the order of their place in the file;
    a fix any of whose edits overlaps an edit already taken (or that does not fit its
    instruction's text) is skipped for this pass, whole. Callers repeat passes until none
    applies: `fix_to_fixed_point` does.
    """
    order = {id(n): i for i, n in enumerate(df.nodes)}

    def place(f: Finding):
        return min((order.get(id(e.instruction), len(order)), e.start, e.end) for e in f.fix.edits)

    taken: dict[int, list] = {}  # instruction id -> edits taken
    applied: list[Finding] = []
    for f in sorted((f for f in findings if _applicable(f, unsafe) and f.fix.edits), key=place):
        edits = f.fix.edits
        if not all(id(e.instruction) in order and e.apply(e.instruction.raw) is not None for e in edits):
            continue  # an instruction of another model (ONBUILD's inner one) or stale positions
        clash = False
        for k, e in enumerate(edits):
            others = taken.get(id(e.instruction), []) + [x for x in edits[:k] if x.instruction is e.instruction]
            if any(_overlaps(e, t) for t in others):
                clash = True
                break
        if clash:
            continue
        for e in edits:
            taken.setdefault(id(e.instruction), []).append(e)
        applied.append(f)
    out = []
    for n in df.nodes:
        raw = n.raw
        for e in sorted(taken.get(id(n), []), key=lambda e: (e.start, e.end), reverse=True):
            raw = raw[: e.start] + e.text + raw[e.end :]
        out.append(raw)
    return df.bom + "".join(out), applied


def _overlaps(a, b) -> bool:
    """Two edits of one instruction that cannot both be made: their ranges share a
    character, or both insert at the same place (which goes first is not defined)."""
    if a.start == a.end == b.start == b.end:
        return True
    return a.start < b.end and b.start < a.end


MAX_FIX_PASSES = 16


def fix_to_fixed_point(df: Dockerfile, settings: Settings | None = None, unsafe: bool = False,
                       findings: list[Finding] | None = None) -> tuple[Dockerfile, list[Finding], list[Finding]]:
    """The one apply loop of `analyze --fix` and of the rewrite's hygiene pass: apply a
    pass of fixes, parse and analyse the new text again, until no fix applies. Returns the
    fixed model, its findings and every fix applied.

    A fix whose text does not parse, a pass that gives back a text seen before (a fix that
    undoes another), or fixes still applying after MAX_FIX_PASSES passes (a fix that does
    not remove its finding) are slimmer's bugs: an InternalError, and nothing is written.
    """
    from slimmer.errors import DockerfileError, InternalError
    from slimmer.parse import parse_text

    settings = settings or Settings()
    findings = analyze(df, settings) if findings is None else findings
    seen = {df.render()}
    done: list[Finding] = []
    for _ in range(MAX_FIX_PASSES):
        text, applied = apply_fixes(df, findings, unsafe)
        if not applied:
            return df, findings, done
        ids = ", ".join(sorted({f"{f.rule.id} (line {f.line})" for f in applied}))
        if text in seen:
            raise InternalError(f"the fixes {ids} undo each other or change nothing, so --fix cannot finish", df.path)
        seen.add(text)
        try:
            df = parse_text(text, df.path)
        except DockerfileError as exc:
            raise InternalError(f"the fixes {ids} gave a Dockerfile that does not parse ({exc.message})", df.path) from None
        done.extend(applied)
        findings = analyze(df, settings)
    left = ", ".join(sorted({f"{f.rule.id} (line {f.line})" for f in findings if _applicable(f, unsafe)}))
    raise InternalError(f"the fixes did not converge after {MAX_FIX_PASSES} passes: {left} still offer a fix after it was applied", df.path)
