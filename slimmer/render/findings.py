"""Findings as text, JSON, SARIF 2.1.0, GitHub annotations or markdown."""

from __future__ import annotations

import json
import os
from collections import defaultdict

from slimmer import __version__
from slimmer.rules import Finding, Rule

SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
RESET, BOLD, DIM = "\033[0m", "\033[1m", "\033[2m"


def _severity(f: Finding) -> str:
    return f.severity or f.rule.severity


def to_json(findings: list[Finding], stages_by_path: dict) -> str:
    return json.dumps([f.to_json(stages_by_path.get(f.path)) for f in findings], indent=2)


def to_text(findings: list[Finding], colour: bool, files_checked: int) -> str:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if colour else text

    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_file[f.path].append(f)
    out = []
    from slimmer.errors import escape  # a Dockerfile's text must not drive the terminal

    for path, items in by_file.items():
        path = escape(path)
        out.append(paint(path, BOLD))
        for f in items:
            sev = _severity(f)
            fix = " [*]" if f.fix and f.fix.safety == "safe" else (" [unsafe fix]" if f.fix else "")
            alias = f" ({', '.join(f.rule.aliases)})" if f.rule.aliases else ""
            out.append(
                f"  {path}:{f.line}: {paint(sev, COLOURS[sev])} {paint(f.rule.id, BOLD)}{alias} {escape(f.message)}{fix}"
            )
        out.append("")
    counts = defaultdict(int)
    for f in findings:
        counts[_severity(f)] += 1
    summary = ", ".join(f"{counts[s]} {s}" for s in ("error", "warning", "info") if counts[s]) or "no findings"
    fixable = sum(1 for f in findings if f.fix and f.fix.safety == "safe")
    tail = f"; {fixable} fixable with --fix" if fixable else ""
    out.append(f"{files_checked} file(s) checked: {summary}{tail}")
    return "\n".join(out)


def _gh_escape(text: str, prop: bool = False) -> str:
    from slimmer.errors import escape  # ESC, U+2028 ...; CR and LF are %-escaped below

    text = escape(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def to_github(findings: list[Finding]) -> str:
    level = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for f in findings:
        title = _gh_escape(f"{f.rule.id} {f.rule.title}", prop=True)
        lines.append(
            f"::{level[_severity(f)]} file={_gh_escape(f.path, True)},line={f.line},endLine={f.end_line},"
            f"title={title}::{_gh_escape(f.message)}"
        )
    return "\n".join(lines)


def to_markdown(findings: list[Finding], files_checked: int) -> str:
    if not findings:
        return f"**slimmer**: no findings in {files_checked} file(s)."
    lines = [
        f"**slimmer**: {len(findings)} finding(s) in {files_checked} file(s)",
        "",
        "| Location | Rule | Severity | Message | Fix |",
        "|---|---|---|---|---|",
    ]
    for f in findings:
        from slimmer.errors import escape

        msg = escape(f.message).replace("|", "\\|")
        fix = f.fix.safety if f.fix else ""
        lines.append(f"| `{escape(f.path).replace('`', '')}:{f.line}` | {f.rule.id} | {_severity(f)} | {msg} | {fix} |")
    return "\n".join(lines)


def _sarif_rule(rule: Rule) -> dict:
    entry = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(rule.what.split())},
        "help": {"text": rule.docs(), "markdown": rule.docs()},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {"category": rule.category, "tags": [rule.category]},
    }
    if rule.aliases:
        entry["properties"]["aliases"] = list(rule.aliases)
    return entry


def to_sarif(findings: list[Finding], rules: dict[str, Rule]) -> str:
    ordered = list(rules.values())
    index = {r.id: i for i, r in enumerate(ordered)}
    results = []
    for f in findings:
        uri = os.path.relpath(f.path).replace(os.sep, "/") if os.path.isabs(f.path) else f.path
        results.append(
            {
                "ruleId": f.rule.id,
                "ruleIndex": index[f.rule.id],
                "level": SARIF_LEVEL[_severity(f)],
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": {"startLine": f.line, "endLine": max(f.end_line, f.line)},
                        }
                    }
                ],
            }
        )
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "slimmer",
                        "version": __version__,
                        "rules": [_sarif_rule(r) for r in ordered],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)
